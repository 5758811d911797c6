using System.Text.Json;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Gates;
using RetentionPlaybooks.Text;
using Xunit;
using Record = RetentionPlaybooks.Evaluation.Record;

namespace RetentionPlaybooks.Tests.Gates;

/// <summary>A small data model, scopes over it, and a fixed clock, shared by the gate tests.</summary>
internal static class GateTestModel
{
    /// <summary>The evaluation clock of every gate test: 2025-06-01T00:00:00Z (unix 1748736000).</summary>
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DataModelSymbols Model = BuildModel();

    /// <summary>An event-triggered playbook: customer and event data both available.</summary>
    public static readonly GateScope EventScope = new(new Dictionary<string, IReadOnlyDictionary<string, FieldSymbol>>
    {
        ["customer"] = Model.Customer,
        ["event"] = Model.Events["checkout_abandoned"].Properties,
    });

    /// <summary>A segment-triggered playbook: there is no event to read.</summary>
    public static readonly GateScope SegmentScope = new(
        new Dictionary<string, IReadOnlyDictionary<string, FieldSymbol>> { ["customer"] = Model.Customer },
        new Dictionary<string, string> { ["event"] = "the trigger is a segment entry, which carries no event data" });

    private static DataModelSymbols BuildModel()
    {
        var customer = Fields(
            new FieldSymbol("customer.id", "id", DataType.String),
            new FieldSymbol("customer.email", "email", DataType.String, pii: "email"),
            new FieldSymbol("customer.first_name", "first_name", DataType.String, pii: "name"),
            new FieldSymbol("customer.phone", "phone", DataType.String, pii: "phone"),
            new FieldSymbol("customer.ltv", "ltv", DataType.Money),
            new FieldSymbol("customer.order_count", "order_count", DataType.Number),
            new FieldSymbol("customer.vip", "vip", DataType.Boolean),
            new FieldSymbol("customer.fraud_flag", "fraud_flag", DataType.Boolean),
            new FieldSymbol("customer.plan", "plan", DataType.String),
            new FieldSymbol("customer.tags", "tags", DataType.ListOf(DataType.String)),
            new FieldSymbol("customer.last_refund_at", "last_refund_at", DataType.Timestamp),
            new FieldSymbol("customer.open_support_case", "open_support_case", DataType.Boolean),
            new FieldSymbol("customer.trial_length", "trial_length", DataType.Duration),
            new FieldSymbol("customer.address", "address", DataType.ObjectOf(Fields(
                new FieldSymbol("customer.address.city", "city", DataType.String, pii: "address"),
                new FieldSymbol("customer.address.country", "country", DataType.String)))),
            // Nested non-string fields: a nested boolean as a condition, a nested timestamp with within.
            new FieldSymbol("customer.subscription", "subscription", DataType.ObjectOf(Fields(
                new FieldSymbol("customer.subscription.active", "active", DataType.Boolean),
                new FieldSymbol("customer.subscription.renewed_at", "renewed_at", DataType.Timestamp)))));
        var item = DataType.ObjectOf(Fields(
            new FieldSymbol("event.items.sku", "sku", DataType.String),
            new FieldSymbol("event.items.price", "price", DataType.Money),
            new FieldSymbol("event.items.quantity", "quantity", DataType.Number)));
        var checkout = new EventSymbol("checkout_abandoned", "A cart was left at checkout.", Fields(
            new FieldSymbol("event.cart_value", "cart_value", DataType.Money),
            new FieldSymbol("event.items", "items", DataType.ListOf(item)),
            new FieldSymbol("event.coupon", "coupon", DataType.String)));
        return new DataModelSymbols(
            customer,
            new Dictionary<string, EventSymbol> { [checkout.Name] = checkout },
            new Dictionary<string, SegmentSymbol> { ["vip"] = new("vip", 7, null) });
    }

    private static Dictionary<string, FieldSymbol> Fields(params FieldSymbol[] fields) =>
        fields.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Reads an envelope into a record the way the service does, at the fixed clock.</summary>
    public static Record ReadRecord(string json)
    {
        using var document = JsonDocument.Parse(json);
        var input = TriggerInput.Parse(document.RootElement.Clone(), out var error)
            ?? throw new InvalidOperationException($"test payload is not an envelope: {error}");
        return new RecordReader(Model).Read(input, Now);
    }

    /// <summary>Compiles a gate that must compile; fails with the diagnostics otherwise.</summary>
    public static CompiledGate Compile(string expression, GateScope? scope = null)
    {
        var diagnostics = new DiagnosticBag();
        var gate = GateCompiler.Compile(expression, ScalarSourceMap.ForText(expression), scope ?? EventScope, diagnostics);
        Assert.True(gate is not null, $"\"{expression}\" did not compile:\n{string.Join("\n", diagnostics)}");
        Assert.Empty(diagnostics);
        return gate!;
    }

    /// <summary>Reads a one-case-a-line file from the test output's Cases folder, skipping blanks and # comments.</summary>
    public static IEnumerable<(int Line, string[] Fields)> ReadCases(string fileName, int fieldCount)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Cases", fileName);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            yield return (lineNumber, SplitFields(trimmed, fieldCount, fileName, lineNumber));
        }
    }

    /// <summary>
    /// Splits on " | ": the first field ends at the first separator and the last field starts after the last,
    /// so the middle field (JSON) may contain the separator.
    /// </summary>
    private static string[] SplitFields(string line, int count, string file, int lineNumber)
    {
        const string separator = " | ";
        var fields = new List<string>();
        var rest = line;
        for (var i = 0; i < count - 1; i++)
        {
            var at = i == count - 2 ? rest.LastIndexOf(separator, StringComparison.Ordinal) : rest.IndexOf(separator, StringComparison.Ordinal);
            if (at < 0) throw new FormatException($"{file}({lineNumber}): expected {count} fields separated by \" | \"");
            fields.Add(rest[..at].Trim());
            rest = rest[(at + separator.Length)..];
        }
        fields.Add(rest.Trim());
        return [.. fields];
    }
}
