using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Slack;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack;

/// <summary>
/// The render plan of each route, read directly: the context line and fallback suffix, the field headings (escaped,
/// whitespace collapsed, trimmed at 200), the playbook members, what the templates read, and one plan per channel.
/// </summary>
public sealed class RenderPlanTests
{
    // Compiled in each test, not cached: the plans are made while compiling, and a mutation run credits code run once
    // for a shared cache to the first test that happened to fill it.
    private static CompilationResult Odd()
    {
        using var dir = new Cli.TempPlaybooks();
        File.WriteAllText(dir.FilePath("odd-labels.yaml"), $$$"""
            description: Labels that need escaping, collapsing and trimming.
            trigger:
              event: checkout_abandoned
            route:
              - when: event.cart_value >= 500
                channel: retention-lead-dm
              - when: event.cart_value >= 300
                channel: vip-saves
              - default: retention-lead-dm
            owner: cx-lead
            sla: 90m
            pii: [name]
            message:
              title: "Odd {{ trigger.event }}"
              fields:
                "  Top \t  item  ": "{{ customer.first_name }}"
                "<b> & *bold*": "{{ customer.vip_tier }}"
                "{{{new string('L', 250)}}}": "x"
              next_step: Look.
              links:
                - label: Customer.io profile
                  url: "{{ links.customerio_profile }}"
            """);
        var result = PlaybookCompiler.CompileDirectory(dir.Path);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result;
    }

    private static CompiledPlaybook Playbook(string id, CompilationResult? compilation = null) =>
        (compilation ?? PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks)).Playbooks.Single(p => p.Id == id);

    [Fact]
    public void ContextLineAndFallbackSuffix_NameThePlaybookOwnerAndSla()
    {
        var plan = Playbook("odd-labels", Odd()).RenderPlans[0];

        Assert.Equal("Playbook *odd-labels* · Owner <@U07CXLEAD> · SLA 90m", plan.ContextLine);
        Assert.Equal(" · owner <@U07CXLEAD>", plan.FallbackSuffix);
    }

    [Fact]
    public void FieldHeadings_EscapedBold_WhitespaceCollapsed_TrimmedTo200()
    {
        var headings = Playbook("odd-labels", Odd()).RenderPlans[0].FieldHeadings;

        Assert.Equal(3, headings.Count);
        Assert.Equal("*Top item*\n", headings[0]);
        Assert.Equal("*&lt;b&gt; &amp; *bold**\n", headings[1]);
        Assert.Equal("*" + new string('L', 199) + BlockKitLimits.Ellipsis + "*\n", headings[2]);
    }

    [Fact]
    public void FieldHeadings_OfTheShippedPlaybook_OnePerField()
    {
        Assert.Equal(
            ["*Customer*\n", "*Tier*\n", "*Lifetime value*\n", "*Cart*\n", "*Top item*\n"],
            Playbook("vip-cart-abandonment").RenderPlans[0].FieldHeadings);
    }

    [Fact]
    public void PlaybookMembers_IdOwnerMentionSlaChannelDescription()
    {
        var plans = Playbook("odd-labels", Odd()).RenderPlans;
        var members = plans[0].Playbook;

        Assert.Equal("odd-labels", members["id"]);
        Assert.Equal("Customer experience lead", members["owner"]);
        Assert.Equal("90m", members["sla"]);
        Assert.Equal("retention-lead-dm", members["channel"]);
        Assert.Equal("vip-saves", plans[1].Playbook["channel"]);
        Assert.Equal("Labels that need escaping, collapsing and trimming.", members["description"]);
        Assert.NotNull(members["owner_mention"]);
    }

    [Fact]
    public void ForRoutes_OnePlanPerChannel_SharedByRoutesToIt()
    {
        var plans = Playbook("odd-labels", Odd()).RenderPlans;

        Assert.Equal(3, plans.Count);
        Assert.Equal("retention-lead-dm", plans[0].Channel.Name);
        Assert.Equal("vip-saves", plans[1].Channel.Name);
        Assert.Same(plans[0], plans[2]);
        Assert.NotSame(plans[0], plans[1]);
    }

    [Fact]
    public void Reads_TriggerAndLinks_OnlyWhenATemplateReadsThem()
    {
        var odd = Playbook("odd-labels", Odd()).RenderPlans[0];
        var vip = Playbook("vip-cart-abandonment").RenderPlans[0];

        Assert.True(odd.Trigger);
        Assert.False(vip.Trigger);
        Assert.Equal(["customerio_profile"], odd.Links);
        Assert.Equal(["customerio_profile", "shop_customer"], vip.Links.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Lower_AndForRoutes_RefuseNull()
    {
        var compilation = RenderHarness.Compilation;
        var vip = compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment");
        var channel = vip.Routes[0].Channel;

        Assert.Equal("playbook", Assert.Throws<ArgumentNullException>(() => RenderPlan.ForRoutes(null!, compilation.DataModel!)).ParamName);
        Assert.Equal("playbook", Assert.Throws<ArgumentNullException>(() => RenderPlan.Lower(null!, channel, compilation.DataModel!)).ParamName);
        Assert.Equal("channel", Assert.Throws<ArgumentNullException>(() => RenderPlan.Lower(vip, null!, compilation.DataModel!)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => RenderPlan.Lower(vip, channel, null!)).ParamName);
    }
}
