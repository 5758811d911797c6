namespace RetentionPlaybooks.DataModel;

/// <summary>
/// A field declared in the data model, such as <c>customer.ltv</c> or <c>event.items</c>. Each top-level
/// field has a slot: the index of its value in an evaluation <see cref="Evaluation.Record"/>.
/// </summary>
internal sealed class FieldSymbol
{
    public FieldSymbol(string path, string name, DataType type, string? pii = null, string? description = null)
    {
        Path = path;
        Name = name;
        Type = type;
        Pii = pii;
        Description = description;
    }

    /// <summary>Full dotted path, e.g. <c>customer.first_name</c>.</summary>
    public string Path { get; }

    /// <summary>The last segment of the path, as it appears in the JSON payload.</summary>
    public string Name { get; }

    public DataType Type { get; }

    /// <summary>The PII class (name, email, phone, address...) or null when the field is not personal data.</summary>
    public string? Pii { get; }

    public string? Description { get; }

    /// <summary>Index of this field's value in a record; -1 for fields nested in lists, read from their element.</summary>
    public int Slot { get; internal set; } = -1;

    public override string ToString() => $"{Path}: {Type}";
}
