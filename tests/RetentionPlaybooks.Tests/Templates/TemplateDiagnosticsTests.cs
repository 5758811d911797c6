using RetentionPlaybooks.Diagnostics;
using Xunit;
using static RetentionPlaybooks.Tests.Templates.TemplateFixtures;

namespace RetentionPlaybooks.Tests.Templates;

public sealed class TemplateDiagnosticsTests
{
    private static Diagnostic Single(DiagnosticBag diagnostics) => Assert.Single(diagnostics);

    [Fact]
    public void Check_SyntaxErrorInPlainScalar_ReportsRP0401AtFluidsPosition()
    {
        var (template, diagnostics) = Check("Hi {{ customer.first_name }");

        Assert.Null(template);
        var d = Single(diagnostics);
        Assert.Equal("playbooks/vip.yaml(12,37): error RP0401: Liquid syntax error in template: End of tag '}}' was expected", d.ToString());
    }

    [Fact]
    public void Check_SyntaxErrorOnSecondLineOfLiteralBlock_ReportsRP0401OnThatFileLine()
    {
        const string source = "New lead\n{% iff customer.phone %}call{% endif %}\n";
        var (template, diagnostics) = Check(source, map: Literal(source));

        Assert.Null(template);
        var d = Single(diagnostics);
        Assert.Equal("RP0401", d.Code);
        Assert.Equal((22, 13), (d.Location.Line, d.Location.Column));
        Assert.Equal("Liquid syntax error in template: Unknown tag 'iff'", d.Message);
    }

    [Fact]
    public void Check_MisspeltCustomerField_ReportsRP0402WithSuggestionAtTheVariable()
    {
        var (template, diagnostics) = Check("Hi {{ customer.frist_name }}!");

        Assert.NotNull(template);
        var d = Single(diagnostics);
        Assert.Equal(
            "playbooks/vip.yaml(12,18): error RP0402: unknown variable \"customer.frist_name\" in template; did you mean \"customer.first_name\"?",
            d.ToString());
        Assert.Equal("customer.frist_name".Length, d.Location.Length);
    }

    [Fact]
    public void Check_MisspeltFieldInLiteralBlock_PointsAtTheFileLineAndColumn()
    {
        const string source = "Cart abandoned\nValue: {{ event.cart_vlue | money }}\n";
        var (_, diagnostics) = Check(source, map: Literal(source));

        var d = Single(diagnostics);
        Assert.Equal(
            "playbooks/vip.yaml(22,17): error RP0402: unknown variable \"event.cart_vlue\" in template; did you mean \"event.cart_value\"?",
            d.ToString());
    }

