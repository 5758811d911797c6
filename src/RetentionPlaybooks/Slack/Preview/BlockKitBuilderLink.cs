using RetentionPlaybooks.Slack.BlockKit;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>Links that open a message's blocks in Slack's Block Kit Builder.</summary>
internal static class BlockKitBuilderLink
{
    public const string BaseUrl = "https://app.slack.com/block-kit-builder/#";

    /// <summary>
    /// The Builder link for a message; one without blocks opens an empty canvas. The blocks are written as compact
    /// JSON with relaxed escaping (short), then the whole document is percent-encoded, so no character reaches the
    /// URL (or an HTML attribute holding it) unescaped.
    /// </summary>
    public static string For(BlockKitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return BaseUrl + Uri.EscapeDataString(BlockKitWriter.BlocksPayload(message));
    }
}
