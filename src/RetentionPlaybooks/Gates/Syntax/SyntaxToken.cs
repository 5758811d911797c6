namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>
/// One token of a gate, with its offset and length in the gate's text. <see cref="Value"/> holds the parsed
/// literal: a double for numbers, the unescaped text for strings, a TimeSpan for durations, or null when the
/// literal was malformed (already reported).
/// </summary>
internal sealed class SyntaxToken(SyntaxKind kind, int start, string text, object? value = null)
{
    public SyntaxKind Kind { get; } = kind;

    public int Start { get; } = start;

    public string Text { get; } = text;

    public object? Value { get; } = value;

    public int Length => Text.Length;

    public int End => Start + Text.Length;

    public override string ToString() => Text;
}
