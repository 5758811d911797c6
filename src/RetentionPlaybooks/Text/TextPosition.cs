namespace RetentionPlaybooks.Text;

/// <summary>Turns an offset in a whole file's text into a 1-based line and column.</summary>
internal static class TextPosition
{
    public static SourceLocation At(string file, string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] != '\n') continue;
            line++;
            lineStart = i + 1;
        }
        return new SourceLocation(file, line, offset - lineStart + 1);
    }

    /// <summary>Where a parser that ran out of text stopped: just after the last character.</summary>
    public static SourceLocation End(string file, string text) => At(file, text, text.Length);
}
