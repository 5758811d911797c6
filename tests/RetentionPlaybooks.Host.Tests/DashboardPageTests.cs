using System.Text.RegularExpressions;
using RetentionPlaybooks.Host.Report;
using static RetentionPlaybooks.Host.Tests.DashboardPageAssert;
using static RetentionPlaybooks.Host.Tests.DashboardPageFixtures;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The dashboard's HTML for a realistic month: its figures, its escaping, its self-containment, and the empty state.</summary>
public sealed class DashboardPageTests
{
    [Fact]
    public void Render_June_ShowsTheHeadlineFiguresFromTheTotals()
    {
        var html = DashboardPage.Render(June());

        Assert.Equal("412 | of 1,240 signals", Figure(html, "escalated"));
        Assert.Equal("94.4% | 389 cases", Figure(html, "acknowledged"));
        Assert.Equal("12 min | median · p90 1 h 20 min", Figure(html, "median-ack"));
        Assert.Equal("85.2% | 61 missed", Figure(html, "sla-met"));
        Assert.Equal("164 | 62.6% of decided", Figure(html, "saved"));
        Assert.Equal("98 | 150 still open", Figure(html, "lost"));
        Assert.Equal($"{June().Totals.ValueSaved:N2} | of 182,450.00 at stake", Figure(html, "value-saved"));
        Assert.Equal("3 | 412 holds written", Figure(html, "hold-violations"));
        Assert.Contains("class=\"figure bad\" data-figure=\"hold-violations\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_June_ShowsThePeriodAndWhenItWasGenerated()
    {
        var html = DashboardPage.Render(June());

        Assert.Contains("<time datetime=\"2025-06-01T00:00:00Z\">1 Jun 2025</time> – <time datetime=\"2025-07-01T00:00:00Z\">30 Jun 2025</time> (UTC, 30 days)", html, StringComparison.Ordinal);
        Assert.Contains("generated <time datetime=\"2025-07-01T06:30:00Z\">2025-07-01 06:30 UTC</time>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_June_DrawsOneSmallMultiplePerChannelAndThreePlaybookCharts()
    {
        var html = DashboardPage.Render(June());

        Assert.Equal(6, Regex.Count(html, "<svg role=\"img\""));
        Assert.Equal(
            [CancelChannel, VipChannel, WinbackChannel],
            Regex.Matches(html, "<figure class=\"channel\" data-channel=\"([^\"]*)\"").Select(m => m.Groups[1].Value));
        foreach (var id in (string[])["channels", "acknowledge", "outcomes", "value"])
        {
            Assert.Matches($"<section id=\"{id}\" aria-labelledby=\"{id}-heading\">\n<h2 id=\"{id}-heading\">", html);
        }
    }

    [Fact]
    public void Render_June_CountsTheDaysOverBudgetInWordsAndInOrange()
    {
        var html = DashboardPage.Render(June());

        var vip = ChannelFigure(html, VipChannel);
        Assert.Contains("data-over-budget-days=\"3\"", vip, StringComparison.Ordinal);
        Assert.Contains("<strong class=\"bad\">3 of 30 days over budget</strong> · budget 20 a day", vip, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(vip, "<rect class=\"over\""));
        Assert.Equal(27, Regex.Count(vip, "<rect class=\"within\""));
        Assert.Contains("<title>12 Jun 2025: 32 messages, budget 20, over budget</title>", vip, StringComparison.Ordinal);

        // The 10th has exactly the budget (15): at budget is not over it.
        var cancel = ChannelFigure(html, CancelChannel);
        Assert.Contains("<strong class=\"bad\">1 of 30 days over budget</strong>", cancel, StringComparison.Ordinal);
        Assert.Contains("<title>10 Jun 2025: 15 messages, budget 15</title>", cancel, StringComparison.Ordinal);

        var winback = ChannelFigure(html, WinbackChannel);
        Assert.Contains("No day over budget · budget 10 a day", winback, StringComparison.Ordinal);
        Assert.Equal(0, Regex.Count(winback, "<rect class=\"over\""));
        Assert.Equal(29, Regex.Count(winback, "<rect class=\"within\"")); // the quiet 15th has no bar
        Assert.Contains("<tr><th scope=\"row\">2025-06-15</th><td>0</td><td>10</td><td>no</td></tr>", winback, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_June_DrawsTheBudgetAsALineAtItsHeight()
    {
        var vip = ChannelFigure(DashboardPage.Render(June()), VipChannel);

        // yMax is 50 (the nice ceiling of the 39-message peak); 20 of 50 on a 122-pixel plot from y = 8.
        Assert.Contains("<path class=\"budget\" d=\"M36 81.2H", vip, StringComparison.Ordinal);
        Assert.Contains(">50</text>", vip, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_June_StatesEachPlaybooksTimesAgainstItsSla()
    {
        var html = DashboardPage.Render(June());
        var ack = html[html.IndexOf("<section id=\"acknowledge\"", StringComparison.Ordinal)..html.IndexOf("<section id=\"outcomes\"", StringComparison.Ordinal)];

        Assert.Contains($"{Vip} median 8 min, p90 26 min, SLA 30 min, 88.9% met", ack, StringComparison.Ordinal);
        Assert.Contains($"{Winback} median 58 min, p90 3 h 7 min, SLA 4 h, 83% met", ack, StringComparison.Ordinal);
        Assert.Contains(">median 8 min · p90 26 min</text>", ack, StringComparison.Ordinal);
        // cancel-save has two owners, so its median comes from its sample, and says so.
        Assert.Contains(">median 22 min* · p90 1 h 11 min*</text>", ack, StringComparison.Ordinal);
        Assert.Equal(172 + 111 + 106, Regex.Count(ack, "<circle class=\"(within|late)\""));
        Assert.Equal(159, Regex.Count(Row(ack, Vip), "<circle class=\"within\""));
        Assert.Equal(13, Regex.Count(Row(ack, Vip), "<circle class=\"late\"")); // over the 30-minute SLA
    }

    private static string Row(string chart, string playbook)
    {
        var start = chart.IndexOf($">{playbook}<title>", StringComparison.Ordinal);
        return chart[start..chart.IndexOf("class=\"stat\"", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void Render_June_SplitsSavedAndLostWithCountsPercentagesAndReasons()
    {
        var html = DashboardPage.Render(June());

        Assert.Contains($"{CancelSave} 65 saved (65%) · 35 lost (35%) · 20 open", html, StringComparison.Ordinal);
        Assert.Contains($"{Winback} 9 saved (33.3%) · 18 lost (66.7%) · 85 open", html, StringComparison.Ordinal);
        Assert.Contains($"<li><strong>{CancelSave}</strong> lost: too_expensive 23, moved_to_competitor 12</li>", html, StringComparison.Ordinal);
        // vip (the second row): 90 of 135 decided, so its saved part is two thirds of the 600-pixel bar.
        Assert.Contains("<rect class=\"saved\" x=\"218\" y=\"41\" width=\"400\" height=\"20\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_June_EndsTheValueLineOnTheSummedTotal()
    {
        var june = June();
        var html = DashboardPage.Render(june);
        var total = june.OutcomeDays.Sum(o => o.ValueSaved);

        Assert.Contains($"<text class=\"total\"", html, StringComparison.Ordinal);
        Assert.Matches($"<text class=\"total\" x=\"[0-9.]+\" y=\"[0-9.]+\">{Regex.Escape(total.ToString("N2", System.Globalization.CultureInfo.InvariantCulture))}</text>", html);
        Assert.Contains("the best day was 30 Jun 2025", html, StringComparison.Ordinal);
        // The running total in the table for the 2nd is the 1st and 2nd together.
        var second = june.OutcomeDays.Where(o => o.Date <= new DateOnly(2025, 6, 2)).Sum(o => o.ValueSaved);
        Assert.Contains($"<tr><th scope=\"row\">2025-06-02</th><td>{june.OutcomeDays.Where(o => o.Date.Day == 2).Sum(o => o.ValueSaved):N2}</td><td>{second:N2}</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_June_IsValidSvgWithoutNaN() => AssertValidSvg(DashboardPage.Render(June()));

    [Fact]
    public void Render_HostileNames_AppearOnlyEncoded()
    {
        var html = DashboardPage.Render(Month("<script>alert(1)</script>", "cancel & \"save\"", "win'back", "#\"><img src=x onerror=alert(1)>"));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("data-channel=\"#&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\"", html, StringComparison.Ordinal);
        Assert.Contains("cancel &amp; &quot;save&quot;", html, StringComparison.Ordinal);
        Assert.Contains("win&#39;back", html, StringComparison.Ordinal);
        AssertValidSvg(html);
    }

    [Fact]
    public void Render_HostileReasonKey_AppearsOnlyEncoded()
    {
        var june = June();
        var row = june.Rows[0] with { Figures = june.Rows[0].Figures with { LostByReason = new Dictionary<string, long> { ["<b>price</b>"] = 3 } } };
        var html = DashboardPage.Render(june with { Rows = [row, .. june.Rows.Skip(1)] });

        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;price&lt;/b&gt; 3", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("june")]
    [InlineData("hostile")]
    public void Render_ReferencesNothingOutsideThePage(string model)
    {
        var html = DashboardPage.Render(model == "june" ? June() : Month("<a href=\"https://evil.example\">x</a>", "b", "c", "url(https://evil.example/x.png)"));

        // Model text has every < and " encoded, so a literal < opens a real tag and its quoted values end at the next ".
        var links = Regex.Matches(html, "<[a-zA-Z][^>]*>").SelectMany(tag => Regex.Matches(tag.Value, "\\s([a-zA-Z:-]+)=\"([^\"]*)\""))
            .Where(a => a.Groups[1].Value.ToLowerInvariant() is "src" or "href" or "xlink:href" or "action" or "poster" or "srcset" or "data" or "style")
            .Select(a => a.Groups[1].Value + "=" + a.Groups[2].Value).ToList();
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.StartsWith("href=#", link, StringComparison.Ordinal));
        Assert.DoesNotMatch("(?i)<(script|link|img|iframe|object|embed|image|use)\\b", html);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(?i)url\\((?!https://evil)", html); // the only url( is the hostile channel name, encoded as text
        if (model == "june")
        {
            Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        }

        Assert.Matches("href=\"#channels\"", html);
    }

    [Theory]
    [InlineData(0, "Nothing was escalated between 1 Jun 2025 and 30 Jun 2025. The charts")]
    [InlineData(12, "Nothing was escalated between 1 Jun 2025 and 30 Jun 2025. 12 signals arrived; none was escalated.")]
    public void Render_EmptyModel_SaysNoEscalationsInThisPeriod(long signals, string expected)
    {
        var html = DashboardPage.Render(Empty(signals));

        Assert.Contains("<h2>No escalations in this period</h2>", html, StringComparison.Ordinal);
        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        AssertValidSvg(html);
    }

    [Fact]
    public void Render_NullSeriesAndTotals_RendersTheEmptyState()
    {
        var html = DashboardPage.Render(new ReportModel(From, To, GeneratedAt, null!, null!, null!, null!, null!));

        Assert.Contains("No escalations in this period", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EscalationsButNoOutcomesYet_SaysSoPerChart()
    {
        var june = June();
        var html = DashboardPage.Render(june with { OutcomeDays = [], AckTimes = [], Rows = june.Rows.Select(r => r with { Figures = r.Figures with { Saved = 0, Lost = 0, MedianSecondsToAcknowledge = null } }).ToList() });

        Assert.DoesNotContain("No escalations in this period", html, StringComparison.Ordinal);
        Assert.Contains("No case was acknowledged in this period.", html, StringComparison.Ordinal);
        Assert.Contains("No case was marked saved or lost in this period.", html, StringComparison.Ordinal);
        Assert.Contains("No value was saved in this period.", html, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(html, "<svg role=\"img\""));
    }

    [Theory]
    [InlineData(45, "45 s")]
    [InlineData(59.6, "1 min")]
    [InlineData(240, "4 min")]
    [InlineData(3599, "1 h")]
    [InlineData(4800, "1 h 20 min")]
    [InlineData(7200, "2 h")]
    [InlineData(183_600, "2 d 3 h")]
    [InlineData(-1, "—")]
    [InlineData(double.NaN, "—")]
    [InlineData(double.PositiveInfinity, "—")]
    [InlineData(1e300, "over 31 years")]
    public void Duration_Seconds_ReadsLikeAPerson(double seconds, string expected) => Assert.Equal(expected, DashboardFormat.Duration(seconds));

    [Theory]
    [InlineData(12.345, "12.3")]
    [InlineData(double.NaN, "0")]
    [InlineData(double.PositiveInfinity, "0")]
    [InlineData(1e300, "1000000")]
    [InlineData(-1e300, "-1000000")]
    public void Svg_AnyDouble_IsAFiniteNumberInRange(double value, string expected) => Assert.Equal(expected, DashboardFormat.Svg(value));

    [Theory]
    [InlineData("1234567.891", "1,234,567.89")]
    [InlineData("0", "0.00")]
    [InlineData("-5.5", "-5.50")]
    [InlineData("79228162514264337593543950335", "79,228,162,514,264,337,593,543,950,335.00")]
    public void Money_Amount_HasTwoDecimalsAndThousandsSeparators(string amount, string expected)
        => Assert.Equal(expected, DashboardFormat.Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
}
