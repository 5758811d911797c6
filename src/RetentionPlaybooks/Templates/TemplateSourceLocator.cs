namespace RetentionPlaybooks.Templates;

/// <summary>
/// Finds where an AST node was written. Fluid's AST carries no positions, so the analyzer asks for each
/// variable and filter in source order and this walks a cursor forward through the Liquid code (the parts
/// inside <c>{{ }}</c> and <c>{% %}</c>, outside string literals), skipping literal text.
/// </summary>
internal sealed class TemplateSourceLocator
{
    private readonly string _source;
    private readonly bool[] _isCode;
    private int _cursor;

    public TemplateSourceLocator(string source)
    {
        _source = source;
        _isCode = MarkCode(source);
    }

    /// <summary>The offset of the next occurrence of a variable path, or -1 when it cannot be found.</summary>
    public int FindVariable(string text) => Find(text, IsVariableAt);

    /// <summary>The offset of the next filter name after a <c>|</c>, or -1 when it cannot be found.</summary>
    public int FindFilter(string name) => Find(name, IsFilterAt);

    private int Find(string text, Func<int, int, bool> accept)
    {
        if (text.Length == 0) return -1;
        var found = Search(text, _cursor, accept);
        if (found >= 0)
        {
            _cursor = found + text.Length;
            return found;
        }
        // Out of order (should not happen): still point at the first plausible spot, leave the cursor alone.
        return Search(text, 0, accept);
    }

    private int Search(string text, int from, Func<int, int, bool> accept)
    {
        for (var i = _source.IndexOf(text, from, StringComparison.Ordinal); i >= 0; i = _source.IndexOf(text, i + 1, StringComparison.Ordinal))
        {
            if (_isCode[i] && accept(i, text.Length)) return i;
        }
        return -1;
    }

    private bool IsVariableAt(int start, int length) => StartsWord(start) && EndsWord(start + length);

    private bool IsFilterAt(int start, int length)
    {
        if (!EndsWord(start + length)) return false;
        var i = start - 1;
        while (i >= 0 && char.IsWhiteSpace(_source[i])) i--;
        return i >= 0 && _source[i] == '|';
    }

    private bool StartsWord(int start)
    {
        if (start == 0) return true;
        var before = _source[start - 1];
        // "{{-customer.id" is whitespace control, not part of a name.
        if (before == '-') return start >= 2 && _source[start - 2] is '{' or '%';
        return !IsNameChar(before) && before != '.';
    }

    private bool EndsWord(int end)
    {
        if (end >= _source.Length) return true;
        var after = _source[end];
        if (after == '-') return end + 1 < _source.Length && _source[end + 1] is '}' or '%';
        return !IsNameChar(after);
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool[] MarkCode(string source)
    {
        var code = new bool[source.Length];
        var i = 0;
        while (i < source.Length - 1)
        {
            if (source[i] != '{' || source[i + 1] is not ('{' or '%'))
            {
                i++;
                continue;
            }
            var close = source[i + 1] == '{' ? '}' : '%';
            i += 2;
            char? quote = null;
            while (i < source.Length)
            {
                var c = source[i];
                if (quote is not null)
                {
                    if (c == quote) quote = null;
                }
                else if (c is '"' or '\'')
                {
                    quote = c;
                }
                else if (c == close && i + 1 < source.Length && source[i + 1] == '}')
                {
                    i += 2;
                    break;
                }
                else
                {
                    code[i] = true;
                }
                i++;
            }
        }
        return code;
    }
}
