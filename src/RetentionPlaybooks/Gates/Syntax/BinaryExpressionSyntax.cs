namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>A comparison, <c>in</c>, <c>contains</c>, <c>within</c>, <c>and</c> or <c>or</c>.</summary>
internal sealed class BinaryExpressionSyntax(ExpressionSyntax left, SyntaxToken operatorToken, ExpressionSyntax right) : ExpressionSyntax
{
    public ExpressionSyntax Left { get; } = left;

    public SyntaxToken OperatorToken { get; } = operatorToken;

    public ExpressionSyntax Right { get; } = right;

    public override int Start => Left.Start;

    public override int End => Right.End;
}
