using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Gates;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Text;
using Xunit;
using static RetentionPlaybooks.Tests.Templates.TemplateFixtures;

namespace RetentionPlaybooks.Tests.Gates;

/// <summary>
/// The complexity limits of gates (nesting 32, operators 256) and templates (block nesting 32, tag length 1,000):
/// exactly at each limit compiles, one over is one RP0208/RP0408 where the limit is passed.
/// </summary>
public sealed class ComplexityLimitEdgeTests
{
    private static (CompiledGate? Gate, Diagnostic[] Diagnostics) CompileGate(string expression)
    {
        var diagnostics = new DiagnosticBag();
        var gate = GateCompiler.Compile(expression, ScalarSourceMap.ForText(expression), GateTestModel.EventScope, diagnostics);
        return (gate, diagnostics.ToArray());
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("not ", "")]
    [InlineData("count(", ")")]
    public void Gate_NestingOneOverTheLimit_IsRefusedAtTheFirstLevelPastIt(string open, string close)
    {
        var inner = open == "count(" ? "event.items" : "customer.vip";
        string Nested(int levels) => string.Concat(Enumerable.Repeat(open, levels)) + inner + string.Concat(Enumerable.Repeat(close, levels));
        // count(...) nests a call whose result is a number; compare it so the gate is boolean.
        string Gate(int levels) => open == "count(" ? Nested(levels) + " > 0" : Nested(levels);

        var atTheLimit = CompileGate(Gate(GateLimits.MaxNesting));
        var over = CompileGate(Gate(GateLimits.MaxNesting + 1));

        Assert.DoesNotContain(atTheLimit.Diagnostics, d => d.Code == "RP0208");
        var d = Assert.Single(over.Diagnostics);
        Assert.Equal("RP0208", d.Code);
        Assert.Contains("nests more than 32 levels", d.Message, StringComparison.Ordinal);
        Assert.Equal(1 + GateLimits.MaxNesting * open.Length, d.Location.Column);
        Assert.Null(over.Gate);
    }

    [Fact]
    public void Gate_ParenthesesExactlyAtTheLimit_Compile()
    {
        var (gate, diagnostics) = CompileGate(new string('(', GateLimits.MaxNesting) + "customer.vip" + new string(')', GateLimits.MaxNesting));

        Assert.Empty(diagnostics);
        Assert.NotNull(gate);
    }

    [Fact]
    public void Gate_OperatorsExactlyAtTheLimit_Compile_OneMoreIsRefusedAtIt()
    {
        string Chain(int operands) => string.Join(" or ", Enumerable.Repeat("customer.vip", operands));

        var atTheLimit = CompileGate(Chain(GateLimits.MaxOperators + 1));
        var over = CompileGate(Chain(GateLimits.MaxOperators + 2));

        Assert.Empty(atTheLimit.Diagnostics);
        Assert.NotNull(atTheLimit.Gate);
        var d = Assert.Single(over.Diagnostics);
        Assert.Equal("RP0208", d.Code);
        Assert.Contains("more than 256 operators", d.Message, StringComparison.Ordinal);
        // At the 257th "or": after 257 operands of 12 characters and 256 separators of 4.
        Assert.Equal(1 + (GateLimits.MaxOperators + 1) * 12 + GateLimits.MaxOperators * 4 + 1, d.Location.Column);
        Assert.Null(over.Gate);
    }

    [Fact]
    public void Gate_ComparisonsCountAsOperators()
    {
        // 128 comparisons joined by 127 "and": 255 operators; one more comparison and "and": 257.
        string Chain(int comparisons) => string.Join(" and ", Enumerable.Repeat("customer.ltv > 1", comparisons));

        Assert.Empty(CompileGate(Chain(128)).Diagnostics);
        Assert.Equal("RP0208", Assert.Single(CompileGate(Chain(129)).Diagnostics).Code);
    }

