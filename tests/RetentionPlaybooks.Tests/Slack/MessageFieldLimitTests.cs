using System.Text;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.BlockKit;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack;

/// <summary>
/// A message with more fields than Slack takes: ten to a section, as many sections as leave room for the next step,
/// the links, the case's buttons and the context line within Slack's 50 blocks — never a message Slack would refuse.
/// </summary>
public sealed class MessageFieldLimitTests
{
    private static CompilationResult WithFields(int count)
    {
        var fields = new StringBuilder();
        for (var i = 0; i < count; i++) fields.Append($"    F{i}: \"v{i}\"\n");
        return RenderHarness.CompileChanged(dir =>
            dir.Replace("vip-cart-abandonment.yaml", "    Customer: \"{{ customer.first_name | default: 'VIP customer' }}\"\n", fields.ToString()));
    }

    private static List<IReadOnlyList<TextObject>> FieldSections(SlackMessage message) =>
        message.Model.Blocks.OfType<SectionBlock>().Where(s => s.Fields.Count > 0).Select(s => s.Fields).ToList();

    [Fact]
    public void ElevenFields_AreASectionOfTenAndOneOfOne_InOrder()
    {
        var (message, _) = RenderHarness.Render("vip-cart-abandonment", RenderHarness.Sample("vip-cart-abandoned.json"), WithFields(7));

        var sections = FieldSections(message);
        // The seven added and the shipped playbook's four others (tier, lifetime value, cart, top item).
        Assert.Equal([10, 1], sections.Select(s => s.Count));
        Assert.Equal("*F0*\nv0", sections[0][0].Text);
        Assert.Equal("*F6*\nv6", sections[0][6].Text);
        Assert.StartsWith("*Top item*\n", sections[1][0].Text, StringComparison.Ordinal);
        Assert.Empty(BlockKitValidator.Violations(message.Model));
    }

    [Fact]
    public void FiveHundredFields_FillFortyFiveSections_AndTheMessageStaysWithinSlacksLimits()
    {
        var (message, _) = RenderHarness.Render("vip-cart-abandonment", RenderHarness.Sample("vip-cart-abandoned.json"), WithFields(500));

        var sections = FieldSections(message);
        Assert.Equal(BlockKitLimits.Blocks - 5, sections.Count);
        Assert.All(sections, s => Assert.Equal(10, s.Count));
        Assert.Equal("*F449*\nv449", sections[^1][^1].Text);
        Assert.True(message.Model.Blocks.Count <= BlockKitLimits.Blocks);
        Assert.Contains(message.Model.Blocks, b => b is SectionBlock { Text: MrkdwnText t } && t.Text.StartsWith("*Next step:*", StringComparison.Ordinal));
        Assert.Contains(message.Model.Blocks, b => b is ContextBlock);
        Assert.Empty(BlockKitValidator.Violations(message.Model));
    }

    [Fact]
    public void ALinkWhoseLabelRendersEmpty_IsLabelledOpen()
    {
        var compilation = RenderHarness.CompileChanged(dir =>
            dir.Replace("vip-cart-abandonment.yaml", "    - label: Customer.io profile\n", "    - label: \"{{ customer.support_case_id }}\"\n"));

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", RenderHarness.Sample("vip-cart-abandoned.json"), compilation);

        var links = message.Model.Blocks.OfType<ActionsBlock>().Single(b => b.BlockId == "links");
        Assert.Equal("Open", ((ButtonElement)links.Elements[0]).Text.Text);
    }
}
