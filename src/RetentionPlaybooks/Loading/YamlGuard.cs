using System.Text;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace RetentionPlaybooks.Loading;

/// <summary>
/// Reads a file's YAML event stream once, before any tree is built, and refuses what the later passes must never
/// see: characters YAML does not allow, syntax errors, anchors and aliases, nesting deeper than
/// <see cref="LoaderLimits.MaxDepth"/> and more than <see cref="LoaderLimits.MaxNodes"/> nodes. The event stream
/// is iterative, so even a file of 100,000 "[" is refused without deep recursion.
/// </summary>
internal static class YamlGuard
{
    /// <summary>True when the text can safely be loaded into a tree; otherwise exactly one error was reported.</summary>
    public static bool Check(string path, string text, DiagnosticBag diagnostics)
    {
        if (text.Length > LoaderLimits.MaxFileSize)
        {
            diagnostics.ReportFileTooLarge(new SourceLocation(path, 1, 1), Encoding.UTF8.GetByteCount(text), LoaderLimits.MaxFileSize);
            return false;
        }
        return CheckCharacters(path, text, diagnostics) && CheckEvents(path, text, diagnostics);
    }

    /// <summary>YAML allows only printable characters (YAML 1.2, 5.1); a leading byte-order mark was dropped already.</summary>
    private static bool CheckCharacters(string path, string text, DiagnosticBag diagnostics)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\uFEFF')
            {
                diagnostics.ReportStrayByteOrderMark(TextPosition.At(path, text, i));
                return false;
            }
            if (c is '\u0085' or '\u2028' or '\u2029')
            {
                diagnostics.ReportUnicodeLineBreak(TextPosition.At(path, text, i), c);
                return false;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (!IsPrintable(c))
            {
                diagnostics.ReportControlCharacter(TextPosition.At(path, text, i), c);
                return false;
            }
        }
        return true;
    }

    private static bool IsPrintable(char c) =>
        c is '\t' or '\n' or '\r' or (>= ' ' and <= '~') or (>= '\u00A0' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD');

    private static bool CheckEvents(string path, string text, DiagnosticBag diagnostics)
    {
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var parser = new Parser(scanner);
        var open = new Stack<ParsingEvent>();
        var nodes = 0;
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                switch (e)
                {
                    case AnchorAlias alias:
                        diagnostics.ReportAlias(Location(path, text, e.Start), alias.Value.Value);
                        return false;
                    case NodeEvent { Anchor.IsEmpty: false } anchored:
                        diagnostics.ReportAnchor(Location(path, text, e.Start), anchored.Anchor.Value);
                        return false;
                    case MappingStart or SequenceStart:
                        open.Push(e);
                        if (open.Count > LoaderLimits.MaxDepth)
                        {
                            diagnostics.ReportTooDeep(Location(path, text, e.Start), LoaderLimits.MaxDepth);
                            return false;
                        }
                        break;
                    case MappingEnd or SequenceEnd:
                        open.TryPop(out _);
                        break;
                }
                if (e is NodeEvent && ++nodes > LoaderLimits.MaxNodes)
                {
                    diagnostics.ReportTooManyNodes(Location(path, text, e.Start), LoaderLimits.MaxNodes);
                    return false;
                }
            }
            return true;
        }
        catch (YamlException ex)
        {
            ReportSyntax(path, text, ex, scanner.CurrentPosition, diagnostics);
            return false;
        }
#pragma warning disable CA1031 // YamlDotNet throws InvalidOperationException and others, without a position, on some malformed input.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            ReportUnexpected(path, text, scanner.CurrentPosition, open.LastOrDefault(IsFlow), diagnostics);
            return false;
        }
    }

    /// <summary>
    /// Reports an exception YamlDotNet threw without a position (not a <see cref="YamlException"/>). Most come from a
    /// flow collection left open, and the scanner fails ahead of the parser, so the "[" may not have become an event
    /// yet: point at the bracket rather than where the scanner gave up.
    /// </summary>
    public static void ReportUnexpected(string path, string text, Mark scannerPosition, ParsingEvent? openFlow, DiagnosticBag diagnostics)
    {
        var stopped = (int)Math.Clamp(scannerPosition.Index, 0, text.Length);
        var bracket = openFlow is not null ? (int)openFlow.Start.Index : UnclosedBracket(text, stopped);
        if (bracket >= 0 && bracket < text.Length && text[bracket] is '[' or '{')
        {
            var list = text[bracket] == '[';
            diagnostics.ReportUnclosedFlow(TextPosition.At(path, text, bracket), text[bracket], list ? ']' : '}', list ? "list" : "mapping");
        }
        else
        {
            diagnostics.ReportParserStopped(Location(path, text, scannerPosition));
        }
    }

    /// <summary>Reports a YamlDotNet syntax error at its mark, or where the scanner stopped when it has none.</summary>
    public static void ReportSyntax(string path, string text, YamlException ex, Mark scannerPosition, DiagnosticBag diagnostics)
    {
        var at = Location(path, text, ex.Start.Line >= 1 ? ex.Start : scannerPosition);
        var message = ex.InnerException?.Message ?? ex.Message;
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the location is shown separately.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0) message = message[(cut + 3)..];
        if (message.StartsWith("Duplicate key ", StringComparison.Ordinal))
        {
            diagnostics.ReportDuplicateKey(at, message["Duplicate key ".Length..]);
        }
        else
        {
            diagnostics.ReportYamlSyntax(at, message);
        }
    }

    /// <summary>
    /// The offset of the outermost "[" or "{" that opens a value before <paramref name="end"/> and is never closed,
    /// or -1. Quotes and comments are skipped; a bracket inside a plain scalar ("a [b") does not open anything.
    /// </summary>
    internal static int UnclosedBracket(string text, int end)
    {
        var open = new Stack<int>();
        var previous = '\n'; // the last character that was not a space
        for (var i = 0; i < end; i++)
        {
            var c = text[i];
            if (c is '\'' or '"' && previous is '\n' or ':' or '-' or ',' or '[' or '{')
            {
                var close = text.IndexOf(c, i + 1);
                if (close < 0 || close >= end) break;
                i = close;
                previous = c;
                continue;
            }
            if (c == '#' && (i == 0 || text[i - 1] is ' ' or '\t' or '\n'))
            {
                var newline = text.IndexOf('\n', i);
                if (newline < 0) break;
                i = newline - 1;
                continue;
            }
            if (c is '[' or '{' && (open.Count > 0 || previous is '\n' or ':' or '-' or ',' or '[' or '{')) open.Push(i);
            else if (c is ']' or '}' && open.Count > 0) open.Pop();
            if (c is not (' ' or '\t' or '\r')) previous = c;
        }
        return open.Count > 0 ? open.Last() : -1;
    }

    private static bool IsFlow(ParsingEvent e) =>
        e is SequenceStart { Style: YamlDotNet.Core.Events.SequenceStyle.Flow } or MappingStart { Style: YamlDotNet.Core.Events.MappingStyle.Flow };

    /// <summary>
    /// A YamlDotNet mark as a file position, counted from its offset: at the end of the stream its line can run one
    /// past the file's last line. A mark with no position (line 0) means the end of the file.
    /// </summary>
    private static SourceLocation Location(string path, string text, Mark mark) =>
        mark.Line >= 1 ? TextPosition.At(path, text, (int)Math.Clamp(mark.Index, 0, text.Length)) : TextPosition.End(path, text);
}
