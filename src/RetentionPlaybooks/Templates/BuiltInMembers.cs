using System.Collections.Frozen;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.DataModel;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// The members of the built-in template roots (<c>playbook</c>, <c>trigger</c>, <c>links</c>), in one table that feeds
/// both the compiler's scope (which names exist, and for <c>trigger.from</c>/<c>trigger.to</c> the watched attribute's
/// type and PII class, so printing them is checked like printing the field) and the render model (their values).
/// </summary>
internal static class BuiltInMembers
{
    /// <summary>One member: its root and name, what it is, and whether only an attribute-change trigger has it.</summary>
    internal sealed record Member(string Root, string Name, string Description, bool AttributeChangeOnly = false)
    {
        public string Path => Root + "." + Name;
    }

    public static readonly IReadOnlyList<Member> All =
    [
        new("playbook", "id", "the playbook's id (its file name)"),
        new("playbook", "owner", "the owner's display name (workspace.yaml owners.<name>.name), else its key"),
        new("playbook", "owner_mention", "a Slack mention of the owner (<@U…>) in mrkdwn; @name in plain text"),
        new("playbook", "sla", "the SLA as written, e.g. 2h"),
        new("playbook", "channel", "the channel the route chose"),
        new("playbook", "description", "the playbook's description"),
        new("trigger", "event", "the event's name, for an event trigger"),
        new("trigger", "segment", "the segment's name, for a segment entry"),
        new("trigger", "attribute", "the attribute's name, for an attribute change"),
        new("trigger", "from", "the attribute's value before the change (typed, PII-checked as the attribute)", AttributeChangeOnly: true),
        new("trigger", "to", "the attribute's value after the change (typed, PII-checked as the attribute)", AttributeChangeOnly: true),
        new("trigger", "timestamp", "when the signal happened, if the payload says"),
        new("links", "customerio_profile", "the person's Customer.io profile (needs customer.cio_id and customerio.workspace_id)"),
        new("links", "shop_customer", "the customer in the shop admin (needs customer.shop_customer_id and shop.admin_domain)"),
        new("links", "shop_order", "the order in the shop admin (needs event.order_id and shop.admin_domain)"),
    ];

    /// <summary>The members each built-in root has for a playbook with this trigger.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> RootsFor(TriggerKind trigger) =>
        All.Where(m => !m.AttributeChangeOnly || trigger == TriggerKind.Attribute)
            .GroupBy(m => m.Root, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(m => m.Name).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The typed members for an attribute-change trigger: trigger.from and trigger.to as the watched attribute.</summary>
    public static IReadOnlyDictionary<string, FieldSymbol> FieldsFor(PlaybookTrigger trigger) =>
        trigger is { Kind: TriggerKind.Attribute, Attribute: { } attribute }
            ? new Dictionary<string, FieldSymbol>(StringComparer.Ordinal)
            {
                ["trigger.from"] = new("trigger.from", "from", attribute.Type, attribute.Pii, attribute.Description),
                ["trigger.to"] = new("trigger.to", "to", attribute.Type, attribute.Pii, attribute.Description),
            }
            : FrozenDictionary<string, FieldSymbol>.Empty;
}
