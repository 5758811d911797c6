using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using Fluid.Values;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// Builds what a message template can see. Only declared fields are exposed, already coerced to their types,
/// and a PII field is left out unless both the playbook and the channel allow its class — so even a template
/// the compiler somehow let through cannot print it (defence in depth).
/// </summary>
internal static class RenderModel
{
    // What to convert for one playbook in one channel: the fields its templates read that the policy allows.
    private sealed record Plan(
        FieldShape Customer,
        Dictionary<string, FieldShape> Events,
        HashSet<string> Allowed,
        IReadOnlyDictionary<string, object?> Playbook,
        bool Trigger,
        string[] Links);

    private static readonly ConditionalWeakTable<CompiledPlaybook, ConcurrentDictionary<ChannelSymbol, Plan>> Plans = new();

    public static Dictionary<string, object?> Build(
        CompiledPlaybook playbook, ChannelSymbol channel, TriggerInput input, Record record, DataModelSymbols model, LinkSettings links)
    {
        var plan = Plans.GetOrCreateValue(playbook).GetOrAdd(channel, c => MakePlan(playbook, c, model));
        Func<FieldSymbol, Value> slot = f => record.Slots[f.Slot];
        var customer = new DictionaryValue(new LazyFields(plan.Customer, slot));
        var ev = input.EventName is not null && plan.Events.TryGetValue(input.EventName, out var eventFields)
            ? new DictionaryValue(new LazyFields(eventFields, slot))
            : (FluidValue)NilValue.Instance;
        var result = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["customer"] = customer,
            ["event"] = ev,
            ["playbook"] = plan.Playbook,
        };
        if (plan.Trigger)
        {
            var trigger = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["event"] = input.EventName,
                ["segment"] = input.Segment,
                ["attribute"] = input.ChangedAttribute,
                ["timestamp"] = input.Timestamp,
            };
            // The attribute's values before and after, read as the attribute's type, and only when its PII class is allowed.
            if (playbook.Trigger is { Kind: TriggerKind.Attribute, Attribute: { } attribute } && (attribute.Pii is null || plan.Allowed.Contains(attribute.Pii)))
            {
                trigger["from"] = input.ChangedFrom is { } from ? Templates.TemplateModel.FromValue(ValueReader.Read(from, attribute.Type)) : null;
                trigger["to"] = input.ChangedTo is { } to ? Templates.TemplateModel.FromValue(ValueReader.Read(to, attribute.Type)) : null;
            }
            result["trigger"] = trigger;
        }
        if (plan.Links.Length > 0)
        {
            var values = new Dictionary<string, object?>(plan.Links.Length, StringComparer.Ordinal);
            foreach (var link in plan.Links)
            {
                values[link] = link switch
                {
                    "customerio_profile" => links.CustomerIoProfile(RawString(input.Customer, "cio_id")),
                    "shop_customer" => links.ShopCustomer(RawString(input.Customer, "shop_customer_id")),
                    "shop_order" => links.ShopOrder(RawString(input.EventData, "order_id")),
                    _ => null,
                };
            }
            result["links"] = values;
        }
        return result;
    }

    private static Plan MakePlan(CompiledPlaybook playbook, ChannelSymbol channel, DataModelSymbols model)
    {
        var needed = playbook.TemplateFields;
        var allowed = new HashSet<string>(playbook.Pii.Where(channel.AllowedPii.Contains), StringComparer.Ordinal);
        // Only what the templates read is converted, and PII outside the policy never reaches the template engine.
        FieldShape Select(string root, IEnumerable<FieldSymbol> fields) =>
            new(fields.Where(f => needed.Contains(root + f.Name)), allowed);
        var playbookValues = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = playbook.Id,
            ["owner"] = playbook.Owner.DisplayName ?? playbook.Owner.Name,
            ["owner_mention"] = new MentionValue(playbook.Owner.Mention, "@" + (playbook.Owner.DisplayName ?? playbook.Owner.Name)),
            ["sla"] = DurationSyntax.Format(playbook.Sla),
            ["channel"] = channel.Name,
            ["description"] = playbook.Description,
        };
        return new Plan(
            Select("customer.", model.Customer.Values),
            model.Events.ToDictionary(e => e.Key, e => Select("event.", e.Value.Properties.Values), StringComparer.Ordinal),
            allowed,
            playbookValues,
            needed.Any(f => f.StartsWith("trigger.", StringComparison.Ordinal)),
            needed.Where(f => f.StartsWith("links.", StringComparison.Ordinal)).Select(f => f["links.".Length..]).ToArray());
    }

    private static string? RawString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;
}
