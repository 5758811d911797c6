using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Gates;
using RetentionPlaybooks.Templates;

namespace RetentionPlaybooks.Compilation;

/// <summary>What a playbook's gates and templates may read, given its trigger: the customer always, the event's data only for an event trigger.</summary>
internal sealed class PlaybookScope
{
    private PlaybookScope(GateScope gates, TemplateScope templates)
    {
        Gates = gates;
        Templates = templates;
    }

    public GateScope Gates { get; }

    public TemplateScope Templates { get; }

    public static PlaybookScope For(PlaybookTrigger trigger, DataModelSymbols model)
    {
        var roots = new Dictionary<string, IReadOnlyDictionary<string, FieldSymbol>>(StringComparer.Ordinal)
        {
            ["customer"] = model.Customer,
        };
        var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
        if (trigger.Kind == TriggerKind.Event && model.Events.TryGetValue(trigger.Name, out var ev))
        {
            roots["event"] = ev.Properties;
        }
        else
        {
            unavailable["event"] = trigger.Kind == TriggerKind.Segment
                ? "the trigger is a segment entry, which carries no event data"
                : "the trigger is an attribute change, which carries no event data";
        }
        return new PlaybookScope(new GateScope(roots, unavailable), TemplateScope.Standard(roots, unavailable, trigger));
    }
}
