using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Text;
using Xunit;

namespace RetentionPlaybooks.Tests.Templates;

/// <summary>A small data model (customer, checkout_abandoned) and the scopes and maps the template tests share.</summary>
internal static class TemplateFixtures
{
    public const string File = "playbooks/vip.yaml";

    public static readonly DataModelSymbols Model = BuildModel();

    public static readonly EventSymbol CheckoutAbandoned = Model.Events["checkout_abandoned"];

    /// <summary>An event-triggered playbook's scope: customer, event (checkout_abandoned), links, playbook, trigger.</summary>
    public static TemplateScope EventScope { get; } = TemplateScope.Standard(
        new Dictionary<string, IReadOnlyDictionary<string, FieldSymbol>>
        {
            ["customer"] = Model.Customer,
            ["event"] = CheckoutAbandoned.Properties,
        });

    /// <summary>A segment-triggered playbook's scope: no event.</summary>
    public static TemplateScope SegmentScope { get; } = TemplateScope.Standard(
        new Dictionary<string, IReadOnlyDictionary<string, FieldSymbol>> { ["customer"] = Model.Customer },
        new Dictionary<string, string> { ["event"] = "the playbook is triggered by a segment, which carries no event" });

    /// <summary>A template written as a plain scalar whose value starts at line 12, column 12.</summary>
    public static ScalarSourceMap Plain(string source) => new(File, 12, 12, ScalarKind.Plain, source);

    /// <summary>A template written as a literal block (<c>text: |</c> on line 20), its lines indented 6 spaces.</summary>
    public static ScalarSourceMap Literal(string source) => new(File, 20, 11, ScalarKind.Literal, source, blockIndent: 6);

    public static (CheckedTemplate? Template, DiagnosticBag Diagnostics) Check(string source, TemplateScope? scope = null, ScalarSourceMap? map = null)
    {
        var diagnostics = new DiagnosticBag();
        var template = TemplateAnalyzer.Check(source, map ?? Plain(source), scope ?? EventScope, diagnostics);
        return (template, diagnostics);
    }

    public static CheckedTemplate CheckClean(string source, TemplateScope? scope = null)
    {
        var (template, diagnostics) = Check(source, scope);
        Assert.Empty(diagnostics);
        Assert.NotNull(template);
        return template;
    }

    private static DataModelSymbols BuildModel()
    {
        var customer = Fields(
            new FieldSymbol("customer.id", "id", DataType.String),
            new FieldSymbol("customer.email", "email", DataType.String, pii: "email"),
            new FieldSymbol("customer.first_name", "first_name", DataType.String, pii: "name"),
            new FieldSymbol("customer.phone", "phone", DataType.String, pii: "phone"),
            new FieldSymbol("customer.ltv", "ltv", DataType.Money),
            new FieldSymbol("customer.last_order_at", "last_order_at", DataType.Timestamp));
        var item = DataType.ObjectOf(Fields(
            new FieldSymbol("event.items.sku", "sku", DataType.String),
            new FieldSymbol("event.items.price", "price", DataType.Money),
            new FieldSymbol("event.items.quantity", "quantity", DataType.Number)));
        var checkout = new EventSymbol("checkout_abandoned", "A cart was left at checkout.", Fields(
            new FieldSymbol("event.cart_value", "cart_value", DataType.Money),
            new FieldSymbol("event.items", "items", DataType.ListOf(item))));
        return new DataModelSymbols(
            customer,
            new Dictionary<string, EventSymbol> { [checkout.Name] = checkout },
            new Dictionary<string, SegmentSymbol>());
    }

    private static IReadOnlyDictionary<string, FieldSymbol> Fields(params FieldSymbol[] fields) =>
        fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
}
