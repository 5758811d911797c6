namespace RetentionPlaybooks.DataModel;

/// <summary>A type in the declared data model. Scalars are shared singletons; lists and objects carry their shape.</summary>
internal sealed class DataType
{
    // Declared before the singletons below: static fields initialise in text order.
    private static readonly IReadOnlyDictionary<string, FieldSymbol> EmptyProperties = new Dictionary<string, FieldSymbol>();

    public static readonly DataType Error = new(TypeKind.Error);
    public static readonly DataType String = new(TypeKind.String);
    public static readonly DataType Number = new(TypeKind.Number);
    public static readonly DataType Money = new(TypeKind.Money);
    public static readonly DataType Boolean = new(TypeKind.Boolean);
    public static readonly DataType Timestamp = new(TypeKind.Timestamp);
    public static readonly DataType Duration = new(TypeKind.Duration);

    private DataType(TypeKind kind, DataType? element = null, IReadOnlyDictionary<string, FieldSymbol>? properties = null)
    {
        Kind = kind;
        Element = element;
        Properties = properties ?? EmptyProperties;
    }

    public TypeKind Kind { get; }

    /// <summary>For a list, the type of its elements.</summary>
    public DataType? Element { get; }

    /// <summary>For an object, its declared properties in declaration order.</summary>
    public IReadOnlyDictionary<string, FieldSymbol> Properties { get; }

    public static DataType ListOf(DataType element) => new(TypeKind.List, element);

    public static DataType ObjectOf(IReadOnlyDictionary<string, FieldSymbol> properties) => new(TypeKind.Object, properties: properties);

    /// <summary>The type names a marketer writes in the data model file.</summary>
    public static readonly IReadOnlyList<string> ScalarNames = ["string", "number", "money", "boolean", "timestamp", "duration"];

    public static DataType? FromScalarName(string name) => name switch
    {
        "string" => String,
        "number" => Number,
        "money" => Money,
        "boolean" => Boolean,
        "timestamp" => Timestamp,
        "duration" => Duration,
        _ => null,
    };

    public bool IsNumeric => Kind is TypeKind.Number or TypeKind.Money;

    public override string ToString() => Kind switch
    {
        TypeKind.List => $"list of {Element}",
        TypeKind.Object => "object",
        TypeKind.Error => "?",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
