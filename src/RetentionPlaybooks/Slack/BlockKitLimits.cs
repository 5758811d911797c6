namespace RetentionPlaybooks.Slack;

/// <summary>Slack's Block Kit limits (DOMAIN.md). The renderer trims to them; the compiler warns when a template can exceed them.</summary>
internal static class BlockKitLimits
{
    public const int Blocks = 50;
    public const int SectionText = 3000;
    public const int SectionFields = 10;
    public const int FieldText = 2000;
    public const int HeaderText = 150;
    public const int ContextElements = 10;
    public const int ActionElements = 25;
    public const int ButtonText = 75;
    public const int ButtonValue = 2000;
    public const int ButtonUrl = 3000;
    public const int ActionId = 255;
    public const int SelectPlaceholder = 150;
    public const int SelectOptions = 100;
    public const int OptionText = 75;
    public const int OptionValue = 150;
    public const int BlockId = 255;

    /// <summary>chat.postMessage's top-level text; Slack truncates past 40,000 and recommends at most 4,000.</summary>
    public const int FallbackText = 4000;

    public const string Ellipsis = "…";

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="limit"/> characters, ending in an ellipsis when cut.
    /// Never splits a surrogate pair or an escaped entity such as <c>&amp;amp;</c>.</summary>
    public static string Trim(string text, int limit)
    {
        if (text.Length <= limit) return text;
        var cut = limit - Ellipsis.Length;
        if (cut > 0 && char.IsLowSurrogate(text[cut])) cut--;
        // Do not leave half of "&amp;" / "&lt;" / "&gt;" behind.
        var amp = text.LastIndexOf('&', cut - 1, Math.Min(cut, 5));
        if (amp >= 0 && text.IndexOf(';', amp) >= cut) cut = amp;
        return text[..cut] + Ellipsis;
    }
}