    [Fact]
    public void Check_SecondOccurrenceIsTheTypo_PointsAtTheSecondOccurrence()
    {
        var (_, diagnostics) = Check("{{ customer.id }} {{ customer.idd }}");

        var d = Single(diagnostics);
        Assert.Equal((12, 33), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Check_UnknownRoot_ReportsRP0402WithRootSuggestion()
    {
        var (_, diagnostics) = Check("{{ custmer.id }}");

        var d = Single(diagnostics);
        Assert.Equal("unknown variable \"custmer.id\" in template; did you mean \"customer\"?", d.Message);
        Assert.Equal((12, 15), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Check_EventInSegmentPlaybook_ReportsRP0402SayingWhy()
    {
        var (_, diagnostics) = Check("Cart: {{ event.cart_value | money }}", SegmentScope);

        var d = Single(diagnostics);
        Assert.Equal(
            "playbooks/vip.yaml(12,21): error RP0402: unknown variable \"event.cart_value\" in template: \"event\" is not available because the playbook is triggered by a segment, which carries no event",
            d.ToString());
    }

    [Fact]
    public void Check_UnknownLoopVariableMember_SuggestsElementProperty()
    {
        var (_, diagnostics) = Check("{% for item in event.items %}{{ item.skuu }}{% endfor %}");

        var d = Single(diagnostics);
        Assert.Equal("unknown variable \"item.skuu\" in template; did you mean \"item.sku\"?", d.Message);
        Assert.Equal((12, 44), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Check_UnknownBuiltInMember_ReportsRP0402()
    {
        var (_, diagnostics) = Check("<{{ links.shop_ordr }}|order>");

        var d = Single(diagnostics);
        Assert.Equal("unknown variable \"links.shop_ordr\" in template; did you mean \"links.shop_order\"?", d.Message);
    }

    [Theory]
    [InlineData("<!channel>")]
    [InlineData("<!here>")]
    [InlineData("<!everyone>")]
    [InlineData("<!here|here>")]
    [InlineData("<!subteam^S012ABC>")]
    public void Check_RawBroadcastMention_ReportsRP0404AtTheMention(string mention)
    {
        var (template, diagnostics) = Check($"Heads up {mention}: {{{{ customer.id }}}}");

        Assert.NotNull(template);
        var d = Single(diagnostics);
        Assert.Equal(
            $"playbooks/vip.yaml(12,21): error RP0404: template contains a raw \"{mention}\" mention; mentions come only from the playbook's owner",
            d.ToString());
        Assert.Equal(mention.Length, d.Location.Length);
    }

    [Fact]
    public void Check_MentionInLiteralBlock_PointsAtItsLine()
    {
        const string source = "Cart abandoned\ncc <!here>\n";
        var (_, diagnostics) = Check(source, map: Literal(source));

        var d = Single(diagnostics);
        Assert.Equal(("RP0404", 22, 10), (d.Code, d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Check_UnknownFilter_ReportsRP0405WithSuggestionAtTheFilterName()
    {
        var (template, diagnostics) = Check("Cart {{ event.cart_value | mony }}");

        Assert.NotNull(template);
        var d = Single(diagnostics);
        Assert.Equal("playbooks/vip.yaml(12,39): error RP0405: unknown filter \"mony\"; did you mean \"money\"?", d.ToString());
        Assert.Equal(4, d.Location.Length);
    }

    [Fact]
    public void Check_UnknownFilterInLiteralBlockAfterAKnownOne_PointsAtTheUnknownOne()
    {
        const string source = "Hi\n{{ customer.last_order_at | time_ago | upcas }}\n";
        var (_, diagnostics) = Check(source, map: Literal(source));

        var d = Single(diagnostics);
        Assert.Equal("playbooks/vip.yaml(22,46): error RP0405: unknown filter \"upcas\"; did you mean \"upcase\"?", d.ToString());
    }

    [Fact]
    public void Check_RawFilter_IsUnknownBecauseItWouldBypassEscaping()
    {
        var (_, diagnostics) = Check("{{ customer.first_name | raw }}");

        Assert.Equal("RP0405", Single(diagnostics).Code);
    }

    [Fact]
    public void Check_ValidTemplate_ReportsNothing()
    {
        CheckClean("""
            *{{ customer.first_name | default: "Someone" }}* left {{ event.cart_value | money: "EUR" }} at checkout {{ customer.last_order_at | time_ago }}.
            {% for item in event.items limit: 3 %}• {{ item.sku }} × {{ item.quantity }} ({{ item.price | money }}) {{ forloop.index }}/{{ forloop.length }}
            {% endfor %}{% assign total = event.items.size %}{{ total }} items. <{{ links.shop_order }}|Order> <{{ links.customerio_profile }}|Profile>
            Owner {{ playbook.owner_mention }} · SLA {{ playbook.sla }} · {{ trigger.event }} {{ trigger.timestamp | date: "%Y-%m-%d" }}
            {% capture who %}{{ customer.id }}{% endcapture %}{{ who | truncate: 10 }}
            """);
    }

    [Fact]
    public void Check_HundredThousandNestedBlocks_ReportsRP0408InsteadOfOverflowingTheStack()
    {
        var source = string.Concat(Enumerable.Repeat("{% if true %}", 100_000)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 100_000));

        var (template, diagnostics) = Check(source);

        Assert.Null(template);
        var d = Single(diagnostics);
        Assert.Equal("RP0408", d.Code);
        Assert.Contains("nests more than 32 blocks", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TagOfTenThousandOperators_ReportsRP0408InsteadOfOverflowingTheStack()
    {
        var source = "{% if " + string.Join(" or ", Enumerable.Repeat("customer.vip", 10_000)) + " %}x{% endif %}";

        var (template, diagnostics) = Check(source);

        Assert.Null(template);
        Assert.Equal("RP0408", Single(diagnostics).Code);
    }

    [Fact]
    public void Check_RawAndCommentBlocks_AreNotCountedAsTags()
    {
        var (template, diagnostics) = Check("{% raw %}" + string.Concat(Enumerable.Repeat("{% if %}", 40)) + "{% endraw %}{% comment %}{% if {% endcomment %}ok");

        Assert.NotNull(template);
        Assert.Empty(diagnostics);
    }
}
