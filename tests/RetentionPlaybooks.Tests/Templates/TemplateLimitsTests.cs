using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Text;
using Xunit;

namespace RetentionPlaybooks.Tests.Templates;

/// <summary>
/// The pre-check of a template's complexity: raw and comment blocks hold text, not tags (however many "if"s they quote), the
/// text after them is still checked, and the nesting depth goes down with each block closed, never below zero.
/// </summary>
public sealed class TemplateLimitsTests
{
    private static (bool Ok, DiagnosticBag Diagnostics) Check(string source)
    {
        var diagnostics = new DiagnosticBag();
        var ok = TemplateLimits.Check(source, new ScalarSourceMap("t.yaml", 1, 1, ScalarKind.Plain, source), diagnostics);
        return (ok, diagnostics);
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{% if a %}", depth)) + string.Concat(Enumerable.Repeat("{% endif %}", depth));

    [Theory]
    [InlineData("raw")]
    [InlineData("comment")]
    public void ARawOrCommentBlock_QuotingDeepTags_IsText(string block)
    {
        var (ok, diagnostics) = Check($"{{% {block} %}}{Nested(TemplateLimits.MaxBlockNesting + 5)}{{% end{block} %}}");

        Assert.True(ok);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void AfterARawBlock_TheRestIsStillChecked()
    {
        var (ok, diagnostics) = Check("{% raw %}x{% endraw %}" + Nested(TemplateLimits.MaxBlockNesting + 1));

        Assert.False(ok);
        Assert.Equal("RP0408", Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void ClosingABlock_LowersTheDepthByOne_NotToZero()
    {
        // 20 open, one closed (19), 14 more: 33 deep.
        var source = string.Concat(Enumerable.Repeat("{% if a %}", 20)) + "{% endif %}" + string.Concat(Enumerable.Repeat("{% if a %}", 14));

        var (ok, diagnostics) = Check(source);

        Assert.False(ok);
        Assert.Equal("RP0408", Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void AnUnclosedRawBlock_IsLeftToFluid()
    {
        var (ok, diagnostics) = Check("{% raw %}" + Nested(TemplateLimits.MaxBlockNesting + 1));

        Assert.True(ok);
        Assert.Empty(diagnostics);
    }
}
