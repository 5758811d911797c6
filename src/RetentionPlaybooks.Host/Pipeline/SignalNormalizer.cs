using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Pipeline;

/// <summary>
/// Turns a stored request body into signals. The Journey body is our own envelope; reporting webhooks become
/// events named "&lt;object_type&gt;_&lt;metric&gt;" (e.g. email_bounced); Data Pipelines track calls become events and
/// identify calls become attribute updates. Key casing of Pipelines payloads may be camelCase or snake_case.
/// </summary>
internal static class SignalNormalizer
{
    public static IReadOnlyList<Signal> Normalize(InboxRecord record)
    {
        using var doc = JsonDocument.Parse(record.Payload);
        var root = doc.RootElement;
        return record.Source switch
        {
            SignalSource.Journey => Journey(root),
            SignalSource.Reporting => Reporting(root, record.DeliveryKey),
            SignalSource.Pipelines => Pipelines(root, record.DeliveryKey),
            _ => [],
        };
    }

    /// <summary>The customer id a signal is about: id, else cio_id, else email.</summary>
    public static string CustomerId(JsonElement customer)
    {
        foreach (var key in new[] { "id", "cio_id", "email" })
        {
            if (customer.ValueKind == JsonValueKind.Object && customer.TryGetProperty(key, out var v))
            {
                if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s) return s;
                if (v.ValueKind == JsonValueKind.Number) return v.GetRawText();
            }
        }
        return "";
    }

    private static IReadOnlyList<Signal> Journey(JsonElement root)
    {
        var input = TriggerInput.Parse(root.Clone(), out _);
        if (input is null) return [];
        return [new Signal(CustomerId(input.Customer), input.Customer, input, input.Timestamp)];
    }

    private static IReadOnlyList<Signal> Reporting(JsonElement root, string eventId)
    {
        var objectType = Text(root, "object_type") ?? "message";
        var metric = Text(root, "metric") ?? "unknown";
        var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var customer = new JsonObject();
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("identifiers", out var ids) && ids.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in ids.EnumerateObject()) customer[p.Name] = JsonNode.Parse(p.Value.GetRawText());
        }
        var envelope = new JsonObject
        {
            ["delivery_id"] = eventId,
            ["customer"] = customer,
            ["event"] = new JsonObject { ["name"] = $"{objectType}_{metric}", ["data"] = data.ValueKind == JsonValueKind.Object ? JsonNode.Parse(data.GetRawText()) : new JsonObject() },
        };
        if (root.TryGetProperty("timestamp", out var ts)) envelope["timestamp"] = JsonNode.Parse(ts.GetRawText());
        return FromEnvelope(envelope);
    }

    /// <summary>Reads an envelope we built; the signal's elements are clones, so the document can go.</summary>
    private static IReadOnlyList<Signal> FromEnvelope(JsonObject envelope)
    {
        using var doc = JsonDocument.Parse(envelope.ToJsonString());
        return Journey(doc.RootElement);
    }

    private static IReadOnlyList<Signal> Pipelines(JsonElement root, string messageId)
    {
        var type = Text(root, "type");
        var userId = Text(root, "userId") ?? Text(root, "user_id") ?? Text(root, "anonymousId") ?? Text(root, "anonymous_id") ?? "";
        var customer = new JsonObject { ["id"] = userId };
        // Traits travel in identify calls, and in context.traits on track calls.
        var traits = Object(root, "traits");
        if (traits is null && Object(root, "context") is { } context) traits = Object(context, "traits");
        if (traits is { } t)
        {
            foreach (var p in t.EnumerateObject()) customer[p.Name] = JsonNode.Parse(p.Value.GetRawText());
        }
        var envelope = new JsonObject { ["delivery_id"] = messageId, ["customer"] = customer };
        if (root.TryGetProperty("timestamp", out var ts)) envelope["timestamp"] = JsonNode.Parse(ts.GetRawText());
        if (type == "track" && Text(root, "event") is { } name)
        {
            envelope["event"] = new JsonObject { ["name"] = name, ["data"] = Object(root, "properties") is { } props ? JsonNode.Parse(props.GetRawText()) : new JsonObject() };
            return FromEnvelope(envelope);
        }
        using var doc = JsonDocument.Parse(envelope.ToJsonString());
        var element = doc.RootElement.Clone();
        var customerElement = element.GetProperty("customer");
        DateTimeOffset? at = element.TryGetProperty("timestamp", out var t2) && ValueReader.TryReadTimestamp(t2, out var unix)
            ? ValueLimits.ToInstant(unix)
            : null;
        return type == "identify" ? [new Signal(userId, customerElement, null, at)] : [];
    }

    /// <summary>A string property of a JSON object, or null when absent or not a string.</summary>
    internal static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement? Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;
}
