using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// Builds what a message template can see. Only declared fields are exposed, already coerced to their types,
/// and a PII field is left out unless both the playbook and the channel allow its class — so even a template
/// the compiler somehow let through cannot print it (defence in depth).
/// </summary>
internal static class RenderModel
{
    public static Dictionary<string, object?> Build(
        CompiledPlaybook playbook, ChannelSymbol channel, TriggerInput input, Record record, DataModelSymbols model, LinkSettings links)
    {
        var allowed = new HashSet<string>(playbook.Pii.Where(channel.AllowedPii.Contains), StringComparer.Ordinal);
        var customer = Fields(model.Customer.Values, record, allowed);
        var ev = input.EventName is not null && model.Events.TryGetValue(input.EventName, out var symbol)
            ? Fields(symbol.Properties.Values, record, allowed)
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["customer"] = customer,
            ["event"] = ev,
            ["links"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["customerio_profile"] = links.CustomerIoProfile(RawString(input.Customer, "cio_id")),
                ["shop_customer"] = links.ShopCustomer(RawString(input.Customer, "shop_customer_id")),
                ["shop_order"] = links.ShopOrder(RawString(input.EventData, "order_id")),
            },
            ["playbook"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = playbook.Id,
                ["owner"] = playbook.Owner.DisplayName ?? playbook.Owner.Name,
                ["sla"] = DurationSyntax.Format(playbook.Sla),
                ["channel"] = channel.Name,
                ["description"] = playbook.Description,
            },
            ["trigger"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["event"] = input.EventName,
                ["segment"] = input.Segment,
                ["attribute"] = input.ChangedAttribute,
                ["timestamp"] = input.Timestamp,
            },
        };
    }

    private static Dictionary<string, object?> Fields(IEnumerable<FieldSymbol> fields, Record record, HashSet<string> allowed)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (field.Pii is { } cls && !allowed.Contains(cls)) continue;
            var value = record.Slots[field.Slot];
            if (!value.IsMissing) result[field.Name] = Convert(value, field.Type, allowed);
        }
        return result;
    }

    private static object? Convert(Value value, DataType type, HashSet<string> allowed)
    {
        switch (type.Kind)
        {
            case TypeKind.Object when value.Kind == TypeKind.Object:
                return ObjectFields(value, type, allowed);
            case TypeKind.List when value.Kind == TypeKind.List && type.Element is { Kind: TypeKind.Object } element:
                return value.AsList.Select(item => item.IsMissing ? null : ObjectFields(item, element, allowed)).ToList();
            default:
                return TemplateModel.FromValue(value);
        }
    }

    private static Dictionary<string, object?> ObjectFields(Value obj, DataType shape, HashSet<string> allowed)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in shape.Properties.Values)
        {
            if (property.Pii is { } cls && !allowed.Contains(cls)) continue;
            var value = RecordReader.ReadProperty(obj, property);
            if (!value.IsMissing) result[property.Name] = Convert(value, property.Type, allowed);
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
