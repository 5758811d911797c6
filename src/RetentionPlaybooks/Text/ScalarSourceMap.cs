namespace RetentionPlaybooks.Text;

/// <summary>
/// Maps an offset inside the value of a YAML scalar (a gate expression, a Liquid template) back to
/// the line and column in the YAML file, so errors inside embedded languages point at the right character.
/// </summary>
internal sealed class ScalarSourceMap
{
    private readonly string _file;
    private readonly int _line;
    private readonly int _column;
    private readonly ScalarKind _kind;
    private readonly string _value;
    private readonly int _blockIndent;
    private List<int>? _lineStarts;

    public ScalarSourceMap(string file, int line, int column, ScalarKind kind, string value, int blockIndent = 0)
    {
        _file = file;
        _line = line;
        _column = column;
        _kind = kind;
        _value = value;
        _blockIndent = blockIndent;
    }

    /// <summary>A map for text that is not inside a YAML file (tests, the CLI's --expr).</summary>
    public static ScalarSourceMap ForText(string text, string file = "<expr>") => new(file, 1, 1, ScalarKind.Plain, text);

    public string File => _file;

    /// <summary>The location of the scalar as a whole.</summary>
    public SourceLocation Whole => new(_file, _line, _column, Math.Max(1, _value.Length));

    /// <summary>The file location of <paramref name="offset"/> in the scalar's value, spanning <paramref name="length"/> characters.</summary>
    public SourceLocation Map(int offset, int length = 1)
    {
        offset = Math.Clamp(offset, 0, _value.Length);
        // The line inside the value: a binary search over its line starts, so a template of thousands of tags
        // mapped tag by tag stays linear.
        var starts = _lineStarts ??= LineStarts(_value);
        var lineInValue = starts.BinarySearch(offset);
        if (lineInValue < 0) lineInValue = ~lineInValue - 1;
        var lineStart = starts[lineInValue];
        var col = offset - lineStart;
        // A location spans one line: a token that runs on (an unterminated string) is cut at the line's end, or the value's.
        var lineEnd = _value.IndexOf('\n', offset);
        length = Math.Min(length, (lineEnd >= 0 ? lineEnd : _value.Length) - offset);
        length = Math.Max(1, length);
        switch (_kind)
        {
            case ScalarKind.Literal:
            case ScalarKind.Folded:
                // Block scalars start on the line after the indicator, indented.
                return new SourceLocation(_file, _line + 1 + lineInValue, _blockIndent + 1 + col, length);
            case ScalarKind.SingleQuoted:
            case ScalarKind.DoubleQuoted:
                return lineInValue == 0
                    ? new SourceLocation(_file, _line, _column + 1 + col, length)
                    : new SourceLocation(_file, _line + lineInValue, col + 1, length);
            default:
                return lineInValue == 0
                    ? new SourceLocation(_file, _line, _column + col, length)
                    : new SourceLocation(_file, _line + lineInValue, col + 1, length);
        }
    }

    private static List<int> LineStarts(string value)
    {
        var starts = new List<int> { 0 };
        for (var i = value.IndexOf('\n', StringComparison.Ordinal); i >= 0; i = value.IndexOf('\n', i + 1)) starts.Add(i + 1);
        return starts;
    }
}

/// <summary>How a YAML scalar was written; it decides how offsets map back to the file.</summary>
internal enum ScalarKind
{
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}
