using RetentionPlaybooks.Slack.Preview;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Preview;

public sealed class TerminalPreviewTests
{
    [Fact]
    public void Render_VipCart_ReadsLikeTheMessage()
    {
        var expected = """
            VIP cart abandoned: $184.00
            ===========================

            Customer: Maria
            Cart: 2 items, $184.00

            Next step: Send a personal note <soon>

            [Customer.io profile] https://fly.customer.io/workspaces/1/journeys/people/abc/activity

            [Acknowledge]
            [Not worth saving]

            Playbook vip-cart-abandonment · Owner @U07RETLEAD · SLA 2h · 42 min ago

            """;

        Assert.Equal(expected, TerminalPreview.Render(PreviewFixtures.VipCart()));
    }

    [Fact]
    public void Render_HostileText_ShowsDecodedTextAndRealLinkTargets()
    {
        var text = TerminalPreview.Render(PreviewFixtures.Hostile());

        Assert.Contains("Win back <b>Tom</b> & Jerry\n==========================", text, StringComparison.Ordinal);
        Assert.Contains("Customer: <script>alert(1)</script>\n", text, StringComparison.Ordinal);
        Assert.Contains("Company: A & B <!channel>\n", text, StringComparison.Ordinal);
        Assert.Contains("See Refund (javascript:alert(1)) and the order (https://example.com/a_b?x=1&y=2) for #vip-saves @here", text, StringComparison.Ordinal);
        Assert.Contains("[Open] javascript:alert(2)", text, StringComparison.Ordinal);
        Assert.Contains("Owner @U07RETLEAD \"quoted\" 'single'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ControlCharacters_AreReplacedSoTheTerminalIsNotRepainted()
    {
        var message = PreviewFixtures.Parse("""{"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"a\u001b[2Jb\tc"}}]}""");

        Assert.Equal("a\uFFFD[2Jb c\n", TerminalPreview.Render(message));
    }

    [Fact]
    public void Render_UnknownBlockAndMultilineField_AreShownNotDropped()
    {
        var message = PreviewFixtures.Parse("""
            {"blocks":[
              {"type":"image","image_url":"https://x.io/a.png","alt_text":"a"},
              {"type":"divider"},
              {"type":"section","text":{"type":"mrkdwn","text":"Intro"},"fields":[{"type":"mrkdwn","text":"*Items:*\nShoes\nHat"},{"type":"mrkdwn","text":"no label"}]}
            ]}
            """);

        Assert.Equal(
            "[image block not shown]\n\n" + new string('-', 40) + "\n\nIntro\n\nItems: Shoes\n  Hat\nno label\n",
            TerminalPreview.Render(message));
    }

    [Fact]
    public void Render_MistypedProperties_AreSkippedWithoutThrowing()
    {
        var message = PreviewFixtures.Parse("""{"blocks":[{"type":"header","text":"not an object"},{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Go"},"url":42}]},7]}""");

        Assert.Equal("[header block not shown]\n\n[Go]\n", TerminalPreview.Render(message));
    }
}
