using System.Text.Json;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Compilation;

internal enum TriggerKind
{
    Event,
    Segment,
    Attribute,
}

/// <summary>What starts a playbook: an event by name, entry into a segment, or a change of an attribute.</summary>
internal sealed record PlaybookTrigger(TriggerKind Kind, string Name, FieldSymbol? Attribute = null, Value? From = null, Value? To = null)
{
    /// <summary>True when the input is this trigger's signal (for an attribute change, with matching from/to).</summary>
    public bool Matches(TriggerInput input) => Kind switch
    {
        TriggerKind.Event => input.EventName == Name,
        TriggerKind.Segment => input.Segment == Name,
        TriggerKind.Attribute => input.ChangedAttribute == Name
            && ValueMatches(From, input.ChangedFrom)
            && ValueMatches(To, input.ChangedTo),
        _ => false,
    };

    private bool ValueMatches(Value? expected, JsonElement? actual)
    {
        if (expected is not { } e) return true;
        if (actual is not { } a || Attribute is null) return false;
        var v = ValueReader.Read(a, Attribute.Type);
        return ValueComparer.AreEqual(e, v);
    }

    public override string ToString() => Kind switch
    {
        TriggerKind.Event => $"event \"{Name}\"",
        TriggerKind.Segment => $"segment \"{Name}\" entered",
        _ => $"attribute \"{Name}\" changed" + (From is { } f ? $" from {f}" : "") + (To is { } t ? $" to {t}" : ""),
    };
}
