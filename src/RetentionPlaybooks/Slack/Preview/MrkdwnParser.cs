using System.Text;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>
/// Reads Slack mrkdwn into display runs: <c>*bold*</c>, <c>_italic_</c>, <c>~strike~</c>, <c>`code`</c>,
/// <c>```preformatted```</c>, <c>&lt;url|label&gt;</c> links, <c>&lt;@U1&gt;</c>/<c>&lt;#C1&gt;</c>/<c>&lt;!here&gt;</c>
/// mentions, and the three entities Slack decodes (<c>&amp;amp; &amp;lt; &amp;gt;</c>).
/// </summary>
/// <remarks>
/// Control sequences are recognised on the encoded text and entities are decoded only afterwards, per run,
/// so a decoded <c>&lt;</c> can never start a link, a mention or HTML.
/// </remarks>
internal static class MrkdwnParser
{
    /// <summary>The runs of a mrkdwn text object.</summary>
    public static IReadOnlyList<MrkdwnRun> Parse(string mrkdwn)
    {
        ArgumentNullException.ThrowIfNull(mrkdwn);
        var runs = new List<MrkdwnRun>();
        ParseInto(mrkdwn, 0, mrkdwn.Length, MrkdwnStyle.None, runs);
        return runs;
    }

    /// <summary>The runs of a plain_text object: entities decoded, newlines kept, nothing else interpreted.</summary>
    public static IReadOnlyList<MrkdwnRun> ParsePlain(string plainText)
    {
        ArgumentNullException.ThrowIfNull(plainText);
        var runs = new List<MrkdwnRun>();
        AddText(runs, plainText, MrkdwnStyle.None);
        return runs;
    }

    /// <summary>Replaces <c>&amp;amp; &amp;lt; &amp;gt;</c> in one pass, so <c>&amp;amp;lt;</c> stays the text <c>&amp;lt;</c>.</summary>
    public static string DecodeEntities(string text)
    {
        if (!text.Contains('&', StringComparison.Ordinal)) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '&')
            {
                var rest = text.AsSpan(i);
                if (rest.StartsWith("&amp;", StringComparison.Ordinal)) { sb.Append('&'); i += 4; continue; }
                if (rest.StartsWith("&lt;", StringComparison.Ordinal)) { sb.Append('<'); i += 3; continue; }
                if (rest.StartsWith("&gt;", StringComparison.Ordinal)) { sb.Append('>'); i += 3; continue; }
            }

