using System.Text.RegularExpressions;
using CsCheck;
using RetentionPlaybooks.Host.Report;
using static RetentionPlaybooks.Host.Tests.DashboardPageAssert;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Data no store should produce still renders: no exception, no NaN, valid SVG, and the page says what it clamped.</summary>
public sealed class DashboardPageEdgeCaseTests
{
    [Theory]
    [InlineData("absurd-seconds")]
    [InlineData("absurd-percentages")]
    [InlineData("huge-decimals")]
    [InlineData("huge-counts")]
    [InlineData("ten-thousand-days")]
    [InlineData("thousand-playbooks")]
    [InlineData("zero-and-negative-budgets")]
    [InlineData("reversed-period")]
    [InlineData("extreme-period")]
    [InlineData("empty-names")]
    public void Render_AbsurdData_NeverThrowsNorDrawsNaN(string name)
    {
        var html = DashboardPage.Render(DashboardPageEdgeCases.Model(name));

        AssertValidSvg(html);
        Assert.True(html.Length < 4_000_000, $"{name}: {html.Length:N0} characters");
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TenThousandDays_DrawsTheLatestAndSaysSo()
    {
        var html = DashboardPage.Render(DashboardPageEdgeCases.Model("ten-thousand-days"));

        Assert.Contains("Each chart shows the latest 92 of the period’s 10,000 days; the days over budget are counted over all of them.", html, StringComparison.Ordinal);
        Assert.Equal(92, Regex.Count(ChannelFigure(html, "#busy"), "<rect class=\"(within|over)\""));
        Assert.Contains("<strong class=\"bad\">1,000 of 10,000 days over budget</strong>", html, StringComparison.Ordinal);
        Assert.True(Regex.Count(html, "L[0-9.]+ [0-9.]+") <= (DashboardValueChart.MaxPoints * 2) + 1, "the value line is not thinned");
    }

    [Fact]
    public void Render_ThousandPlaybooks_DrawsTheBusiestAndListsAll()
    {
        var html = DashboardPage.Render(DashboardPageEdgeCases.Model("thousand-playbooks"));

        Assert.Contains("The chart shows the 40 playbooks with the most cases of 1,000; the table lists them all.", html, StringComparison.Ordinal);
        Assert.Contains("The chart shows the 40 playbooks with the most decided cases of 1,000; the table lists them all.", html, StringComparison.Ordinal);
        Assert.Contains(">playbook-0999<title>", html, StringComparison.Ordinal); // the busiest, drawn
        Assert.DoesNotContain(">playbook-0000<title>", html, StringComparison.Ordinal); // the quietest, not drawn
        Assert.Contains("<tr><th scope=\"row\">playbook-0000</th>", html, StringComparison.Ordinal); // but in the tables
        Assert.Contains("24 quieter channels are not drawn", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AbsurdSeconds_LeavesThemOutAndSaysSo()
    {
        var html = DashboardPage.Render(DashboardPageEdgeCases.Model("absurd-seconds"));

        Assert.Contains("4 times that were negative or not a number are left out.", html, StringComparison.Ordinal);
        Assert.Contains("no SLA: scaled to the slowest case", html, StringComparison.Ordinal);
        Assert.Contains("cases took longer than 3× the SLA", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ZeroBudget_CountsEveryDayWithAMessageAsOver()
    {
        var html = DashboardPage.Render(DashboardPageEdgeCases.Model("zero-and-negative-budgets"));

        Assert.Contains("<strong class=\"bad\">5 of 30 days over budget</strong> · budget 0 a day", ChannelFigure(html, "#zero"), StringComparison.Ordinal);
        var unlimited = ChannelFigure(html, "#unlimited");
        Assert.Contains("No day over budget · no daily budget", unlimited, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"budget\"", unlimited, StringComparison.Ordinal);
        Assert.Contains(">10</text>", unlimited, StringComparison.Ordinal); // the axis fits the messages, not int.MaxValue
        Assert.Contains("2 negative counts or budgets drawn as 0.", ChannelFigure(html, "#negative"), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HugeDecimals_SaturatesAndSaysSo()
    {
        var html = DashboardPage.Render(DashboardPageEdgeCases.Model("huge-decimals"));

        Assert.Contains("The total is beyond what can be counted and is shown at its limit.", html, StringComparison.Ordinal);
        Assert.Contains("79,228,162,514,264,337,593,543,950,335.00", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RandomModels_AreAlwaysValid()
        => DashboardPageEdgeCases.Models.Sample(model => AssertValidSvg(DashboardPage.Render(model)), iter: 300, threads: 1);
}
