using System.Text.Json;
using RetentionPlaybooks.DataModel;

namespace RetentionPlaybooks.Evaluation;

/// <summary>
/// A value read from Customer.io data, already coerced to its declared type. A missing value (absent,
/// null, or not convertible to the declared type) has <see cref="IsMissing"/> set; comparisons with it are false.
/// </summary>
internal readonly struct Value
{
    private readonly double _number;
    private readonly object? _ref;

    private Value(TypeKind kind, double number, object? reference)
    {
        Kind = kind;
        _number = number;
        _ref = reference;
    }

    public static readonly Value Missing = default;

    /// <summary>The kind of the value; <see cref="TypeKind.Error"/> (the default) means missing.</summary>
    public TypeKind Kind { get; }

    public bool IsMissing => Kind == TypeKind.Error;

    public static Value String(string s) => new(TypeKind.String, 0, s);

    public static Value Number(double n) => new(TypeKind.Number, n, null);

    public static Value Money(double n) => new(TypeKind.Money, n, null);

    public static Value Boolean(bool b) => new(TypeKind.Boolean, b ? 1 : 0, null);

    /// <summary>A point in time, kept as unix seconds.</summary>
    public static Value Timestamp(double unixSeconds) => new(TypeKind.Timestamp, unixSeconds, null);

    public static Value Duration(TimeSpan span) => new(TypeKind.Duration, span.TotalSeconds, null);

    public static Value List(Value[] items) => new(TypeKind.List, items.Length, items);

    public static Value Object(JsonElement element) => new(TypeKind.Object, 0, element);

    public string AsString => (string)_ref!;

    public double AsNumber => _number;

    public bool AsBoolean => _number != 0;

    public double AsUnixSeconds => _number;

    public TimeSpan AsDuration => TimeSpan.FromSeconds(_number);

    public Value[] AsList => (Value[])_ref!;

    public JsonElement AsObject => (JsonElement)_ref!;

    public override string ToString() => Kind switch
    {
        TypeKind.Error => "(missing)",
        TypeKind.String => "\"" + AsString + "\"",
        TypeKind.Number => _number.ToString("0.########", System.Globalization.CultureInfo.InvariantCulture),
        TypeKind.Money => _number.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        TypeKind.Boolean => AsBoolean ? "true" : "false",
        TypeKind.Timestamp => ValueLimits.ToInstant(_number).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        TypeKind.Duration => DurationSyntax.Format(AsDuration),
        TypeKind.List => $"list of {AsList.Length}",
        TypeKind.Object => "object",
        _ => "?",
    };
}
