namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>A function call such as <c>count(event.items)</c>.</summary>
internal sealed class CallExpressionSyntax(SyntaxToken name, SyntaxToken open, IReadOnlyList<ExpressionSyntax> arguments, SyntaxToken close) : ExpressionSyntax
{
    public SyntaxToken Name { get; } = name;

    public SyntaxToken OpenParen { get; } = open;

    public IReadOnlyList<ExpressionSyntax> Arguments { get; } = arguments;

    public SyntaxToken CloseParen { get; } = close;

    public override int Start => Name.Start;

    public override int End => CloseParen.End;
}
