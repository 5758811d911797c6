namespace RetentionPlaybooks.Gates.Syntax;

internal sealed class ParenthesizedExpressionSyntax(SyntaxToken open, ExpressionSyntax expression, SyntaxToken close) : ExpressionSyntax
{
    public SyntaxToken OpenParen { get; } = open;

    public ExpressionSyntax Expression { get; } = expression;

    public SyntaxToken CloseParen { get; } = close;

    public override int Start => OpenParen.Start;

    public override int End => CloseParen.End;
}
