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
/// the compiler somehow let through cannot print it (defence in depth): the route's <see cref="RenderPlan"/>
/// leaves it out when the playbook is compiled, and <see cref="PiiPolicy"/> again when the message renders.
/// </summary>
internal static class RenderModel
{
    /// <summary>
    /// The template model of one message, from the route's <paramref name="plan"/>. Every field is checked again,
    /// as the template reads it, against the playbook's and the channel's policy as they are now.
    /// </summary>
    public static Dictionary<string, object?> Build(
        RenderPlan plan, CompiledPlaybook playbook, ChannelSymbol channel, TriggerInput input, Record record, LinkSettings links)
    {
        var policy = new PiiPolicy(playbook.Pii, channel.AllowedPii);
        Func<FieldSymbol, Value> slot = f => record.Slots[f.Slot];
        var customer = new DictionaryValue(new LazyFields(plan.Customer, slot, policy));
        var ev = input.EventName is not null && plan.Events.TryGetValue(input.EventName, out var eventFields)
            ? new DictionaryValue(new LazyFields(eventFields, slot, policy))
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
            if (playbook.Trigger is { Kind: TriggerKind.Attribute, Attribute: { } attribute }
                && (attribute.Pii is null || (plan.Allowed.Contains(attribute.Pii) && policy.Allows(attribute.Pii))))
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
