using System.Text;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>HTML encoding for the preview page: every piece of message text goes through here, so none of it is markup.</summary>
internal static class HtmlText
{
    /// <summary>Encodes text for an element body or a double- or single-quoted attribute value.</summary>
    public static string Encode(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    /// <summary>Whether a URL may become an <c>href</c>: only absolute http, https and mailto, never <c>javascript:</c>.</summary>
    public static bool IsSafeUrl(string? url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeMailto);

    /// <summary>Mrkdwn runs as HTML: links, mentions and formatting become elements, all text is encoded.</summary>
    public static string FromRuns(IReadOnlyList<MrkdwnRun> runs)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < runs.Count; i++)
        {
            if ((runs[i].Style & MrkdwnStyle.Preformatted) != 0)
            {
                // A ``` block arrives as several runs split at line breaks; Slack draws it as one box.
                sb.Append("<pre class=\"preformatted\">");
                for (; i < runs.Count && (runs[i].Style & MrkdwnStyle.Preformatted) != 0; i++)
                {
                    sb.Append(Encode(runs[i].Text));
                }

                sb.Append("</pre>");
                i--;
                continue;
            }

            sb.Append(Run(runs[i]));
        }

        return sb.ToString();
    }

    private static string Run(MrkdwnRun run)
    {
        var html = run.Kind switch
        {
            MrkdwnRunKind.LineBreak => "<br>",
            MrkdwnRunKind.Mention => $"<span class=\"mention\">{Encode(run.Text)}</span>",
            MrkdwnRunKind.Link when IsSafeUrl(run.Url) =>
                $"<a class=\"link\" href=\"{Encode(run.Url!)}\" target=\"_blank\" rel=\"noopener noreferrer\">{Encode(run.Text)}</a>",
            MrkdwnRunKind.Link => $"<span class=\"link unsafe\" title=\"{Encode("Not a web link: " + run.Url)}\">{Encode(run.Text)}</span>",
            _ => Encode(run.Text),
        };
        if (run.Kind == MrkdwnRunKind.LineBreak) return html;
        if ((run.Style & MrkdwnStyle.Code) != 0) html = $"<code>{html}</code>";
        if ((run.Style & MrkdwnStyle.Strike) != 0) html = $"<s>{html}</s>";
        if ((run.Style & MrkdwnStyle.Italic) != 0) html = $"<em>{html}</em>";
        if ((run.Style & MrkdwnStyle.Bold) != 0) html = $"<strong>{html}</strong>";
        return html;
    }
}
