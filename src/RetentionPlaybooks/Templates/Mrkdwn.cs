namespace RetentionPlaybooks.Templates;

/// <summary>Slack mrkdwn text helpers: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> are its only control characters.</summary>
internal static class Mrkdwn
{
    /// <summary>Makes text inert in mrkdwn: a customer named <c>&lt;!channel&gt;</c> no longer pings anyone.</summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0) return text;
        return text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
    }

    /// <summary>The escaped form of one character, or null when the character is safe as it is.</summary>
    internal static string? EscapeOf(int scalar) => scalar switch
    {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        _ => null,
    };
}
