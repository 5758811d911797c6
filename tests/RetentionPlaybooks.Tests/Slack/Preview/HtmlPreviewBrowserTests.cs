using System.Text.RegularExpressions;
using RetentionPlaybooks.Slack.Preview;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Preview;

/// <summary>Opens the preview page in a real browser: what Chromium builds from it is what a reviewer sees.</summary>
[Trait("Category", "Slow")] // a real browser process; every wait bounded
public sealed class HtmlPreviewBrowserTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rp-html-preview-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string WritePage()
    {
        var items = PreviewFixtures.Items().Where(i => i.Case != "cart | pipes").ToList();
        var file = Path.Combine(_dir.FullName, "preview.html");
        File.WriteAllText(file, HtmlPreview.Render(items, "Slack previews"));
        return file;
    }

    private static string Card(string dom, string playbookAttribute)
    {
        var start = dom.IndexOf($"<article class=\"message\" data-playbook=\"{playbookAttribute}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no message card for {playbookAttribute} in the DOM");
        var end = dom.IndexOf("</article>", start, StringComparison.Ordinal);
        return dom[start..end];
    }

    private static List<string> Texts(string html, string cssClass)
        => Regex.Matches(html, $"<(?<tag>[a-z]+) class=\"{cssClass}\"[^>]*>(?<inner>.*?)</\\k<tag>>", RegexOptions.Singleline)
            .Select(m => Regex.Replace(m.Groups["inner"].Value, "<[^>]+>", string.Empty))
            .ToList();

    [Fact]
    public async Task DumpDom_PreviewPage_HasEveryCardWithItsBlocks()
    {
        var dom = await HeadlessChromium.DumpDomAsync(WritePage());

        Assert.Equal(2, Regex.Count(dom, "<article class=\"message\""));
        var vip = Card(dom, "vip-cart-abandonment");
        Assert.Equal(["VIP cart abandoned: $184.00"], Texts(vip, "header"));
        Assert.Equal(["CustomerMaria", "Cart2 items, $184.00"], Texts(vip, "field"));
        Assert.Equal(["Next step: Send a personal note &lt;soon&gt;"], Texts(vip, "section-text"));
        Assert.Equal(["Customer.io profile", "Acknowledge", "Not worth saving"], Texts(vip, "button"));
        Assert.Equal(["Playbook vip-cart-abandonment · Owner @U07RETLEAD · SLA 2h · 42 min ago"], Texts(vip, "context"));
        Assert.Contains("data-style=\"primary\"", vip, StringComparison.Ordinal);

        var hostile = Card(dom, "winback &quot;&lt;b&gt;x&lt;/b&gt;&quot;");
        Assert.Equal(["Win back &lt;b&gt;Tom&lt;/b&gt; &amp; Jerry"], Texts(hostile, "header"));
        Assert.Contains("Customer&lt;script&gt;alert(1)&lt;/script&gt;", Texts(hostile, "field"));
    }

    [Fact]
    public async Task DumpDom_HostileText_CreatesNoElements()
    {
        var dom = await HeadlessChromium.DumpDomAsync(WritePage());

        // Had any customer text become markup, Chromium would have built script, img, b or i elements from it.
        Assert.DoesNotMatch("<(script|img|b|i)[ >]", dom);
        Assert.DoesNotContain("href=\"javascript", dom, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Screenshot_PreviewPage_IsANonTrivialPng()
    {
        var png = Path.Combine(_dir.FullName, "preview.png");

        await HeadlessChromium.ScreenshotAsync(WritePage(), png);

        var bytes = await File.ReadAllBytesAsync(png);
        Assert.True(bytes.Length > 10 * 1024, $"screenshot is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        var keep = Environment.GetEnvironmentVariable("RP_PREVIEW_SCREENSHOT");
        if (!string.IsNullOrEmpty(keep)) File.Copy(png, keep, overwrite: true);
    }
}
