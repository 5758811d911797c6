using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Gates;
using RetentionPlaybooks.Text;
using Xunit;

namespace RetentionPlaybooks.Tests.Gates;

/// <summary>
/// Runs every case of Cases/gates-errors.txt: the gate must fail with exactly one diagnostic, with the given
/// code, at the given 1-based column, and with a message containing the given text. An expression starting
/// with "segment:" is compiled in a segment-triggered scope, where event data is unavailable.
/// </summary>
public sealed class GateErrorTests
{
    private const string SegmentPrefix = "segment: ";

    public static TheoryData<int, string, string, int, string> Cases()
    {
        var data = new TheoryData<int, string, string, int, string>();
        foreach (var (line, fields) in GateTestModel.ReadCases("gates-errors.txt", 4))
        {
            data.Add(line, fields[0], fields[1], int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), fields[3]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_ErrorCase_ReportsOneDiagnostic(int line, string expression, string code, int column, string message)
    {
        var scope = GateTestModel.EventScope;
        if (expression.StartsWith(SegmentPrefix, StringComparison.Ordinal))
        {
            expression = expression[SegmentPrefix.Length..];
            scope = GateTestModel.SegmentScope;
        }
        var diagnostics = new DiagnosticBag();

        var gate = GateCompiler.Compile(expression, ScalarSourceMap.ForText(expression), scope, diagnostics);

        Assert.Null(gate);
        var diagnostic = Assert.Single(diagnostics);
        var where = $"gates-errors.txt({line}): {diagnostic}";
        Assert.True(code == diagnostic.Code, where);
        Assert.True(column == diagnostic.Location.Column, where);
        Assert.True(diagnostic.Message.Contains(message, StringComparison.Ordinal), where);
        Assert.True(diagnostic.IsError, where);
    }

    [Fact]
    public void CaseFile_PinsEveryCode()
    {
        var codes = Cases().Select(row => (string)row[2]).ToHashSet();

        Assert.Superset(new HashSet<string> { "RP0201", "RP0202", "RP0203", "RP0204", "RP0205", "RP0206", "RP0207", "RP0208" }, codes);
        Assert.Equal(8, codes.Count);
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("[", "]")]
    [InlineData("not ", "")]
    [InlineData("count(", ")")]
    public void Compile_HundredThousandLevelsDeep_ReportsOneDiagnosticInsteadOfOverflowingTheStack(string open, string close)
    {
        var expression = string.Concat(Enumerable.Repeat(open, 100_000)) + "customer.vip" + string.Concat(Enumerable.Repeat(close, 100_000));
        var diagnostics = new DiagnosticBag();

        var gate = GateCompiler.Compile(expression, ScalarSourceMap.ForText(expression), GateTestModel.EventScope, diagnostics);

        Assert.Null(gate);
        Assert.Equal("RP0208", Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void Compile_HundredThousandOperators_ReportsOneDiagnosticInsteadOfOverflowingTheStack()
    {
        var expression = string.Join(" and ", Enumerable.Repeat("customer.ltv > 1", 100_000));
        var diagnostics = new DiagnosticBag();

        var gate = GateCompiler.Compile(expression, ScalarSourceMap.ForText(expression), GateTestModel.EventScope, diagnostics);

        Assert.Null(gate);
        Assert.Equal("RP0208", Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void Compile_AtTheLimits_Compiles()
    {
        var nested = new string('(', 32) + "customer.vip" + new string(')', 32);
        var chained = string.Join(" or ", Enumerable.Repeat("customer.vip", 257));

        foreach (var expression in new[] { nested, chained })
        {
            var diagnostics = new DiagnosticBag();
            Assert.NotNull(GateCompiler.Compile(expression, ScalarSourceMap.ForText(expression), GateTestModel.EventScope, diagnostics));
            Assert.Empty(diagnostics);
        }
    }

    [Fact]
    public void Compile_UnterminatedStringRunningOntoTheNextLine_SpansOnlyTheRestOfItsLine()
    {
        const string expression = "customer.plan == \"annual\nor customer.vip";
        var diagnostics = new DiagnosticBag();

        GateCompiler.Compile(expression, ScalarSourceMap.ForText(expression), GateTestModel.EventScope, diagnostics);

        var d = Assert.Single(diagnostics);
        Assert.Equal(("RP0201", 1, 18, "\"annual".Length), (d.Code, d.Location.Line, d.Location.Column, d.Location.Length));
    }
}
