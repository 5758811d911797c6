namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>A number, string, duration, true or false written in the gate.</summary>
internal sealed class LiteralExpressionSyntax(SyntaxToken token) : ExpressionSyntax
{
    public SyntaxToken Token { get; } = token;

    public override int Start => Token.Start;

    public override int End => Token.End;
}
