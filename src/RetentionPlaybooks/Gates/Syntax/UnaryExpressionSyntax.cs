namespace RetentionPlaybooks.Gates.Syntax;

/// <summary><c>not</c> and its operand.</summary>
internal sealed class UnaryExpressionSyntax(SyntaxToken operatorToken, ExpressionSyntax operand) : ExpressionSyntax
{
    public SyntaxToken OperatorToken { get; } = operatorToken;

    public ExpressionSyntax Operand { get; } = operand;

    public override int Start => OperatorToken.Start;

    public override int End => Operand.End;
}
