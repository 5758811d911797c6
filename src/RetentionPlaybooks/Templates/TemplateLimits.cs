using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// How complex one Liquid template may be. Fluid's parser and our walker recurse over the template, and a deep enough
/// one (a few thousand nested blocks, or a tag of thousands of "or" or "(") overflows the stack, which no catch can
/// stop; so the text is checked against these limits before Fluid sees it (RP0408).
/// </summary>
internal static class TemplateLimits
{
    /// <summary>The deepest nesting of block tags (if, unless, for, case, capture, tablerow): 32.</summary>
    public const int MaxBlockNesting = 32;

    /// <summary>The longest single tag, <c>{{ ... }}</c> or <c>{% ... %}</c>, from brace to brace: 1,000 characters.</summary>
    public const int MaxTagLength = 1000;

    private static readonly HashSet<string> Blocks = new(StringComparer.Ordinal) { "if", "unless", "for", "case", "capture", "tablerow" };

    /// <summary>True when the template is within the limits; otherwise one error was reported.</summary>
    public static bool Check(string source, ScalarSourceMap map, DiagnosticBag diagnostics)
    {
        var depth = 0;
        for (var open = source.IndexOf('{', StringComparison.Ordinal); open >= 0 && open + 1 < source.Length; open = source.IndexOf('{', open + 1))
        {
            var kind = source[open + 1];
            if (kind is not ('{' or '%')) continue;
            var close = source.IndexOf(kind == '{' ? "}}" : "%}", open + 2, StringComparison.Ordinal);
            // An unclosed tag is Fluid's syntax error to report, with its own position.
            if (close < 0) return true;
            if (close + 2 - open > MaxTagLength)
            {
                diagnostics.ReportTemplateTagTooLong(map.Map(open, 2), MaxTagLength);
                return false;
            }
            if (kind == '%')
            {
                var name = TagName(source.AsSpan(open + 2, close - open - 2));
                if (name is "raw" or "comment")
                {
                    // Their content is text, not tags.
                    var end = source.IndexOf("end" + name, close, StringComparison.Ordinal);
                    if (end < 0) return true;
                    close = end;
                }
                else if (Blocks.Contains(name) && ++depth > MaxBlockNesting)
                {
                    diagnostics.ReportTemplateTooDeep(map.Map(open, 2), MaxBlockNesting);
                    return false;
                }
                else if (name.StartsWith("end", StringComparison.Ordinal) && Blocks.Contains(name[3..]))
                {
                    depth = Math.Max(0, depth - 1);
                }
            }
            open = close;
        }
        return true;
    }

    private static string TagName(ReadOnlySpan<char> tag)
    {
        tag = tag.TrimStart('-').TrimStart();
        var end = 0;
        while (end < tag.Length && char.IsAsciiLetter(tag[end])) end++;
        return tag[..end].ToString();
    }
}
