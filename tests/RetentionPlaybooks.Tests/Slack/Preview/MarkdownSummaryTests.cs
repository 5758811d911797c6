using RetentionPlaybooks.Slack.Preview;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Preview;

public sealed class MarkdownSummaryTests
{
    [Fact]
    public void Render_Items_HeadingAndTablePerPlaybook()
    {
        var items = PreviewFixtures.Items();
        var link = BlockKitBuilderLink.For(items[0].Message);

        var markdown = MarkdownSummary.Render(items);

        var expectedVip = $"""
            ### vip-cart-abandonment

            | Case | Channel | Title | Preview |
            | --- | --- | --- | --- |
            | cart over $100 | C07VIPSAVES | VIP cart abandoned: $184.00 | [Open in Block Kit Builder]({link}) |
            | cart \| pipes | C07VIPSAVES | VIP cart abandoned: $184.00 | [Open in Block Kit Builder]({link}) |

            ### winback "&lt;b&gt;x&lt;/b&gt;"

            """;
        Assert.StartsWith(expectedVip, markdown, StringComparison.Ordinal);
        Assert.Equal(2, markdown.Split('\n').Count(l => l.StartsWith("### ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Render_HostileCaseAndTitle_StayLiteralInTheCell()
    {
        var markdown = MarkdownSummary.Render(PreviewFixtures.Items());

        var row = markdown.Split('\n').Single(l => l.StartsWith("| hostile", StringComparison.Ordinal));
        Assert.StartsWith(
            "| hostile &lt;img src=x onerror=alert(1)&gt; | C07WINBACK | Win back &lt;b&gt;Tom&lt;/b&gt; &amp; Jerry | [Open in Block Kit Builder](https://app.slack.com/block-kit-builder/#",
            row,
            StringComparison.Ordinal);
        Assert.DoesNotContain("<", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a|b", @"a\|b")]
    [InlineData("*x* _y_ [z](u) `c` ~s~ #h !i", @"\*x\* \_y\_ \[z\](u) \`c\` \~s\~ \#h \!i")]
    [InlineData("two\r\nlines", "two lines")]
    [InlineData(@"back\slash", @"back\\slash")]
    public void Cell_MarkdownAndTableSyntax_IsEscaped(string text, string expected)
        => Assert.Equal(expected, MarkdownSummary.Cell(text));

    [Fact]
    public void Render_NoItems_SaysSo()
        => Assert.Equal("_No Slack messages to preview._\n", MarkdownSummary.Render([]));

    [Fact]
    public void Render_MessageWithoutHeader_UsesSectionTextThenFallbackAsTitle()
    {
        var section = PreviewFixtures.Parse("""{"text":"fallback","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"*Hi* <@U1>"}}]}""");
        var fallbackOnly = PreviewFixtures.Parse("""{"text":"Only &amp; fallback","blocks":[]}""");

        var markdown = MarkdownSummary.Render([new("p", "a", "C1", section, null), new("p", "b", "C1", fallbackOnly, null)]);

        Assert.Contains("| a | C1 | Hi @U1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| b | C1 | Only &amp; fallback |", markdown, StringComparison.Ordinal);
    }
}
