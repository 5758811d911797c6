namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>A dotted path to a field, such as <c>customer.address.city</c>.</summary>
internal sealed class PathExpressionSyntax(SyntaxToken token) : ExpressionSyntax
{
    public SyntaxToken Token { get; } = token;

    public override int Start => Token.Start;

    public override int End => Token.End;
}
