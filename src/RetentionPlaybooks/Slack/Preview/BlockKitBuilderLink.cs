using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>Links that open a message's blocks in Slack's Block Kit Builder.</summary>
internal static class BlockKitBuilderLink
{
    public const string BaseUrl = "https://app.slack.com/block-kit-builder/#";

    // Relaxed escaping keeps the JSON short; the whole document is percent-encoded afterwards,
    // so no character reaches the URL (or an HTML attribute holding it) unescaped.
    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The Builder link for a <c>chat.postMessage</c> body; a body without blocks opens an empty canvas.</summary>
    public static string For(JsonObject message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var blocks = message["blocks"] is JsonArray array ? array.DeepClone() : new JsonArray();
        var payload = new JsonObject { ["blocks"] = blocks };
        return BaseUrl + Uri.EscapeDataString(payload.ToJsonString(Compact));
    }
}
