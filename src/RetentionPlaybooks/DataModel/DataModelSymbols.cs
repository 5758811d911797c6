namespace RetentionPlaybooks.DataModel;

/// <summary>
/// The declared shape of the Customer.io data the playbooks read: customer attributes, events and their
/// properties, and segments. Built once per compilation; every top-level field has a record slot.
/// </summary>
internal sealed class DataModelSymbols
{
    public DataModelSymbols(
        IReadOnlyDictionary<string, FieldSymbol> customer,
        IReadOnlyDictionary<string, EventSymbol> events,
        IReadOnlyDictionary<string, SegmentSymbol> segments)
    {
        Customer = customer;
        Events = events;
        Segments = segments;
        var slot = 0;
        foreach (var field in customer.Values) field.Slot = slot++;
        foreach (var e in events.Values)
        {
            foreach (var field in e.Properties.Values) field.Slot = slot++;
        }
        SlotCount = slot;
    }

    public IReadOnlyDictionary<string, FieldSymbol> Customer { get; }

    public IReadOnlyDictionary<string, EventSymbol> Events { get; }

    public IReadOnlyDictionary<string, SegmentSymbol> Segments { get; }

    /// <summary>How many values a record holds.</summary>
    public int SlotCount { get; }

    /// <summary>PII classes the data model uses, for checking the policy's names.</summary>
    public IEnumerable<string> PiiClasses =>
        Customer.Values.Concat(Events.Values.SelectMany(e => e.Properties.Values))
            .SelectMany(Flatten)
            .Select(f => f.Pii)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);

    private static IEnumerable<FieldSymbol> Flatten(FieldSymbol f)
    {
        yield return f;
        var shape = f.Type.Kind == TypeKind.List ? f.Type.Element : f.Type;
        if (shape is null) yield break;
        foreach (var child in shape.Properties.Values)
        {
            foreach (var inner in Flatten(child)) yield return inner;
        }
    }
}