            sb.Append(text[i]);
        }

        return sb.ToString();
    }

    /// <summary>The runs as one line of plain text: formatting dropped, links as <c>label (url)</c>.</summary>
    public static string ToPlainText(IEnumerable<MrkdwnRun> runs)
    {
        var sb = new StringBuilder();
        foreach (var run in runs)
        {
            sb.Append(run.Kind switch
            {
                MrkdwnRunKind.Link when run.Url is not null && run.Text != run.Url => $"{run.Text} ({run.Url})",
                _ => run.Text,
            });
        }

        return sb.ToString();
    }

    private static void ParseInto(string s, int start, int end, MrkdwnStyle style, List<MrkdwnRun> runs)
    {
        var textStart = start;
        var i = start;
        while (i < end)
        {
            var c = s[i];
            int next;
            if (c == '<' && (next = s.IndexOf('>', i + 1, end - i - 1)) > i + 1)
            {
                AddText(runs, s[textStart..i], style);
                runs.Add(Control(s[(i + 1)..next], style));
                i = textStart = next + 1;
            }
            else if (c == '`' && (style & MrkdwnStyle.Code) == 0 && TryCode(s, i, end, out var content, out var code, out next))
            {
                AddText(runs, s[textStart..i], style);
                AddText(runs, content, style | code);
                i = textStart = next;
            }
            else if (c is '*' or '_' or '~' && TryFindClose(s, i, end, out var close))
            {
                AddText(runs, s[textStart..i], style);
                ParseInto(s, i + 1, close, style | StyleOf(c), runs);
                i = textStart = close + 1;
            }
            else
            {
                i++;
            }
        }

        AddText(runs, s[textStart..end], style);
    }

    private static MrkdwnStyle StyleOf(char marker) => marker switch
    {
        '*' => MrkdwnStyle.Bold,
        '_' => MrkdwnStyle.Italic,
        _ => MrkdwnStyle.Strike,
    };

    private static bool TryCode(string s, int i, int end, out string content, out MrkdwnStyle style, out int next)
    {
        var fence = i + 3 <= end && string.CompareOrdinal(s, i, "```", 0, 3) == 0;
        var width = fence ? 3 : 1;
        var close = s.IndexOf(fence ? "```" : "`", i + width, end - i - width, StringComparison.Ordinal);
        if (close <= i + width || (!fence && s.AsSpan(i + 1, close - i - 1).Contains('\n')))
        {
            (content, style, next) = (string.Empty, MrkdwnStyle.None, 0);
            return false;
        }

        content = s[(i + width)..close];
        style = fence ? MrkdwnStyle.Code | MrkdwnStyle.Preformatted : MrkdwnStyle.Code;
        next = close + width;
        return true;
    }

    // Slack formats *x* only at word boundaries, so snake_case_names and 2*3*4 stay as typed.
    private static bool TryFindClose(string s, int open, int end, out int close)
    {
        var marker = s[open];
        close = -1;
        var opens = (open == 0 || !char.IsLetterOrDigit(s[open - 1]))
            && open + 1 < end && !char.IsWhiteSpace(s[open + 1]) && s[open + 1] != marker;
        if (!opens) return false;

        for (var j = open + 1; j < end; j++)
        {
            var c = s[j];
            if (c == '\n') return false;
            if (c == '<')
            {
                // A URL like <https://x/a_b|label> must not close _italic_.
                var gt = s.IndexOf('>', j + 1, end - j - 1);
                if (gt > j) j = gt;
                continue;
            }

            if (c == marker && j > open + 1 && !char.IsWhiteSpace(s[j - 1])
                && (j + 1 == end || !char.IsLetterOrDigit(s[j + 1])))
            {
                close = j;
                return true;
            }
        }

        return false;
    }

    private static MrkdwnRun Control(string body, MrkdwnStyle style)
    {
        var bar = body.IndexOf('|', StringComparison.Ordinal);
        var target = DecodeEntities(bar < 0 ? body : body[..bar]);
        var label = bar < 0 ? null : DecodeEntities(body[(bar + 1)..]);
        if (string.IsNullOrEmpty(label)) label = null;

        if (target.Length == 0) return new MrkdwnRun(MrkdwnRunKind.Text, DecodeEntities("<" + body + ">"), style);
        switch (target[0])
        {
            case '@':
                // Slack shows the member's current name whatever the label says; the id is what we know.
                return new MrkdwnRun(MrkdwnRunKind.Mention, target, style);
            case '#':
                return new MrkdwnRun(MrkdwnRunKind.Mention, "#" + (label ?? target[1..]), style);
            case '!':
                var name = target[1..];
                var caret = name.IndexOf('^', StringComparison.Ordinal);
                var shown = name.StartsWith("date^", StringComparison.Ordinal) ? label ?? name
                    : caret >= 0 ? label ?? "@" + name[(caret + 1)..]
                    : "@" + name;
                return new MrkdwnRun(MrkdwnRunKind.Mention, shown, style);
            default:
                return new MrkdwnRun(MrkdwnRunKind.Link, label ?? target, style, target);
        }
    }

    private static void AddText(List<MrkdwnRun> runs, string encoded, MrkdwnStyle style)
    {
        if (encoded.Length == 0) return;
        var text = DecodeEntities(encoded);
        var lines = text.Split('\n');
        for (var k = 0; k < lines.Length; k++)
        {
            if (k > 0) runs.Add(new MrkdwnRun(MrkdwnRunKind.LineBreak, "\n", style));
            if (lines[k].Length > 0) runs.Add(new MrkdwnRun(MrkdwnRunKind.Text, lines[k], style));
        }
    }
}
