using System.Collections.Frozen;
using Fluid.Values;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Templates;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// The fields of a record root (customer, event) or of a nested object, as Liquid sees them: each converted
/// to a template value only when a template reads it, and at most once per render. Fields outside the
/// allowed set (by the render plan) do not exist for the template.
/// </summary>
internal sealed class LazyFields : IFluidIndexable
{
    private readonly FieldShape _shape;
    private readonly Func<FieldSymbol, Value> _read;
    private readonly FluidValue?[] _cache;

    public LazyFields(FieldShape shape, Func<FieldSymbol, Value> read)
    {
        _shape = shape;
        _read = read;
        _cache = new FluidValue?[shape.Fields.Length];
    }

    public int Count => Keys.Count();

    public IEnumerable<string> Keys => _shape.Fields.Where(f => !_read(f).IsMissing).Select(f => f.Name);

    public bool TryGetValue(string name, out FluidValue value)
    {
        if (!_shape.Index.TryGetValue(name, out var i))
        {
            value = NilValue.Instance;
            return false;
        }
        var cached = _cache[i];
        if (cached is null)
        {
            var field = _shape.Fields[i];
            cached = _cache[i] = Convert(_read(field), field.Type, _shape);
        }
        value = cached;
        return cached is not BaseNilValue;
    }

    private static FluidValue Convert(Value value, DataType type, FieldShape shape)
    {
        if (value.IsMissing) return NilValue.Instance;
        switch (type.Kind)
        {
            case TypeKind.Object when value.Kind == TypeKind.Object:
                return Nested(value, shape.Child(type));
            case TypeKind.List when value.Kind == TypeKind.List && type.Element is { Kind: TypeKind.Object } element:
                var child = shape.Child(element);
                var items = value.AsList;
                var values = new FluidValue[items.Length];
                for (var i = 0; i < items.Length; i++) values[i] = items[i].IsMissing ? NilValue.Instance : Nested(items[i], child);
                return new ArrayValue(values);
            default:
                return FluidValue.Create(TemplateModel.FromValue(value), LiquidEngine.Options);
        }
    }

    private static DictionaryValue Nested(Value obj, FieldShape shape) =>
        new(new LazyFields(shape, property => RecordReader.ReadProperty(obj, property)));
}

/// <summary>The fields a template may see at one level (already filtered by the PII policy), with a name index.</summary>
internal sealed class FieldShape
{
    private readonly HashSet<string> _allowedPii;
    private readonly Dictionary<DataType, FieldShape> _children = new(ReferenceEqualityComparer.Instance);

    public FieldShape(IEnumerable<FieldSymbol> fields, HashSet<string> allowedPii)
    {
        _allowedPii = allowedPii;
        Fields = fields.Where(f => f.Pii is null || allowedPii.Contains(f.Pii)).ToArray();
        Index = Fields.Select((f, i) => (f.Name, i)).ToFrozenDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        // Children are built up front so a shape is immutable and safe to share between threads.
        foreach (var f in Fields)
        {
            var nested = f.Type.Kind == TypeKind.List ? f.Type.Element : f.Type;
            if (nested is { Kind: TypeKind.Object } && !_children.ContainsKey(nested)) _children[nested] = new FieldShape(nested.Properties.Values, allowedPii);
        }
    }

    public FieldSymbol[] Fields { get; }

    public FrozenDictionary<string, int> Index { get; }

    public FieldShape Child(DataType objectType) => _children[objectType];
}
