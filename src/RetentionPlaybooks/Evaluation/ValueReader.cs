using System.Globalization;
using System.Text.Json;
using RetentionPlaybooks.DataModel;

namespace RetentionPlaybooks.Evaluation;

/// <summary>
/// Coerces JSON from Customer.io to declared types. Journey webhook bodies are Liquid-rendered text, so a
/// number often arrives as a string ("180.50") and a missing attribute as an empty string: both are handled.
/// </summary>
internal static class ValueReader
{
    public static Value Read(JsonElement json, DataType type)
    {
        if (json.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return Value.Missing;
        // Liquid renders a missing attribute as "", and a blank name is no name: both read as missing.
        if (json.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(json.GetString())) return Value.Missing;
        switch (type.Kind)
        {
            case TypeKind.String:
                return json.ValueKind switch
                {
                    JsonValueKind.String => Value.String(json.GetString()!),
                    JsonValueKind.Number => Value.String(json.GetRawText()),
                    JsonValueKind.True => Value.String("true"),
                    JsonValueKind.False => Value.String("false"),
                    _ => Value.Missing,
                };
            case TypeKind.Number:
                return TryReadNumber(json, out var n) ? Value.Number(n) : Value.Missing;
            case TypeKind.Money:
                return TryReadNumber(json, out var m) ? Value.Money(m) : Value.Missing;
            case TypeKind.Boolean:
                return json.ValueKind switch
                {
                    JsonValueKind.True => Value.Boolean(true),
                    JsonValueKind.False => Value.Boolean(false),
                    JsonValueKind.String when bool.TryParse(json.GetString(), out var b) => Value.Boolean(b),
                    JsonValueKind.Number when json.TryGetDouble(out var d) && (d == 0 || d == 1) => Value.Boolean(d == 1),
                    _ => Value.Missing,
                };
            case TypeKind.Timestamp:
                return TryReadTimestamp(json, out var ts) ? Value.Timestamp(ts) : Value.Missing;
            case TypeKind.Duration:
                return json.ValueKind == JsonValueKind.String && DurationSyntax.TryParse(json.GetString()!, out var span)
                    ? Value.Duration(span)
                    : TryReadNumber(json, out var secs) ? Value.Duration(TimeSpan.FromSeconds(secs)) : Value.Missing;
            case TypeKind.List:
                if (json.ValueKind != JsonValueKind.Array) return Value.Missing;
                var items = new Value[json.GetArrayLength()];
                var i = 0;
                foreach (var item in json.EnumerateArray()) items[i++] = Read(item, type.Element!);
                return Value.List(items);
            case TypeKind.Object:
                return json.ValueKind == JsonValueKind.Object ? Value.Object(json) : Value.Missing;
            default:
                return Value.Missing;
        }
    }

    public static bool TryReadNumber(JsonElement json, out double value)
    {
        value = 0;
        return json.ValueKind switch
        {
            JsonValueKind.Number => json.TryGetDouble(out value),
            JsonValueKind.String => double.TryParse(json.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    /// <summary>Unix seconds (or milliseconds, told apart by size), numeric strings, or ISO 8601 text.</summary>
    public static bool TryReadTimestamp(JsonElement json, out double unixSeconds)
    {
        unixSeconds = 0;
        if (TryReadNumber(json, out var n))
        {
            unixSeconds = n > 100_000_000_000 ? n / 1000 : n;
            return true;
        }
        if (json.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(json.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto))
        {
            unixSeconds = dto.ToUnixTimeMilliseconds() / 1000.0;
            return true;
        }
        return false;
    }
}