    [Theory]
    [InlineData("if true", "endif")]
    [InlineData("unless false", "endunless")]
    [InlineData("for item in event.items", "endfor")]
    [InlineData("capture x", "endcapture")]
    [InlineData("case customer.id", "endcase")]
    public void Template_BlocksNestedExactlyAtTheLimit_Check_OneDeeperIsRefusedAtIt(string open, string close)
    {
        string Nested(int levels) => string.Concat(Enumerable.Repeat("{% " + open + " %}", levels)) + "x" + string.Concat(Enumerable.Repeat("{% " + close + " %}", levels));

        var (atTheLimit, atDiagnostics) = Check(Nested(TemplateLimits.MaxBlockNesting));
        var (over, overDiagnostics) = Check(Nested(TemplateLimits.MaxBlockNesting + 1));

        Assert.DoesNotContain(atDiagnostics, d => d.Code == "RP0408");
        Assert.Null(over);
        var d = Assert.Single(overDiagnostics);
        Assert.Equal("RP0408", d.Code);
        Assert.Contains("nests more than 32 blocks", d.Message, StringComparison.Ordinal);
        // The plain scalar starts at column 12: the 33rd block tag opens after 32 of them.
        Assert.Equal(12 + TemplateLimits.MaxBlockNesting * ("{% " + open + " %}").Length, d.Location.Column);
        _ = atTheLimit;
    }

    [Fact]
    public void Template_ClosedBlocksNoLongerCount()
    {
        var sibling = string.Concat(Enumerable.Repeat("{% if true %}", 31)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 31));

        var (template, diagnostics) = Check("{% if true %}" + string.Concat(Enumerable.Repeat(sibling, 3)) + "{% endif %}");

        Assert.Empty(diagnostics);
        Assert.NotNull(template);
    }

    [Fact]
    public void Template_ARawBlocksContent_IsNotCountedAsTags()
    {
        var inside = string.Concat(Enumerable.Repeat("{% if true %}", 40));

        var (_, diagnostics) = Check("{% raw %}" + inside + "{% endraw %}");

        Assert.DoesNotContain(diagnostics, d => d.Code == "RP0408");
    }

    [Theory]
    [InlineData("{{ ", " }}")]
    [InlineData("{% if ", " %}x{% endif %}")]
    public void Template_ATagExactlyTheLimitLong_Checks_OneCharacterLongerIsRefused(string open, string rest)
    {
        string Tag(int length)
        {
            // customer.id padded with spaces to exactly `length` characters from brace to brace (the close is 3).
            var body = "customer.id";
            var padding = length - open.Length - 3 - body.Length;
            return open + body + new string(' ', padding) + rest;
        }

        var (atTheLimit, atDiagnostics) = Check(Tag(TemplateLimits.MaxTagLength));
        var (over, overDiagnostics) = Check(Tag(TemplateLimits.MaxTagLength + 1));

        Assert.Empty(atDiagnostics);
        Assert.NotNull(atTheLimit);
        Assert.Null(over);
        var d = Assert.Single(overDiagnostics);
        Assert.Equal(("RP0408", 12), (d.Code, d.Location.Column));
        Assert.Contains("longer than 1,000 characters", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SiblingGroups_MoreThanTheNestingLimit_CompileWhenNoneIsDeep()
    {
        // Nesting counts depth, not groups: each group closes before the next opens.
        var groups = string.Join(" and ", Enumerable.Repeat("(customer.vip)", GateLimits.MaxNesting + 3));
        var nots = string.Join(" and ", Enumerable.Repeat("not customer.vip", GateLimits.MaxNesting + 3));

        Assert.NotNull(GateTestModel.Compile(groups));
        Assert.NotNull(GateTestModel.Compile(nots));
    }

    [Theory]
    [InlineData("customer.plan == \"open")]
    [InlineData("customer.plan == \"a\\qb\"")]
    public void ALexingMistake_IsASyntaxError(string gate)
    {
        var lexer = new RetentionPlaybooks.Gates.Syntax.Lexer(gate, new RetentionPlaybooks.Text.ScalarSourceMap("x.yaml", 1, 1, RetentionPlaybooks.Text.ScalarKind.Plain, gate), new RetentionPlaybooks.Diagnostics.DiagnosticBag());

        lexer.LexAll();

        Assert.True(lexer.HasSyntaxErrors);
    }
}
