using System.Collections.Frozen;
using Fluid.Values;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Templates;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// The fields of a record root (customer, event) or of a nested object, as Liquid sees them: each converted
/// to a template value only when a template reads it, and at most once per render. Fields outside the
/// allowed set (by the render plan) do not exist for the template, nor do fields the policy in force no longer allows.
/// </summary>
internal sealed class LazyFields : IFluidIndexable
{
    private readonly FieldShape _shape;
    private readonly Func<FieldSymbol, Value> _read;
    private readonly PiiPolicy _policy;
    private readonly FluidValue?[] _cache;

    public LazyFields(FieldShape shape, Func<FieldSymbol, Value> read, PiiPolicy policy)
    {
        _shape = shape;
        _read = read;
        _policy = policy;
        _cache = new FluidValue?[shape.Fields.Length];
    }

    public int Count => Keys.Count();

    public IEnumerable<string> Keys => _shape.Fields.Where(f => _policy.Allows(f.Pii) && !_read(f).IsMissing).Select(f => f.Name);

    public bool TryGetValue(string name, out FluidValue value)
    {
        // The shape was filtered by the policy when the plan was made; the policy in force now is checked as well.
        if (!_shape.Index.TryGetValue(name, out var i) || !_policy.Allows(_shape.Fields[i].Pii))
        {
            value = NilValue.Instance;
            return false;
        }
        var cached = _cache[i];
        if (cached is null)
        {
            var field = _shape.Fields[i];
            cached = _cache[i] = Convert(_read(field), field.Type, _shape, _policy);
        }
        value = cached;
        return cached is not BaseNilValue;
    }

    private static FluidValue Convert(Value value, DataType type, FieldShape shape, PiiPolicy policy)
    {
        if (value.IsMissing) return NilValue.Instance;
        switch (type.Kind)
        {
            case TypeKind.Object when value.Kind == TypeKind.Object:
                return Nested(value, shape.Child(type), policy);
            case TypeKind.List when value.Kind == TypeKind.List && type.Element is { Kind: TypeKind.Object } element:
                var child = shape.Child(element);
                var items = value.AsList;
                var values = new FluidValue[items.Length];
                for (var i = 0; i < items.Length; i++) values[i] = items[i].IsMissing ? NilValue.Instance : Nested(items[i], child, policy);
                return new ArrayValue(values);
            default:
                return FluidValue.Create(TemplateModel.FromValue(value), LiquidEngine.Options);
        }
    }

    private static DictionaryValue Nested(Value obj, FieldShape shape, PiiPolicy policy) =>
        new(new LazyFields(shape, property => RecordReader.ReadProperty(obj, property), policy));
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
