using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Slack;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack;

/// <summary>What a template sees besides the data: the playbook's own members, the trigger, and nothing of an absent event.</summary>
public sealed class RenderModelTests
{
    private static string Field(SlackMessage message, string label)
    {
        var json = message.ToPrettyJson();
        var start = json.IndexOf($"*{label}*\\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no field {label} in {json}");
        start += label.Length + 4;
        return json[start..json.IndexOf('"', start)];
    }

    /// <summary>vip-cart-abandonment with one more field printing <paramref name="template"/>.</summary>
    private static CompilationResult WithField(string template, Action<Cli.TempPlaybooks>? change = null) => RenderHarness.CompileChanged(dir =>
    {
        dir.Replace("vip-cart-abandonment.yaml", "    Customer: \"{{ customer.first_name | default: 'VIP customer' }}\"",
            $"    Customer: \"{{{{ customer.first_name | default: 'VIP customer' }}}}\"\n    Probe: \"{template}\"");
        change?.Invoke(dir);
    });

    [Fact]
    public void PlaybookMembers_RenderTheirValues()
    {
        var compilation = WithField("{{ playbook.id }}|{{ playbook.owner }}|{{ playbook.sla }}|{{ playbook.channel }}|{{ playbook.description | slice: 0, 20 }}");

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", RenderHarness.Sample("vip-cart-abandoned.json"), compilation);

        Assert.Equal("vip-cart-abandonment|Retention lead|2h|vip-saves|A VIP leaving a larg", Field(message, "Probe"));
    }

    [Fact]
    public void PlaybookOwner_WithoutADisplayName_IsTheOwnersKey()
    {
        var compilation = WithField("{{ playbook.owner }}", dir => dir.Replace("workspace.yaml", "    name: Retention lead\n", ""));

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", RenderHarness.Sample("vip-cart-abandoned.json"), compilation);

        Assert.Equal("retention-lead", Field(message, "Probe"));
    }

    [Fact]
    public void PlaybookChannel_IsTheRoutesChannel()
    {
        var compilation = WithField("{{ playbook.channel }}");
        var big = RenderHarness.Sample("vip-cart-abandoned.json");
        big["event"]!["data"]!["cart_value"] = 900;

        var (message, decision) = RenderHarness.Render("vip-cart-abandonment", big, compilation);

        Assert.Equal("retention-lead-dm", decision.Channel!.Name);
        Assert.Equal("retention-lead-dm", Field(message, "Probe"));
    }

    [Fact]
    public void TriggerMembers_RenderTheSignal()
    {
        var compilation = WithField("{{ trigger.event }}|{{ trigger.segment | default: 'none' }}|{{ trigger.attribute | default: 'none' }}|{{ trigger.timestamp | date: '%Y-%m-%d %H:%M' }}");
        var sample = RenderHarness.Sample("vip-cart-abandoned.json");
        sample["timestamp"] = 1795873320;

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", sample, compilation);

        Assert.Equal("checkout_abandoned|none|none|2026-11-28 13:42", Field(message, "Probe"));
    }

    /// <summary>Routed to the DM only, with address allowed by the playbook and the DM: customer.address (an object) can render.</summary>
    private static CompilationResult WithAddress(string template) => WithField(template, dir =>
    {
        dir.Replace("vip-cart-abandonment.yaml", "pii: [name]", "pii: [name, address]");
        dir.Replace("vip-cart-abandonment.yaml", "  - when: event.cart_value >= 500\n    channel: retention-lead-dm\n  - default: vip-saves", "  - default: retention-lead-dm");
        dir.Replace("workspace.yaml", "pii: [name, email, phone]", "pii: [name, email, phone, address]");
    });

    [Fact]
    public void ObjectField_ItsPropertiesRender_AndAMissingOneIsNil()
    {
        var compilation = WithAddress("{{ customer.address.city }}, {{ customer.address.country }} {{ customer.address.region | default: 'no region' }}");
        var sample = RenderHarness.Sample("vip-cart-abandoned.json");
        sample["customer"]!["address"] = new System.Text.Json.Nodes.JsonObject { ["city"] = "Lyon", ["country"] = "FR" };

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", sample, compilation);

        Assert.Equal("Lyon, FR no region", Field(message, "Probe"));
    }

    [Fact]
    public void ObjectField_NotAnObjectInThePayload_IsNil()
    {
        var compilation = WithAddress("{% if customer.address %}an address{% else %}no address{% endif %}");
        var sample = RenderHarness.Sample("vip-cart-abandoned.json");
        sample["customer"]!["address"] = "12 rue X, Lyon";

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", sample, compilation);

        Assert.Equal("no address", Field(message, "Probe"));
    }

    [Fact]
    public void ListOfObjects_AnItemThatIsNotAnObject_IsNil_TheOthersRender()
    {
        var compilation = WithField("{% for item in event.items %}{% if item %}{{ item.name }}{% else %}(none){% endif %};{% endfor %}");
        var sample = RenderHarness.Sample("vip-cart-abandoned.json");
        sample["event"]!["data"]!["items"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["name"] = "Beans" }, "junk", new System.Text.Json.Nodes.JsonObject { ["name"] = "Mug" });

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", sample, compilation);

        Assert.Equal("Beans;(none);Mug;", Field(message, "Probe"));
    }

    [Fact]
    public void NestedObject_SizeCountsItsPresentFields()
    {
        var compilation = WithField("{{ event.items.first | size }}");
        var sample = RenderHarness.Sample("vip-cart-abandoned.json");
        sample["event"]!["data"]!["items"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["name"] = "Beans", ["sku"] = "B-1", ["unknown"] = 1 });

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", sample, compilation);

        Assert.Equal("2", Field(message, "Probe"));   // name and sku; price and quantity absent, "unknown" not declared
    }

    [Fact]
    public void TriggerMembers_OfASegmentEntry_NameTheSegment()
    {
        var compilation = RenderHarness.CompileChanged(dir => dir.Replace("winback-exclusions.yaml", "  fields:\n",
            "  fields:\n    Probe: \"{{ trigger.segment }}|{{ trigger.event | default: 'none' }}|{{ trigger.attribute | default: 'none' }}\"\n"));

        var (message, _) = RenderHarness.Render("winback-exclusions", RenderHarness.Sample("winback-segment-entered.json"), compilation);

        Assert.Equal("winback-eligible|none|none", Field(message, "Probe"));
    }
}
