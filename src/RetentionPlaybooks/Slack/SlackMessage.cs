using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack;

/// <summary>A rendered escalation: the chat.postMessage body, ready to send or to snapshot.</summary>
internal sealed record SlackMessage(string Channel, string Text, JsonArray Blocks)
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The chat.postMessage arguments; unfurling is always off so Slack fetches no customer URL.</summary>
    public JsonObject ToJson() => new()
    {
        ["channel"] = Channel,
        ["text"] = Text,
        ["unfurl_links"] = false,
        ["unfurl_media"] = false,
        ["blocks"] = Blocks.DeepClone(),
    };

    /// <summary>Stable pretty JSON, as committed in snapshot files.</summary>
    public string ToPrettyJson() => ToJson().ToJsonString(Pretty).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
}
