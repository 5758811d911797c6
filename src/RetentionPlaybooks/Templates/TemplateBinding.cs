using RetentionPlaybooks.DataModel;

namespace RetentionPlaybooks.Templates;

/// <summary>What a name or member path in a template stands for, as far as static analysis can tell.</summary>
internal sealed class TemplateBinding
{
    /// <summary>A value whose shape is unknown (a captured string, a filter's result): nothing under it is checked.</summary>
    public static readonly TemplateBinding Opaque = new(TemplateBindingKind.Opaque, "", null, null, null, null, null);

    private TemplateBinding(
        TemplateBindingKind kind,
        string path,
        FieldSymbol? field,
        IReadOnlyDictionary<string, FieldSymbol>? members,
        DataType? listElement,
        IReadOnlySet<string>? names,
        TemplateBinding? target)
    {
        Kind = kind;
        Path = path;
        Field = field;
        Members = members;
        ListElement = listElement;
        Names = names;
        Target = target;
    }

    public TemplateBindingKind Kind { get; }

    /// <summary>The data path read through this binding (a field's path, or a root's name).</summary>
    public string Path { get; }

    public FieldSymbol? Field { get; }

    /// <summary>For a data root or object, its declared members.</summary>
    public IReadOnlyDictionary<string, FieldSymbol>? Members { get; }

    /// <summary>For a list, the type of its elements.</summary>
    public DataType? ListElement { get; }

    /// <summary>For a built-in root or <c>forloop</c>, the member names it has.</summary>
    public IReadOnlySet<string>? Names { get; }

    /// <summary>For <see cref="TemplateBindingKind.Derived"/>, the binding the value was computed from.</summary>
    public TemplateBinding? Target { get; }

    public static TemplateBinding DataRoot(string name, IReadOnlyDictionary<string, FieldSymbol> fields) =>
        new(TemplateBindingKind.Data, name, null, fields, null, null, null);

    public static TemplateBinding OfField(FieldSymbol field) => OfShape(field.Path, field, field.Type);

    public static TemplateBinding BuiltIn(string path, IReadOnlySet<string>? names) =>
        new(TemplateBindingKind.BuiltIn, path, null, null, null, names, null);

    public static TemplateBinding Loop(IReadOnlySet<string> names) =>
        new(TemplateBindingKind.Loop, "", null, null, null, names, null);

    /// <summary>A value computed from another (<c>.size</c>, <c>.first</c> of a string): reading it reads the source, without expanding it.</summary>
    public static TemplateBinding DerivedFrom(TemplateBinding source) =>
        source.Kind switch
        {
            TemplateBindingKind.Derived => source,
            TemplateBindingKind.Data or TemplateBindingKind.BuiltIn => new(TemplateBindingKind.Derived, source.Path, source.Field, null, null, null, source),
            _ => Opaque,
        };

    /// <summary>An element of this list, bound to the element type's shape.</summary>
    public TemplateBinding Element() =>
        ListElement is null ? DerivedFrom(this) : OfShape(Path, Field, ListElement);

    public bool IsAggregate => Members is not null || ListElement is not null;

    private static TemplateBinding OfShape(string path, FieldSymbol? field, DataType type) => type.Kind switch
    {
        TypeKind.Object => new(TemplateBindingKind.Data, path, field, type.Properties, null, null, null),
        TypeKind.List => new(TemplateBindingKind.Data, path, field, null, type.Element ?? DataType.Error, null, null),
        _ => new(TemplateBindingKind.Data, path, field, null, null, null, null),
    };
}

internal enum TemplateBindingKind
{
    /// <summary>Unknown shape; not checked.</summary>
    Opaque,

    /// <summary>A data root, field, or list element with a declared shape.</summary>
    Data,

    /// <summary>A built-in root (<c>links</c>, <c>playbook</c>, <c>trigger</c>) or one of its members.</summary>
    BuiltIn,

    /// <summary>The <c>forloop</c> object.</summary>
    Loop,

    /// <summary>A value computed from a data or built-in value.</summary>
    Derived,
}
