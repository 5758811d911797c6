using System.Globalization;
using System.Text.Json;
using Fluid.Values;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// Turns Customer.io data (<see cref="JsonElement"/>, evaluation <see cref="Value"/>s) into values Fluid
/// understands; registered as a value converter so a model can hold either.
/// </summary>
internal static class TemplateModel
{
    /// <summary>The Fluid value converter: null means "not mine", so Fluid keeps looking.</summary>
    public static object? Convert(object value) => value switch
    {
        JsonElement json => FromJson(json) ?? NilValue.Instance,
        Value v => FromValue(v) ?? NilValue.Instance,
        _ => null,
    };

    public static object? FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => json.EnumerateObject()
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => FromJson(g.Last().Value), StringComparer.Ordinal),
        JsonValueKind.Array => json.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => json.GetString(),
        JsonValueKind.Number => json.TryGetDecimal(out var d) ? d : ToDecimal(json.GetDouble()),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public static object? FromValue(Value value) => value.Kind switch
    {
        TypeKind.String => value.AsString,
        TypeKind.Number or TypeKind.Money => ToDecimal(value.AsNumber),
        TypeKind.Boolean => value.AsBoolean,
        TypeKind.Timestamp => ValueLimits.ToInstant(value.AsUnixSeconds),
        TypeKind.Duration => DurationSyntax.Format(value.AsDuration),
        TypeKind.List => value.AsList.Select(FromValue).ToList(),
        TypeKind.Object => FromJson(value.AsObject),
        _ => null,
    };

    private static object? ToDecimal(double d) =>
        double.IsFinite(d) && Math.Abs(d) < 7.9e27 ? (decimal)d : d.ToString(CultureInfo.InvariantCulture);
}
