using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>A copy of one person as the fake holds them: attributes after every update, events in arrival order (repeats dropped).</summary>
internal sealed record FakeTrackPerson(string Id, IReadOnlyDictionary<string, JsonNode?> Attributes, IReadOnlyList<FakeTrackEvent> Events)
{
    /// <summary>The attribute's value as a string (a number's JSON text), or null when unset.</summary>
    public string? Attribute(string name) =>
        Attributes.TryGetValue(name, out var node) && node is not null
            ? node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString()
            : null;
}
