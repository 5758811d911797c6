using RetentionPlaybooks.Slack.Preview;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Preview;

public sealed class MrkdwnParserTests
{
    private static string Describe(string mrkdwn)
        => string.Join(" ", MrkdwnParser.Parse(mrkdwn).Select(r => r.Kind switch
        {
            MrkdwnRunKind.LineBreak => "<br>",
            MrkdwnRunKind.Link => $"link[{r.Text}->{r.Url}]",
            MrkdwnRunKind.Mention => $"mention[{r.Text}]",
            _ => r.Style == MrkdwnStyle.None ? $"'{r.Text}'" : $"{r.Style}'{r.Text}'",
        }));

    [Theory]
    [InlineData("*bold* rest", "Bold'bold' ' rest'")]
    [InlineData("_it_ ~gone~ `x*y*`", "Italic'it' ' ' Strike'gone' ' ' Code'x*y*'")]
    [InlineData("*bold _both_*", "Bold'bold ' Bold, Italic'both'")]
    [InlineData("snake_case_name and 2*3*4", "'snake_case_name and 2*3*4'")]
    [InlineData("* not bold *", "'* not bold *'")]
    [InlineData("*a\nb*", "'*a' <br> 'b*'")]
    public void Parse_Formatting_FollowsSlackWordBoundaries(string mrkdwn, string expected)
        => Assert.Equal(expected, Describe(mrkdwn));

    [Theory]
    [InlineData("<https://x.io/a_b|the _label_>", "link[the _label_->https://x.io/a_b]")]
    [InlineData("<https://x.io>", "link[https://x.io->https://x.io]")]
    [InlineData("<https://x.io/?a=1&amp;b=2|A &amp; B>", "link[A & B->https://x.io/?a=1&b=2]")]
    [InlineData("<@U123> <@U456|bob>", "mention[@U123] ' ' mention[@U456]")]
    [InlineData("<#C123> <#C456|vip-saves>", "mention[#C123] ' ' mention[#vip-saves]")]
    [InlineData("<!here> <!channel> <!subteam^S1|@retention> <!date^1700000000^{date}|Nov 14>", "mention[@here] ' ' mention[@channel] ' ' mention[@retention] ' ' mention[Nov 14]")]
    public void Parse_AngleBrackets_BecomeLinksAndMentions(string mrkdwn, string expected)
        => Assert.Equal(expected, Describe(mrkdwn));

    [Fact]
    public void Parse_UnderscoresInsideLinkUrl_DoNotCloseItalic()
        => Assert.Equal("Italic'see ' link[it->https://x.io/a_b]", Describe("_see <https://x.io/a_b|it>_"));

    [Theory]
    [InlineData("&lt;script&gt;alert(1)&lt;/script&gt;", "'<script>alert(1)</script>'")]
    [InlineData("A &amp; B &lt;!channel&gt;", "'A & B <!channel>'")]
    [InlineData("&amp;lt; stays", "'&lt; stays'")]
    [InlineData("&quot;other&quot; entities stay", "'&quot;other&quot; entities stay'")]
    public void Parse_Entities_DecodeForDisplayWithoutBecomingControls(string mrkdwn, string expected)
        => Assert.Equal(expected, Describe(mrkdwn));

    [Fact]
    public void Parse_Preformatted_KeepsLinesAndIgnoresMarkers()
    {
        var runs = MrkdwnParser.Parse("```a *b*\nc```");
        Assert.All(runs, r => Assert.True(r.Style.HasFlag(MrkdwnStyle.Preformatted)));
        Assert.Equal("a *b*\nc", string.Concat(runs.Select(r => r.Text)));
    }

    [Fact]
    public void ParsePlain_AngleBracketsAndMarkers_StayText()
    {
        var runs = MrkdwnParser.ParsePlain("*Tom* <@U1> &amp; Jerry");
        Assert.Equal("*Tom* <@U1> & Jerry", Assert.Single(runs).Text);
    }

    [Fact]
    public void ToPlainText_DisguisedLink_ShowsRealTarget()
        => Assert.Equal("Refund (https://evil.example)", MrkdwnParser.ToPlainText(MrkdwnParser.Parse("<https://evil.example|Refund>")));
}
