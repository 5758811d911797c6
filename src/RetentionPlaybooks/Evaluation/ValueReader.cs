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
                    : TryReadNumber(json, out var secs) && ValueLimits.TryReadDuration(secs, out var fromSeconds) ? Value.Duration(fromSeconds) : Value.Missing;
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

    /// <summary>A JSON number or numeric string; false for anything else, and for values out of <see cref="ValueLimits"/> (NaN, 1e300).</summary>
    public static bool TryReadNumber(JsonElement json, out double value)
    {
        if (TryGetNumber(json, out value) && ValueLimits.IsSaneNumber(value)) return true;
        value = 0;
        return false;
    }

    /// <summary>
    /// Unix seconds or milliseconds (told apart by magnitude, see <see cref="ValueLimits.MillisecondsFrom"/>), as numbers
    /// or numeric strings, or ISO 8601 text; false when no reading gives a time between 1900 and 2200.
    /// </summary>
    public static bool TryReadTimestamp(JsonElement json, out double unixSeconds)
    {
        unixSeconds = 0;
        if (TryGetNumber(json, out var n)) return ValueLimits.TryReadUnix(n, out unixSeconds);
        return json.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(json.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto)
            && ValueLimits.TryReadInstant(dto, out unixSeconds);
    }

    /// <summary>The number a JSON number or numeric string holds, whatever its size (the callers judge that).</summary>
    private static bool TryGetNumber(JsonElement json, out double value)
    {
        value = 0;
        return json.ValueKind switch
        {
            JsonValueKind.Number => json.TryGetDouble(out value),
            JsonValueKind.String => double.TryParse(json.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }
}
