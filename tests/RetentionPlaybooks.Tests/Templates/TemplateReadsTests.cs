using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Templates;
using Xunit;
using static RetentionPlaybooks.Tests.Templates.TemplateFixtures;

namespace RetentionPlaybooks.Tests.Templates;

public sealed class TemplateReadsTests
{
    private static List<(string Path, bool Printed)> Reads(string source) =>
        CheckClean(source).Reads.Select(r => (r.Path, r.Printed)).ToList();

    [Fact]
    public void Reads_OutputExpression_IsPrintedAndBoundToTheField()
    {
        var read = Assert.Single(CheckClean("Hi {{ customer.first_name }}").Reads);

        Assert.Equal("customer.first_name", read.Path);
        Assert.True(read.Printed);
        Assert.Same(Model.Customer["first_name"], read.Field);
        Assert.Equal((12, 18, "customer.first_name".Length), (read.Location.Line, read.Location.Column, read.Location.Length));
    }

    [Fact]
    public void Reads_ThroughFilters_ArePrinted()
    {
        Assert.Equal([("customer.phone", true)], Reads("{{ customer.phone | upcase | truncate: 4 }}"));
    }

    [Fact]
    public void Reads_FilterArgument_IsPrinted()
    {
        Assert.Equal(
            [("customer.first_name", true), ("customer.email", true)],
            Reads("{{ customer.first_name | default: customer.email }}"));
    }

    [Fact]
    public void Reads_Condition_IsNotPrinted()
    {
        Assert.Equal(
            [("customer.phone", false), ("customer.email", false), ("customer.ltv", false), ("customer.id", true)],
            Reads("{% if customer.phone %}{% elsif customer.email contains \"@\" %}{% else %}{% endif %}{% unless customer.ltv > 100 %}{{ customer.id }}{% endunless %}"));
    }

    [Fact]
    public void Reads_CaseAndWhen_AreNotPrinted()
    {
        Assert.Equal(
            [("customer.id", false), ("customer.email", false), ("customer.first_name", true)],
            Reads("{% case customer.id %}{% when customer.email %}{{ customer.first_name }}{% endcase %}"));
    }

    [Fact]
    public void Reads_ForLoopCollection_IsNotPrintedAndLoopVariableBindsToElement()
    {
        var reads = CheckClean("{% for item in event.items %}{{ item.sku }} {{ forloop.index }}{% endfor %}").Reads;

        Assert.Equal([("event.items", false), ("event.items.sku", true)], reads.Select(r => (r.Path, r.Printed)).ToList());
        Assert.Same(CheckoutAbandoned.Properties["items"].Type.Element!.Properties["sku"], reads[1].Field);
        Assert.Equal((12, 44), (reads[1].Location.Line, reads[1].Location.Column));
    }

