using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Text;
using RetentionPlaybooks.Workspace;
using Xunit;

namespace RetentionPlaybooks.Tests.DataModel;

/// <summary>
/// The symbols the compiler binds against: the type names a marketer reads in a type-mismatch error, each scalar name
/// a data model may use, the record slots every top-level field gets, the PII classes found at any depth, and where a
/// channel posts.
/// </summary>
public sealed class SymbolTests
{
    private static IReadOnlyDictionary<string, FieldSymbol> Fields(params FieldSymbol[] fields) =>
        fields.ToDictionary(f => f.Name, StringComparer.Ordinal);

    [Theory]
    [InlineData("string")]
    [InlineData("number")]
    [InlineData("money")]
    [InlineData("boolean")]
    [InlineData("timestamp")]
    [InlineData("duration")]
    public void EveryScalarName_ReadsAsTheTypeOfThatName(string name)
    {
        var type = DataType.FromScalarName(name);

        Assert.NotNull(type);
        Assert.Equal(name, type.ToString());
        Assert.Contains(name, DataType.ScalarNames);
        Assert.Equal(name is "number" or "money", type.IsNumeric);
    }

    [Theory]
    [InlineData("String")]
    [InlineData("list")]
    [InlineData("object")]
    [InlineData("")]
    public void AnythingElse_IsNoScalarName(string name)
    {
        Assert.Null(DataType.FromScalarName(name));
    }

    [Fact]
    public void ListsObjectsAndErrors_AreNamedForTheMarketer()
    {
        var item = DataType.ObjectOf(Fields(new FieldSymbol("event.items.sku", "sku", DataType.String)));

        Assert.Equal("list of money", DataType.ListOf(DataType.Money).ToString());
        Assert.Equal("list of object", DataType.ListOf(item).ToString());
        Assert.Equal("list of list of string", DataType.ListOf(DataType.ListOf(DataType.String)).ToString());
        Assert.Equal("object", item.ToString());
        Assert.Equal("?", DataType.Error.ToString());
        Assert.Equal(6, DataType.ScalarNames.Count);
        Assert.Empty(DataType.String.Properties);
        Assert.Null(DataType.String.Element);
        Assert.Equal("event.items: list of object", new FieldSymbol("event.items", "items", DataType.ListOf(item)).ToString());
    }

    [Fact]
    public void EveryTopLevelField_GetsItsOwnSlot_CustomerFirst_NestedFieldsNone()
    {
        var sku = new FieldSymbol("event.items.sku", "sku", DataType.String);
        var email = new FieldSymbol("customer.email", "email", DataType.String, pii: "email");
        var ltv = new FieldSymbol("customer.ltv", "ltv", DataType.Money);
        var cart = new FieldSymbol("event.cart_value", "cart_value", DataType.Money);
        var items = new FieldSymbol("event.items", "items", DataType.ListOf(DataType.ObjectOf(Fields(sku))));
        var mrr = new FieldSymbol("event.mrr", "mrr", DataType.Money);

        var model = new DataModelSymbols(
            Fields(email, ltv),
            new Dictionary<string, EventSymbol>
            {
                ["checkout_abandoned"] = new("checkout_abandoned", "", Fields(cart, items)),
                ["cancel"] = new("cancel", "", Fields(mrr)),
            },
            new Dictionary<string, SegmentSymbol>());

        Assert.Equal([0, 1, 2, 3, 4], new[] { email, ltv, cart, items, mrr }.Select(f => f.Slot));
        Assert.Equal(5, model.SlotCount);
        Assert.Equal(-1, sku.Slot);
    }

    [Fact]
    public void ThePiiClasses_AreFoundAtAnyDepth_EachOnce()
    {
        var model = new DataModelSymbols(
            Fields(
                new FieldSymbol("customer.email", "email", DataType.String, pii: "email"),
                new FieldSymbol("customer.backup_email", "backup_email", DataType.String, pii: "email"),
                new FieldSymbol("customer.address", "address", DataType.ObjectOf(Fields(
                    new FieldSymbol("customer.address.city", "city", DataType.String, pii: "address"))))),
            new Dictionary<string, EventSymbol>
            {
                ["order"] = new("order", "", Fields(new FieldSymbol("event.recipients", "recipients", DataType.ListOf(DataType.ObjectOf(Fields(
                    new FieldSymbol("event.recipients.phone", "phone", DataType.String, pii: "phone"))))))),
            },
            new Dictionary<string, SegmentSymbol>());

        Assert.Equal(["address", "email", "phone"], model.PiiClasses.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AChannelPostsToItsChannelId_ADirectMessageToItsUser()
    {
        var at = new SourceLocation("workspace.yaml", 1, 1);
        var channel = new ChannelSymbol("vip-saves", "C01", null, "", 10, new HashSet<string>(), at);
        var dm = new ChannelSymbol("lead", null, "U01", "", 10, new HashSet<string>(), at);
        var neither = new ChannelSymbol("broken", null, null, "", 10, new HashSet<string>(), at);

        Assert.Equal(("C01", false), (channel.SlackTarget, channel.IsDirectMessage));
        Assert.Equal(("U01", true), (dm.SlackTarget, dm.IsDirectMessage));
        Assert.Equal(("", false), (neither.SlackTarget, neither.IsDirectMessage));
    }

    [Fact]
    public void TheShippedDataModel_NamesEveryPiiClassThePlaybooksUse()
    {
        var result = PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks);

        Assert.Equal(["address", "email", "name", "phone"], result.DataModel!.PiiClasses.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheDataModelFile_BindsListsOfScalarsAndOfObjects_WithTheirElementPaths()
    {
        using var dir = new RetentionPlaybooks.Tests.Cli.TempPlaybooks();
        dir.Replace("data-model.yaml", "  order_count: number\n", "  order_count: number\n  scores: { type: list, items: number }\n");

        var result = PlaybookCompiler.CompileDirectory(dir.Path);

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var customer = result.DataModel!.Customer;
        Assert.Equal("list of number", customer["scores"].Type.ToString());
        var items = result.DataModel.Events["checkout_abandoned"].Properties["items"];
        Assert.Equal("event.items[].sku", items.Type.Element!.Properties["sku"].Path);
    }
}
