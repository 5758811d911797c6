using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>A message as the fake stores it: the body as last sent (post or update), where it went and when.
/// <see cref="Body"/> and <see cref="Metadata"/> are copies; changing them changes nothing in the fake.</summary>
internal sealed record FakeSlackMessage(
    string Channel,
    string Ts,
    JsonObject Body,
    JsonObject? Metadata,
    DateTimeOffset PostedAt,
    DateTimeOffset? EditedAt)
{
    public string? Text => Body["text"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public JsonArray? Blocks => Body["blocks"] as JsonArray;

    /// <summary>The parent's ts when this is a reply in a thread; null for a message in the channel.</summary>
    public string? ThreadTs => Body["thread_ts"] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    /// <summary>The metadata event_payload's string field <paramref name="key"/>, if any.</summary>
    public string? MetadataPayloadString(string key) =>
        Metadata?["event_payload"]?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
