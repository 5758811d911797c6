namespace RetentionPlaybooks.Text;

/// <summary>A place in a source file: 1-based line and column, and the length of the span on that line.</summary>
internal readonly record struct SourceLocation(string File, int Line, int Column, int Length = 1)
{
    public static SourceLocation None(string file) => new(file, 0, 0, 0);

    public override string ToString() => Line > 0 ? $"{File}({Line},{Column})" : File;
}
