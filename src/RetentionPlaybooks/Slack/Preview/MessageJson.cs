using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>Tolerant reads from a message body: a missing or mistyped property reads as absent, never throws.</summary>
internal static class MessageJson
{
    public static string? String(JsonObject obj, string name)
        => obj[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static IEnumerable<JsonObject> Objects(JsonObject obj, string name)
        => obj[name] is JsonArray array ? array.OfType<JsonObject>() : [];
}
