namespace RetentionPlaybooks.DataModel;

/// <summary>A Customer.io event declared in the data model, with the properties its data carries.</summary>
internal sealed class EventSymbol(string name, string? description, IReadOnlyDictionary<string, FieldSymbol> properties)
{
    public string Name { get; } = name;

    public string? Description { get; } = description;

    public IReadOnlyDictionary<string, FieldSymbol> Properties { get; } = properties;
}
