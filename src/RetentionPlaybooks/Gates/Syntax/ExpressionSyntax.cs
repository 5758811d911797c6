namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>A node of a parsed gate; it knows the span of gate text it covers.</summary>
internal abstract class ExpressionSyntax
{
    public abstract int Start { get; }

    public abstract int End { get; }

    public int Length => End - Start;

    /// <summary>The gate text this node was parsed from.</summary>
    public string TextIn(string source) => source[Start..End];
}
