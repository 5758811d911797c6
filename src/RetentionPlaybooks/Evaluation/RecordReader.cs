using System.Text.Json;
using RetentionPlaybooks.DataModel;

namespace RetentionPlaybooks.Evaluation;

/// <summary>Reads a <see cref="TriggerInput"/> into a <see cref="Record"/> according to the data model.</summary>
internal sealed class RecordReader(DataModelSymbols model)
{
    public Record Read(TriggerInput input, DateTimeOffset now)
    {
        var slots = new Value[model.SlotCount];
        foreach (var field in model.Customer.Values)
        {
            if (input.Customer.TryGetProperty(field.Name, out var json)) slots[field.Slot] = ValueReader.Read(json, field.Type);
        }
        if (input.EventName is not null && model.Events.TryGetValue(input.EventName, out var ev))
        {
            foreach (var field in ev.Properties.Values)
            {
                if (input.EventData.TryGetProperty(field.Name, out var json)) slots[field.Slot] = ValueReader.Read(json, field.Type);
            }
        }
        return new Record(slots, now);
    }

    /// <summary>Reads a property of an object value (a list element or nested object) by its declared type.</summary>
    public static Value ReadProperty(Value obj, FieldSymbol property) =>
        obj.Kind == TypeKind.Object && obj.AsObject.TryGetProperty(property.Name, out var json)
            ? ValueReader.Read(json, property.Type)
            : Value.Missing;
}
