namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>Stands in for an expression the parser could not read; it is never bound.</summary>
internal sealed class ErrorExpressionSyntax(SyntaxToken token) : ExpressionSyntax
{
    public SyntaxToken Token { get; } = token;

    public override int Start => Token.Start;

    public override int End => Token.End;
}
