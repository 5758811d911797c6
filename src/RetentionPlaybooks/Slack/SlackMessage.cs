using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// A rendered escalation: the chat.postMessage body as compact UTF-8 JSON, ready to send, plus views of it
/// for snapshots and tests. The renderer writes the body directly; the node views are parsed on demand.
/// </summary>
internal sealed class SlackMessage(string channel, string text, byte[] body)
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private JsonArray? _blocks;

    /// <summary>The channel (or user, for a DM) id the body is addressed to.</summary>
    public string Channel { get; } = channel;

    /// <summary>The notification fallback text.</summary>
    public string Text { get; } = text;

    /// <summary>The chat.postMessage body: channel, text, unfurl_links and unfurl_media (always false), blocks.</summary>
    public ReadOnlyMemory<byte> Body { get; } = body;

    public JsonArray Blocks => _blocks ??= ToJson()["blocks"]!.AsArray();

    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>A fresh, mutable copy of the body.</summary>
    public JsonObject ToJson() => JsonNode.Parse(Body.Span)!.AsObject();

    /// <summary>Stable pretty JSON, as committed in snapshot files.</summary>
    public string ToPrettyJson() => ToJson().ToJsonString(Pretty).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
}
