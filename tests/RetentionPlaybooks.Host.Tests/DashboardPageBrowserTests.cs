using RetentionPlaybooks.Tests.Slack.Preview;
using System.Text;
using System.Text.RegularExpressions;
using RetentionPlaybooks.Host.Report;
using static RetentionPlaybooks.Host.Tests.DashboardPageFixtures;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Opens the dashboard in a real browser, from a file with nothing else around it: what Chromium draws is what a lead sees.</summary>
[Trait("Category", "Slow")] // a real browser process; every wait bounded
public sealed class DashboardPageBrowserTests : IDisposable
{
    private const int Width = 1280, Height = 900;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rp-dashboard-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string WritePage(ReportModel report)
    {
        var file = Path.Combine(_dir.FullName, "dashboard.html");
        File.WriteAllText(file, DashboardPage.Render(report), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return file;
    }

    private static string Element(string dom, string start, string end)
    {
        var at = dom.IndexOf(start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no {start} in the DOM");
        return dom[at..dom.IndexOf(end, at, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task DumpDom_June_HasEveryChartAndTheHeadlineFigures()
    {
        var dom = await HeadlessChromium.DumpDomAsync(WritePage(June()));

        Assert.Equal(6, Regex.Count(dom, "<svg role=\"img\""));
        Assert.Equal(6, Regex.Count(dom, "<svg role=\"img\"[^>]*aria-label=\"[^\"]+\"><title>"));
        foreach (var (figure, value) in (ReadOnlySpan<(string, string)>)[
            ("escalated", "412"), ("acknowledged", "94.4%"), ("median-ack", "12 min"), ("sla-met", "85.2%"), ("saved", "164"), ("lost", "98"),
            ("value-saved", June().Totals.ValueSaved.ToString("N2", System.Globalization.CultureInfo.InvariantCulture)), ("hold-violations", "3")])
        {
            Assert.Matches($"data-figure=\"{figure}\"><dt>[^<]+</dt><dd class=\"value\">{Regex.Escape(value)}</dd>", dom);
        }

        foreach (var (channel, over) in (ReadOnlySpan<(string, int)>)[(VipChannel, 3), (CancelChannel, 1), (WinbackChannel, 0)])
        {
            var chart = Element(dom, $"<figure class=\"channel\" data-channel=\"{channel}\"", "</figure>");
            Assert.Contains("<svg role=\"img\"", chart, StringComparison.Ordinal);
            Assert.Equal(over, Regex.Count(chart, "<rect class=\"over\""));
            Assert.Contains("<path class=\"budget\"", chart, StringComparison.Ordinal);
        }

        // Read as UTF-8: the period's dash and the separators survive the trip through the browser.
        Assert.Contains("1 Jun 2025</time> – <time", dom, StringComparison.Ordinal);
        Assert.Equal(6, Regex.Count(dom, "<details><summary>Figures for "));
    }

    [Fact]
    public async Task DumpDom_HostileNames_CreateNoElements()
    {
        var dom = await HeadlessChromium.DumpDomAsync(WritePage(Month("<script>alert(1)</script>", "<b>cancel</b>", "winback", "#\"><img src=x onerror=alert(1)>")));

        Assert.DoesNotMatch("<(script|img|b)[ >]", dom);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", dom, StringComparison.Ordinal);
        Assert.Equal(6, Regex.Count(dom, "<svg role=\"img\""));
    }

    [Fact]
    public async Task Screenshot_June_IsALaptopSizedPngShowingTheCharts()
    {
        var png = Path.Combine(_dir.FullName, "dashboard.png");

        await HeadlessChromium.ScreenshotAsync(WritePage(June()), png, Width, Height, srgb: true);

        var bytes = await File.ReadAllBytesAsync(png);
        var keep = Environment.GetEnvironmentVariable("RP_DASHBOARD_SCREENSHOT");
        if (!string.IsNullOrEmpty(keep))
        {
            File.Copy(png, keep, overwrite: true);
            File.Copy(Path.Combine(_dir.FullName, "dashboard.html"), Path.ChangeExtension(keep, ".html"), overwrite: true);
        }

        Assert.True(bytes.Length > 20 * 1024, $"screenshot is only {bytes.Length} bytes");
        var image = DashboardPagePng.Decode(bytes);
        Assert.Equal((Width, Height), (image.Width, image.Height));
        var colours = image.Colours();
        Assert.True(colours.Count > 50, $"only {colours.Count} distinct colours: a blank or unstyled page");
        Assert.True(colours.GetValueOrDefault(0xf6f7f9) + colours.GetValueOrDefault(0xffffff) > Width * Height / 2, "the page is not on a light background");
        Assert.True(colours.GetValueOrDefault(0x4c78a8) > 10_000, "few or no within-budget bars (#4c78a8) on the first screen");
        Assert.True(colours.GetValueOrDefault(0xd95f02) > 1_500, "no over-budget bars (#d95f02) on the first screen");
    }
}