    [Fact]
    public void Reads_LoopVariableOutsideItsLoop_IsUnknown()
    {
        var (_, diagnostics) = Check("{% for item in event.items %}{% endfor %}{{ item.sku }}");

        Assert.Equal("unknown variable \"item.sku\" in template", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void Reads_FirstElementOfList_BindsToElement()
    {
        Assert.Equal([("event.items.price", true)], Reads("{{ event.items.first.price | money }}"));
        Assert.Equal([("event.items.quantity", true)], Reads("{{ event.items[0].quantity }}"));
    }

    [Fact]
    public void Reads_AssignFromField_CountsAsPrinted()
    {
        Assert.Equal([("customer.phone", true)], Reads("{% assign p = customer.phone %}"));
        Assert.Equal([("customer.phone", true)], Reads("{% assign p = customer.phone | upcase %}{% if p %}x{% endif %}"));
    }

    [Fact]
    public void Reads_CapturedOutput_IsPrinted()
    {
        Assert.Equal([("customer.email", true)], Reads("{% capture who %}{{ customer.email }}{% endcapture %}{{ who }}"));
    }

    [Fact]
    public void Reads_AliasOfObject_ClassifiesEachUseWhereItHappens()
    {
        Assert.Equal(
            [("customer", false), ("customer.phone", false), ("customer.first_name", true)],
            Reads("{% assign c = customer %}{% if c.phone %}{{ c.first_name }}{% endif %}"));
    }

    [Fact]
    public void Reads_PrintingWholeObject_PrintsEveryFieldUnderIt()
    {
        var reads = Reads("{{ customer }}");

        Assert.Equal(("customer", true), reads[0]);
        Assert.Equal(Model.Customer.Values.Select(f => (f.Path, true)), reads.Skip(1));
    }

    [Fact]
    public void Reads_PrintingWholeLoopElement_PrintsItsProperties()
    {
        Assert.Equal(
            [("event.items", false), ("event.items", true), ("event.items.sku", true), ("event.items.price", true), ("event.items.quantity", true)],
            Reads("{% for item in event.items %}{{ item }}{% endfor %}"));
    }

    [Fact]
    public void Reads_SizeOfList_ReadsTheListWithoutItsProperties()
    {
        Assert.Equal([("event.items", true)], Reads("{{ event.items.size }}"));
    }

    [Fact]
    public void Reads_BuiltInMembers_AreRecordedWithoutAField()
    {
        var reads = CheckClean("{{ trigger.from }} <{{ links.customerio_profile }}|Profile> {{ playbook.owner_mention }}").Reads;

        Assert.Equal(["trigger.from", "links.customerio_profile", "playbook.owner_mention"], reads.Select(r => r.Path));
        Assert.All(reads, r => Assert.Null(r.Field));
    }

    [Fact]
    public void Reads_SamePathTwice_HasTwoLocations()
    {
        var reads = CheckClean("{% if customer.phone %}{{ customer.phone }}{% endif %}").Reads;

        Assert.Equal([(12, 18, false), (12, 38, true)], reads.Select(r => (r.Location.Line, r.Location.Column, r.Printed)));
    }

    [Fact]
    public void Reads_PathInLiteralText_IsNotMistakenForTheVariable()
    {
        var read = Assert.Single(CheckClean("customer.phone: {{ customer.phone }}").Reads);

        Assert.Equal(31, read.Location.Column);
    }

    [Fact]
    public void Check_SameSourceTwice_ReusesTheParsedTemplate()
    {
        const string source = "cached {{ customer.id }}";

        Assert.Same(CheckClean(source).Template, CheckClean(source).Template);
    }
}

/// <summary>
/// Every branch and argument of every Liquid tag is walked: a field printed in an else, in a loop's else or in a
/// tablerow or cycle is a read the PII check must see (a branch left out would let customer data reach Slack unchecked),
/// and a loop's limit, offset and columns are read but not printed.
/// </summary>
public sealed class TemplateBranchReadsTests
{
    private static List<(string Path, bool Printed)> Reads(string source) =>
        CheckClean(source).Reads.Select(r => (r.Path, r.Printed)).ToList();

    [Theory]
    [InlineData("{% if customer.id %}{% else %}{{ customer.email }}{% endif %}")]
    [InlineData("{% if customer.id %}{% elsif customer.phone %}{{ customer.email }}{% endif %}")]
    [InlineData("{% unless customer.id %}{% else %}{{ customer.email }}{% endunless %}")]
    [InlineData("{% case customer.id %}{% when true %}{% else %}{{ customer.email }}{% endcase %}")]
    [InlineData("{% for item in event.items %}{% else %}{{ customer.email }}{% endfor %}")]
    [InlineData("{% tablerow item in event.items %}{{ customer.email }}{% endtablerow %}")]
    [InlineData("{% for item in event.items %}{% cycle customer.email, 'b' %}{% endfor %}")]
    public void APrintedFieldInAnyBranch_IsAPrintedRead(string source)
    {
        Assert.Contains(("customer.email", true), Reads(source));
    }

    [Fact]
    public void ALoopsLimitAndOffset_AreReadNotPrinted()
    {
        Assert.Equal(
            [("event.items", false), ("customer.ltv", false), ("event.cart_value", false)],
            Reads("{% for item in event.items limit: customer.ltv offset: event.cart_value %}{% endfor %}"));
    }

    [Fact]
    public void ATablerowsLimitOffsetAndColumns_AreReadNotPrinted_AndItsVariableBindsToTheElement()
    {
        Assert.Equal(
            [("event.items", false), ("customer.ltv", false), ("event.cart_value", false), ("customer.last_order_at", false), ("event.items.sku", true)],
            Reads("{% tablerow item in event.items limit: customer.ltv offset: event.cart_value cols: customer.last_order_at %}{{ item.sku }} {{ tablerowloop.col }}{% endtablerow %}"));
    }

    [Fact]
    public void ACyclesGroup_IsReadNotPrinted()
    {
        Assert.Contains(("customer.id", false), Reads("{% for item in event.items %}{% cycle customer.id: 'a', 'b' %}{% endfor %}"));
    }

    [Fact]
    public void ALoopOverARange_BindsItsVariableToNothingFromTheData()
    {
        Assert.Equal([("customer.ltv", false)], Reads("{% for i in (1..customer.ltv) %}{{ i }}{% endfor %}"));
    }

    [Theory]
    [InlineData("index")]
    [InlineData("index0")]
    [InlineData("rindex")]
    [InlineData("rindex0")]
    [InlineData("first")]
    [InlineData("last")]
    [InlineData("length")]
    [InlineData("parentloop")]
    [InlineData("col")]
    [InlineData("col0")]
    [InlineData("col_first")]
    [InlineData("col_last")]
    [InlineData("row")]
    public void EveryLoopMember_IsKnown(string member)
    {
        CheckClean($"{{% for item in event.items %}}{{{{ forloop.{member} }}}}{{% endfor %}}");
        CheckClean($"{{% tablerow item in event.items %}}{{{{ tablerowloop.{member} }}}}{{% endtablerow %}}");
    }

    [Fact]
    public void AnUnknownLoopMember_IsAnUnknownVariable()
    {
        var (_, diagnostics) = Check("{% for item in event.items %}{{ forloop.idx }}{% endfor %}");

        Assert.Equal("RP0402", Assert.Single(diagnostics).Code);
    }

    [Theory]
    [InlineData("{% for item in event.items %}{% if forloop.first %}{% else %}{{ previous }}{% endif %}{% assign previous = item.sku %}{% endfor %}")]
    [InlineData("{% for item in event.items %}{{ seen }}{% capture seen %}x{% endcapture %}{% endfor %}")]
    [InlineData("{% for item in event.items %}{{ n }}{% increment n %}{% endfor %}")]
    [InlineData("{% for item in event.items %}{{ n }}{% decrement n %}{% endfor %}")]
    public void AVariableAssignedLaterInTheTemplate_IsKnownWhereItIsReadFirst(string source)
    {
        CheckClean(source);
    }

    private static readonly TemplateScope AddressScope = BuildAddressScope();

    private static TemplateScope BuildAddressScope()
    {
        var address = DataType.ObjectOf(new Dictionary<string, FieldSymbol>(StringComparer.Ordinal)
        {
            ["city"] = new("customer.address.city", "city", DataType.String, pii: "address"),
            ["country"] = new("customer.address.country", "country", DataType.String),
        });
        return TemplateScope.Standard(new Dictionary<string, IReadOnlyDictionary<string, FieldSymbol>>
        {
            ["customer"] = new Dictionary<string, FieldSymbol>(StringComparer.Ordinal)
            {
                ["id"] = new("customer.id", "id", DataType.String),
                ["email"] = new("customer.email", "email", DataType.String, pii: "email"),
                ["address"] = new("customer.address", "address", address, pii: "address"),
            },
            ["event"] = CheckoutAbandoned.Properties,
        });
    }

    [Fact]
    public void AComputedIndexIntoAList_ReadsTheElement_AndTheIndexItselfUnprinted()
    {
        Assert.Equal(
            [("customer.email", false), ("event.items.sku", true)],
            Reads("{{ event.items[customer.email].sku }}").OrderBy(r => r.Path, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void AComputedIndexIntoAnObject_PrintsTheWholeObject()
    {
        var reads = CheckClean("{{ customer.address[customer.id] }}", AddressScope).Reads.Select(r => (r.Path, r.Printed)).ToList();

        Assert.Contains(("customer.address", true), reads);
        Assert.Contains(("customer.address.city", true), reads);
        Assert.Contains(("customer.id", false), reads);
    }

    [Fact]
    public void PrintingAWholeObject_PrintsEachOfItsFields()
    {
        Assert.Equal(
            [("customer.address", true), ("customer.address.city", true), ("customer.address.country", true)],
            CheckClean("{{ customer.address }}", AddressScope).Reads.Select(r => (r.Path, r.Printed)).ToList());
    }

    [Fact]
    public void ReadsInsideTheIndexOfAnUnknownVariable_AreStillRead()
    {
        var (template, diagnostics) = Check("{{ nope[customer.email] }} {{ event.items.nope[customer.phone] }}");

        Assert.Equal(2, diagnostics.Count);
        Assert.Equal([("customer.email", false), ("customer.phone", false)], template!.Reads.Select(r => (r.Path, r.Printed)));
    }

    [Theory]
    [InlineData("{{ event.items.frist.sku }}", "event.items.first")]
    [InlineData("{{ event.items[0].skus }}", "event.items[].sku")]
    [InlineData("{{ customer.emial }}", "customer.email")]
    [InlineData("{{ customer.email.sizes }}", "customer.email.size")]
    [InlineData("{{ custmer.email }}", "customer")]
    [InlineData("{% for item in event.items %}{{ iten.sku }}{% endfor %}", "item")]
    [InlineData("{% assign total = 1 %}{{ totl }}", "total")]
    [InlineData("{% for item in event.items %}{{ forlop.index }}{% endfor %}", "forloop")]
    public void AnUnknownName_SuggestsTheClosestInScope(string source, string suggestion)
    {
        var (_, diagnostics) = Check(source);

        Assert.EndsWith($"did you mean \"{suggestion}\"?", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ customer.email.size }}")]
    [InlineData("{{ customer.email.first }}")]
    [InlineData("{{ customer.email.last }}")]
    [InlineData("{{ event.items.size }}")]
    [InlineData("{{ event.items.last.sku }}")]
    public void SizeFirstAndLast_AreKnownWhereLiquidComputesThem(string source)
    {
        CheckClean(source);
    }

    [Fact]
    public void TheLoopObject_IsKnownOnlyInsideItsLoop()
    {
        var (_, diagnostics) = Check("{% for item in event.items %}{% endfor %}{{ forloop.index }}");

        Assert.Equal("RP0402", Assert.Single(diagnostics).Code);
    }
}
