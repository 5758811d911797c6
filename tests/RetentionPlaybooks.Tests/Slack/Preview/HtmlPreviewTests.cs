using System.Text.RegularExpressions;
using RetentionPlaybooks.Slack.Preview;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Preview;

public sealed partial class HtmlPreviewTests
{
    private static readonly HashSet<string> AllowedTags =
    [
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "nav", "ul", "li", "a", "span", "section",
        "figure", "figcaption", "div", "article", "strong", "em", "s", "code", "pre", "br", "hr", "p",
    ];

    private static string Page() => HtmlPreview.Render(PreviewFixtures.Items(), "Slack previews");

    [GeneratedRegex("<([a-zA-Z][a-zA-Z0-9]*)")]
    private static partial Regex TagName();

    // Tags are limited to AllowedTags (no img, link, script, iframe), so hrefs and CSS are the only ways out.
    [GeneratedRegex("""href="([^"]*)"|@import|url\(""")]
    private static partial Regex References();

    [GeneratedRegex("""<article class="message" data-playbook="([^"]*)" data-case="([^"]*)" data-channel="([^"]*)">""")]
    private static partial Regex MessageCard();

    [Fact]
    public void Render_Items_IsOneStandalonePageWithoutScripts()
    {
        var html = Page();

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.EndsWith("</body>\n</html>\n", html, StringComparison.Ordinal);
        Assert.Contains("<meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        Assert.Contains("<title>Slack previews</title>", html, StringComparison.Ordinal);
        Assert.All(TagName().Matches(html), m => Assert.Contains(m.Groups[1].Value, AllowedTags));
        Assert.All(References().Matches(html), m =>
        {
            var href = m.Groups[1].Value;
            Assert.True(m.Groups[1].Success, $"external resource: {m.Value}");
            Assert.True(href.StartsWith('#') || href.StartsWith("https://", StringComparison.Ordinal), $"unexpected href {href}");
        });
    }

    [Fact]
    public void Render_Items_OneCardPerItemWithCaptionData()
    {
        var cards = MessageCard().Matches(Page()).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();

        Assert.Equal(
            [
                ("vip-cart-abandonment", "cart over $100", "C07VIPSAVES"),
                ("vip-cart-abandonment", "cart | pipes", "C07VIPSAVES"),
                ("winback &quot;&lt;b&gt;x&lt;/b&gt;&quot;", "hostile &lt;img src=x onerror=alert(1)&gt;", "C07WINBACK"),
            ],
            cards);
    }

    [Fact]
    public void Render_VipCart_DrawsHeaderFieldsTextButtonsAndContext()
    {
        var html = Page();

        Assert.Contains("<div class=\"header\">VIP cart abandoned: $184.00</div>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"fields\"><div class=\"field\"><strong>Customer</strong><br>Maria</div><div class=\"field\"><strong>Cart</strong><br>2 items, $184.00</div></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"section-text\"><strong>Next step:</strong> Send a personal note &lt;soon&gt;</div>", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"button\" data-style=\"default\" data-action-id=\"link_0\" href=\"https://fly.customer.io/workspaces/1/journeys/people/abc/activity\" target=\"_blank\" rel=\"noopener noreferrer\">Customer.io profile</a>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"button\" data-style=\"primary\" data-action-id=\"ack\" data-value=\"esc_123\">Acknowledge</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"button\" data-style=\"danger\" data-action-id=\"dismiss\" data-value=\"esc_123\">Not worth saving</span>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"context\"><span class=\"context-element\">Playbook <strong>vip-cart-abandonment</strong> · Owner <span class=\"mention\">@U07RETLEAD</span> · SLA 2h · 42 min ago</span></div>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"bot-name\">Retention Playbooks</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostileText_IsShownAsTextNeverMarkup()
    {
        var html = Page();

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<div class=\"header\">Win back &lt;b&gt;Tom&lt;/b&gt; &amp; Jerry</div>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>Customer</strong><br>&lt;script&gt;alert(1)&lt;/script&gt;</div>", html, StringComparison.Ordinal);
        Assert.Contains("A &amp; B &lt;!channel&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"link unsafe\" title=\"Not a web link: javascript:alert(1)\">Refund</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"button\" data-style=\"default\" data-action-id=\"link_0\">Open</span>", html, StringComparison.Ordinal);
        Assert.Contains("Owner <span class=\"mention\">@U07RETLEAD</span> &quot;quoted&quot; &#39;single&#39;", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"note\">&lt;i&gt;note&lt;/i&gt;</div>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LinksAndMentions_BecomeAnchorsAndPills()
    {
        var html = Page();

        Assert.Contains("<a class=\"link\" href=\"https://example.com/a_b?x=1&amp;y=2\" target=\"_blank\" rel=\"noopener noreferrer\">the order</a>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"mention\">#vip-saves</span> <span class=\"mention\">@here</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Items_GroupsByPlaybookWithTableOfContents()
    {
        var html = Page();

        Assert.Contains("<li><a href=\"#playbook-vip-cart-abandonment\">vip-cart-abandonment</a> <span class=\"count\">(2 cases)</span>", html, StringComparison.Ordinal);
        Assert.Contains("<li><a href=\"#playbook-winback-b-x-b\">winback &quot;&lt;b&gt;x&lt;/b&gt;&quot;</a> <span class=\"count\">(1 case)</span>", html, StringComparison.Ordinal);
        Assert.Contains("<li><a href=\"#msg-vip-cart-abandonment-cart-pipes\">cart | pipes</a></li>", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(html, "<section class=\"playbook\""));
        Assert.True(html.IndexOf("id=\"playbook-vip-cart-abandonment\"", StringComparison.Ordinal) < html.IndexOf("id=\"playbook-winback-b-x-b\"", StringComparison.Ordinal));
        var ids = Regex.Matches(html, " id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Render_Caption_LinksToBlockKitBuilderAndShowsFallbackText()
    {
        var items = PreviewFixtures.Items();
        var html = HtmlPreview.Render(items, "t");

        Assert.Contains($"<a class=\"builder-link\" href=\"{BlockKitBuilderLink.For(items[0].Message)}\"", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"caption-channel\">C07VIPSAVES</span>", html, StringComparison.Ordinal);
        Assert.Contains("Notification text: <span class=\"fallback-text\">Win back &lt;script&gt;alert(1)&lt;/script&gt;</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DuplicateCaseNames_GetDistinctAnchors()
    {
        var html = HtmlPreview.Render([new("p", "same", "C1", PreviewFixtures.VipCart(), null), new("p", "same", "C1", PreviewFixtures.VipCart(), null)], "t");

        Assert.Contains("id=\"msg-p-same\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"msg-p-same-2\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoItems_IsAPageSayingSo()
    {
        var html = HtmlPreview.Render([], "Nothing <here>");

        Assert.Contains("<h1 class=\"page-title\">Nothing &lt;here&gt;</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"empty\">No messages to preview.</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PreformattedAndCode_UseMonospaceElements()
    {
        var message = PreviewFixtures.Parse("""{"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"run `rp check` then\n```a &lt; b\nc```"}}]}""");

        var html = HtmlPreview.Render([new("p", "c", "C1", message, null)], "t");

        Assert.Contains("<div class=\"section-text\">run <code>rp check</code> then<br><pre class=\"preformatted\">a &lt; b\nc</pre></div>", html, StringComparison.Ordinal);
    }
}
