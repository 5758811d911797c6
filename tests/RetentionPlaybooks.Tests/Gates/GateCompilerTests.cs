using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Gates;
using RetentionPlaybooks.Text;
using Xunit;

namespace RetentionPlaybooks.Tests.Gates;

public sealed class GateCompilerTests
{
    [Fact]
    public void Compile_ValidGate_KeepsSourceAndListsReads()
    {
        var gate = GateTestModel.Compile("customer.ltv >= 500 and customer.address.city == \"Lyon\" and customer.ltv < 900");

        Assert.Equal("customer.ltv >= 500 and customer.address.city == \"Lyon\" and customer.ltv < 900", gate.Source);
        Assert.Equal(["customer.ltv", "customer.address", "customer.address.city"], gate.Reads.Select(f => f.Path));
    }

    [Fact]
    public void Compile_ListsTheReadsUnderANot_ACall_AndAList()
    {
        var negated = GateTestModel.Compile("not customer.vip");
        var counted = GateTestModel.Compile("count(event.items) > 2");
        var listed = GateTestModel.Compile("customer.plan in [\"gold\", customer.id]");

        Assert.Equal(["customer.vip"], negated.Reads.Select(f => f.Path));
        Assert.Equal(["event.items"], counted.Reads.Select(f => f.Path));
        Assert.Equal(["customer.plan", "customer.id"], listed.Reads.Select(f => f.Path));
    }

    [Theory]
    [InlineData("customer.favourite_colour == \"red\"", "unknown field \"customer.favourite_colour\"")]
    [InlineData("qqqqqqqq.ltv >= 1", "unknown field \"qqqqqqqq.ltv\"")]
    [InlineData("custmer.ltv >= 500", "unknown field \"custmer.ltv\"; did you mean \"customer.ltv\"?")]
    public void Compile_AnUnknownFieldWithNothingClose_SaysSoWithoutASuggestion(string gate, string message)
    {
        var diagnostics = new DiagnosticBag();

        Assert.Null(GateCompiler.Compile(gate, new ScalarSourceMap("x.yaml", 1, 1, ScalarKind.Plain, gate), GateTestModel.EventScope, diagnostics));

        Assert.Equal(message, Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void Compile_NullArguments_AreRefused()
    {
        var map = new ScalarSourceMap("x.yaml", 1, 1, ScalarKind.Plain, "customer.vip");

        Assert.Throws<ArgumentNullException>(() => GateCompiler.Compile("customer.vip", map, null!, new DiagnosticBag()));
        Assert.Throws<ArgumentNullException>(() => GateCompiler.Compile("customer.vip", map, GateTestModel.EventScope, null!));
    }

    [Fact]
    public void Compile_GateInDoubleQuotedYaml_PointsAtTheFileColumn()
    {
        // gate: "customer.ltvv >= 500" on line 12, the scalar's quote at column 11.
        const string gate = "customer.ltvv >= 500";
        var map = new ScalarSourceMap("playbooks/vip.yaml", 12, 11, ScalarKind.DoubleQuoted, gate);
        var diagnostics = new DiagnosticBag();

        Assert.Null(GateCompiler.Compile(gate, map, GateTestModel.EventScope, diagnostics));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(new SourceLocation("playbooks/vip.yaml", 12, 21, 4), diagnostic.Location);
        Assert.Equal("playbooks/vip.yaml(12,21): error RP0202: unknown field \"customer.ltvv\"; did you mean \"customer.ltv\"?", diagnostic.ToString());
    }

    [Fact]
    public void Compile_GateInBlockScalar_PointsAtTheSecondLine()
    {
        const string gate = "customer.ltv >= 500\nand event.cart_value >= \"150\"\n";
        var map = new ScalarSourceMap("playbooks/vip.yaml", 7, 9, ScalarKind.Literal, gate, blockIndent: 4);
        var diagnostics = new DiagnosticBag();

        Assert.Null(GateCompiler.Compile(gate, map, GateTestModel.EventScope, diagnostics));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("RP0203", diagnostic.Code);
        Assert.Equal(new SourceLocation("playbooks/vip.yaml", 9, 26, 2), diagnostic.Location);
    }

    [Fact]
    public void Compile_TwoIndependentMistakes_ReportsBoth()
    {
        const string gate = "customer.ltvv >= 500 and customer.plan > \"a\"";
        var diagnostics = new DiagnosticBag();

        Assert.Null(GateCompiler.Compile(gate, ScalarSourceMap.ForText(gate), GateTestModel.EventScope, diagnostics));

        Assert.Equal(["RP0202", "RP0203"], diagnostics.Sorted().Select(d => d.Code));
    }

    [Fact]
    public void Compile_BadDurationAndUnknownField_ReportsBoth()
    {
        const string gate = "customer.last_refund_att within 30dd";
        var diagnostics = new DiagnosticBag();

        Assert.Null(GateCompiler.Compile(gate, ScalarSourceMap.ForText(gate), GateTestModel.EventScope, diagnostics));

        Assert.Equal(["RP0202", "RP0207"], diagnostics.Sorted().Select(d => d.Code));
    }

    [Fact]
    public void Compile_EarlierDiagnosticsInTheBag_DoNotFailAValidGate()
    {
        var diagnostics = new DiagnosticBag();
        GateCompiler.Compile("customer.ltvv > 1", ScalarSourceMap.ForText("customer.ltvv > 1"), GateTestModel.EventScope, diagnostics);

        var gate = GateCompiler.Compile("customer.ltv > 1", ScalarSourceMap.ForText("customer.ltv > 1"), GateTestModel.EventScope, diagnostics);

        Assert.NotNull(gate);
        Assert.Single(diagnostics);
    }

    [Fact]
    public void Compile_EventGateInSegmentScope_CompilesCustomerGates()
    {
        var gate = GateTestModel.Compile("customer.vip and customer.ltv >= 500", GateTestModel.SegmentScope);

        Assert.True(gate.Evaluate(GateTestModel.ReadRecord("""{"customer":{"vip":true,"ltv":500},"segment":"vip"}""")));
    }

    [Fact]
    public void Evaluate_TypicalGate_DoesNotAllocate()
    {
        var gate = GateTestModel.Compile("customer.ltv >= 500 and event.cart_value >= 150 and not customer.fraud_flag");
        var record = GateTestModel.ReadRecord("""{"customer":{"ltv":620},"event":{"name":"checkout_abandoned","data":{"cart_value":180}}}""");
        gate.Evaluate(record);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var passed = 0;
        for (var i = 0; i < 1000; i++)
        {
            if (gate.Evaluate(record)) passed++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1000, passed);
        Assert.Equal(0, allocated);
    }
}
