using System.Text.Json;

namespace RetentionPlaybooks.Evaluation;

/// <summary>
/// One Customer.io signal in our envelope: the customer's attributes, and the event, segment entry or
/// attribute change that triggered it. This is the JSON body marketers paste into a Journey webhook action.
/// </summary>
internal sealed class TriggerInput
{
    public required string? DeliveryId { get; init; }

    /// <summary>The customer's attributes; always an object (empty when the payload had none).</summary>
    public required JsonElement Customer { get; init; }

    public string? EventName { get; init; }

    /// <summary>The event's data; an empty object when there is no event.</summary>
    public required JsonElement EventData { get; init; }

    public string? Segment { get; init; }

    public string? ChangedAttribute { get; init; }

    public JsonElement? ChangedFrom { get; init; }

    public JsonElement? ChangedTo { get; init; }

    /// <summary>When the signal happened, if the payload says.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Reads an envelope; returns null and an error message when it is not one.</summary>
    public static TriggerInput? Parse(JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the payload must be a JSON object";
            return null;
        }
        var customer = root.TryGetProperty("customer", out var c) && c.ValueKind == JsonValueKind.Object ? c : EmptyObject;
        string? eventName = null;
        var data = EmptyObject;
        if (root.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.Object)
        {
            eventName = e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            if (e.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object) data = d;
        }
        string? segment = null;
        if (root.TryGetProperty("segment", out var s))
        {
            segment = s.ValueKind switch
            {
                JsonValueKind.String => s.GetString(),
                JsonValueKind.Object when s.TryGetProperty("name", out var sn) && sn.ValueKind == JsonValueKind.String => sn.GetString(),
                _ => null,
            };
        }
        string? attribute = null;
        JsonElement? from = null, to = null;
        if (root.TryGetProperty("change", out var ch) && ch.ValueKind == JsonValueKind.Object)
        {
            attribute = ch.TryGetProperty("attribute", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (ch.TryGetProperty("from", out var f)) from = f;
            if (ch.TryGetProperty("to", out var t)) to = t;
        }
        DateTimeOffset? timestamp = null;
        if (root.TryGetProperty("timestamp", out var ts) && ValueReader.TryReadTimestamp(ts, out var unix))
        {
            timestamp = ValueLimits.ToInstant(unix);
        }
        string? deliveryId = root.TryGetProperty("delivery_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        if (eventName is null && segment is null && attribute is null)
        {
            error = "the payload names no trigger: expected \"event\": {\"name\": ...}, \"segment\" or \"change\": {\"attribute\": ...}";
            return null;
        }
        return new TriggerInput
        {
            DeliveryId = deliveryId,
            Customer = customer,
            EventName = eventName,
            EventData = data,
            Segment = segment,
            ChangedAttribute = attribute,
            ChangedFrom = from,
            ChangedTo = to,
            Timestamp = timestamp,
        };
    }
}
