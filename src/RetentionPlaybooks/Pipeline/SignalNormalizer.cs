using System.Buffers;
using System.Text.Json;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Pipeline;

/// <summary>
/// The first stage: a payload from any source becomes signals, built directly from its parts. The Journey body is
/// our own envelope; a reporting webhook becomes the event "&lt;object_type&gt;_&lt;metric&gt;" (e.g. email_bounced) about
/// the person its identifiers name; a Data Pipelines track call becomes an event and an identify call an attribute
/// update (keys in camelCase or snake_case). A payload that holds no signal says why.
/// </summary>
internal static class SignalNormalizer
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>The signals of one payload (its elements are cloned: the caller's document may go), or why there are none.</summary>
    public static Normalized Normalize(SignalSource source, JsonElement root, string deliveryKey)
    {
        root = root.Clone();
        if (root.ValueKind != JsonValueKind.Object) return Normalized.Unreadable("the payload must be a JSON object");
        return source switch
        {
            SignalSource.Journey => Journey(root),
            SignalSource.Reporting => Reporting(root, deliveryKey),
            SignalSource.Pipelines => Pipelines(root, deliveryKey),
            _ => Normalized.Unreadable($"unknown source {source}"),
        };
    }

    /// <summary>Which source a payload comes from, told apart by its shape; null when it is none of them.</summary>
    public static SignalSource? Detect(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return null;
        if (Text(root, "metric") is not null && (Text(root, "object_type") is not null || Text(root, "event_id") is not null)) return SignalSource.Reporting;
        if (Text(root, "type") is "track" or "identify" or "page" or "screen" or "group" or "alias"
            && (Text(root, "messageId") ?? Text(root, "message_id") ?? Text(root, "userId") ?? Text(root, "user_id") ?? Text(root, "anonymousId")) is not null)
        {
            return SignalSource.Pipelines;
        }
        if (root.TryGetProperty("event", out _) || root.TryGetProperty("segment", out _) || root.TryGetProperty("change", out _) || root.TryGetProperty("customer", out _))
        {
            return SignalSource.Journey;
        }
        return null;
    }

    /// <summary>The delivery key the payload itself carries (delivery_id, event_id, messageId), or null.</summary>
    public static string? DeliveryKeyOf(SignalSource source, JsonElement root) => source switch
    {
        SignalSource.Journey => Text(root, "delivery_id"),
        SignalSource.Reporting => Text(root, "event_id"),
        _ => Text(root, "messageId") ?? Text(root, "message_id"),
    };

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

    private static Normalized Journey(JsonElement root)
    {
        var input = TriggerInput.Parse(root, out var error);
        if (input is null) return Normalized.Unreadable(error!);
        return new([new Signal(CustomerId(input.Customer), input.Customer, input, input.Timestamp)], null);
    }

    private static Normalized Reporting(JsonElement root, string eventId)
    {
        var objectType = Text(root, "object_type") ?? "message";
        var metric = Text(root, "metric") ?? "unknown";
        var data = Object(root, "data");
        var customer = data is { } d && Object(d, "identifiers") is { } ids ? ids : EmptyObject;
        var input = new TriggerInput
        {
            DeliveryId = eventId,
            Customer = customer,
            EventName = $"{objectType}_{metric}",
            EventData = data ?? EmptyObject,
            Timestamp = Timestamp(root),
        };
        return new([new Signal(CustomerId(customer), customer, input, input.Timestamp)], null);
    }

    private static Normalized Pipelines(JsonElement root, string messageId)
    {
        var type = Text(root, "type");
        var userId = Text(root, "userId") ?? Text(root, "user_id") ?? Text(root, "anonymousId") ?? Text(root, "anonymous_id") ?? "";
        // Traits travel in identify calls, and in context.traits on track calls.
        var traits = Object(root, "traits") ?? (Object(root, "context") is { } context ? Object(context, "traits") : null);
        var customer = Customer(userId, traits);
        var at = Timestamp(root);
        if (type == "track")
        {
            if (Text(root, "event") is not { } name) return Normalized.Unreadable("a Data Pipelines track call without an \"event\" name");
            var input = new TriggerInput
            {
                DeliveryId = messageId,
                Customer = customer,
                EventName = name,
                EventData = Object(root, "properties") ?? EmptyObject,
                Timestamp = at,
            };
            return new([new Signal(CustomerId(customer), customer, input, at)], null);
        }
        if (type == "identify") return new([new Signal(userId, customer, null, at)], null);
        return type is null
            ? Normalized.Unreadable("a Data Pipelines call without a \"type\"")
            : new([], $"a Data Pipelines \"{type}\" call carries no trigger (only track and identify do)", Outcome.NoTrigger);
    }

    /// <summary>The person as a JSON object: the traits as sent, with the user id as "id" unless the traits give one.</summary>
    private static JsonElement Customer(string userId, JsonElement? traits)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (traits is not { } t || !t.TryGetProperty("id", out _)) writer.WriteString("id", userId);
            if (traits is { } all)
            {
                foreach (var p in all.EnumerateObject()) p.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private static DateTimeOffset? Timestamp(JsonElement root) =>
        root.TryGetProperty("timestamp", out var ts) && ValueReader.TryReadTimestamp(ts, out var unix) ? ValueLimits.ToInstant(unix) : null;

    /// <summary>A string property of a JSON object, or null when absent or not a string.</summary>
    internal static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement? Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;
}

/// <summary>What a payload held: its signals, or (when none) why — <paramref name="Problem"/> is then the reason, and
/// <paramref name="Outcome"/> says whether the payload was unreadable or simply carries nothing to trigger on.</summary>
internal sealed record Normalized(IReadOnlyList<Signal> Signals, string? Problem, Outcome Outcome = Outcome.Unreadable)
{
    public static Normalized Unreadable(string problem) => new([], problem);
}
