namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>A bracketed list of values, the right operand of <c>in</c>.</summary>
internal sealed class ListExpressionSyntax(SyntaxToken open, IReadOnlyList<ExpressionSyntax> elements, SyntaxToken close) : ExpressionSyntax
{
    public SyntaxToken OpenBracket { get; } = open;

    public IReadOnlyList<ExpressionSyntax> Elements { get; } = elements;

    public SyntaxToken CloseBracket { get; } = close;

    public override int Start => OpenBracket.Start;

    public override int End => CloseBracket.End;
}
