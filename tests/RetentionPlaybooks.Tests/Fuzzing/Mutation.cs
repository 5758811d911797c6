namespace RetentionPlaybooks.Tests.Fuzzing;

/// <summary>One random edit of a text: what kind, where (a fraction of the length), and a size or payload choice.</summary>
internal readonly record struct Mutation(int Kind, int Where, int Size)
{
    public const int Kinds = 10;

    /// <summary>YAML indicators and the embedded languages' delimiters: the characters a typo most often breaks.</summary>
    private static readonly string[] Tokens =
    [
        "[", "]", "{", "}", ":", ": ", "-", "- ", "&", "&a ", "*", "*a", "!", "!!str ", "!!binary ", "|", "|-", ">", ">-", "'", "\"",
        "#", " #", ",", "?", "? ", "%", "%YAML 1.1\n", "---\n", "...\n", "<<: ", "~", "@", "`", "\\", "\t", "\r", "\n", "\n  ", "  ",
        "{{", "}}", "{%", "%}", "{% if ", "{% endif %}", "{{ customer.", " | money", "(", ")", " and ", " or ", " not ", " == ", " >= ",
        " in [", " within ", "30d", "2h", "1e309", "-0", "0x1F", "9999999999999999999999", "null", "true", "yes", "\"\\u0000\"",
        "\u0000", "\u0007", "\u0085", "\u00A0", "\u2028", "\uFEFF", "\uFFFD", "\uD83D\uDE00", "\uD800", "é", "ü",
    ];

    public string Apply(string text, IReadOnlyList<string> others)
    {
        var at = text.Length == 0 ? 0 : (int)((long)Where * (text.Length + 1) / ((long)int.MaxValue + 1));
        switch (Kind)
        {
            case 0: // insert one token
            case 1:
                return text.Insert(at, Tokens[Size % Tokens.Length]);
            case 2: // delete a run
                return text.Remove(at, Math.Min(1 + (Size % 24), text.Length - at));
            case 3: // duplicate a run
            {
                var length = Math.Min(1 + (Size * 7 % 400), text.Length - at);
                return text.Insert(at, text.Substring(at, length));
            }
            case 4: // swap two lines
            {
                var lines = text.Split('\n');
                if (lines.Length < 2) return text;
                var i = at * lines.Length / (text.Length + 1);
                var j = (i + 1 + (Size % (lines.Length - 1))) % lines.Length;
                (lines[i], lines[j]) = (lines[j], lines[i]);
                return string.Join('\n', lines);
            }
            case 5: // cut the file
                return text[..at];
            case 6: // replace a character by any other
                return at >= text.Length ? text : text.Remove(at, 1).Insert(at, ((char)(Size * 37 % 0x3000)).ToString());
            case 7: // indent or dedent the line
            {
                var start = at == 0 ? 0 : text.LastIndexOf('\n', Math.Min(at, text.Length) - 1) + 1;
                if (Size % 2 == 0) return text.Insert(start, new string(' ', 1 + (Size % 8)));
                var spaces = 0;
                while (start + spaces < text.Length && text[start + spaces] == ' ' && spaces < 4) spaces++;
                return text.Remove(start, spaces);
            }
            case 8: // a line of another file
            {
                var other = others[Size % others.Count].Split('\n');
                return text.Insert(at, other[Size % other.Length] + "\n");
            }
            default: // repeat a token many times (deep nesting, long runs)
                return text.Insert(at, string.Concat(Enumerable.Repeat(Tokens[Size % Tokens.Length], 1 + (Size % 300))));
        }
    }
}
