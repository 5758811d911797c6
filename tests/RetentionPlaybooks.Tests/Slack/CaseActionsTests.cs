using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.BlockKit;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack;

/// <summary>The case's buttons every escalation message carries: what they hold, their limits, and the model's round trip.</summary>
public sealed class CaseActionsTests
{
    [Fact]
    public void EveryMessage_EndsWithTheCaseActions_BeforeTheContextLine_HoldingOnlyTheEscalationId()
    {
        var (message, _) = RenderHarness.Render("subscription-cancel-save", RenderHarness.Sample("subscription-cancel-requested.json"));

        var blocks = message.Model.Blocks;
        var actions = Assert.IsType<ActionsBlock>(blocks[^2]);
        Assert.IsType<ContextBlock>(blocks[^1]);
        Assert.Equal(MessageRenderer.CaseBlockId, actions.BlockId);
        var acknowledge = Assert.IsType<ButtonElement>(actions.Elements[0]);
        var saved = Assert.IsType<ButtonElement>(actions.Elements[1]);
        var lost = Assert.IsType<StaticSelectElement>(actions.Elements[2]);
        Assert.Equal(("Acknowledge", "rp_acknowledge", "primary", MessageRenderer.PreviewEscalationId, null), (acknowledge.Text.Text, acknowledge.ActionId, acknowledge.Style, acknowledge.Value, acknowledge.Url));
        Assert.Equal(("Saved", "rp_saved", null, MessageRenderer.PreviewEscalationId), (saved.Text.Text, saved.ActionId, saved.Style, saved.Value));
        Assert.Equal(("Lost: why?", "rp_lost"), (lost.Placeholder.Text, lost.ActionId));
        Assert.Equal(["Price", "Switched competitor", "Not using it", "Moving away", "Other"], lost.Options.Select(o => o.Text.Text));
        Assert.Equal(["preview|price", "preview|switched_competitor", "preview|not_using_it", "preview|moving_away", "preview|other"], lost.Options.Select(o => o.Value));
    }

    [Fact]
    public void APlaybookWithoutLostReasons_OffersTheDefaults()
    {
        var (message, _) = RenderHarness.Render("vip-cart-abandonment", RenderHarness.Sample("vip-cart-abandoned.json"));

        var lost = message.Model.Blocks.OfType<ActionsBlock>().Single(b => b.BlockId == MessageRenderer.CaseBlockId).Elements.OfType<StaticSelectElement>().Single();
        Assert.Equal(["preview|price", "preview|product", "preview|service", "preview|other"], lost.Options.Select(o => o.Value));
    }

    [Fact]
    public void Acknowledged_DropsTheAcknowledgeButton_KeepsSavedAndLost()
    {
        var block = MessageRenderer.CaseActions("01E", ["price"], acknowledged: true);

        Assert.Equal(["rp_saved", "rp_lost"], block.Elements.Select(e => e.ActionId));
        Assert.Equal("01E|price", ((StaticSelectElement)block.Elements[1]).Options.Single().Value);
    }

    [Fact]
    public void TheSelect_IsWrittenAndReadBack_AsSlackDefinesIt()
    {
        var message = new BlockKitMessage("C1", "t", [MessageRenderer.CaseActions("01E", ["price", "out_of_stock"])]);

        var json = System.Text.Json.Nodes.JsonNode.Parse(BlockKitWriter.Serialize(message))!;
        var select = json["blocks"]![0]!["elements"]![2]!;
        var read = BlockKitReader.Read(json.AsObject());

        Assert.Equal("static_select", select["type"]!.GetValue<string>());
        Assert.Equal("plain_text", select["placeholder"]!["type"]!.GetValue<string>());
        Assert.Equal("Out of stock", select["options"]![1]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("01E|out_of_stock", select["options"]![1]!["value"]!.GetValue<string>());
        Assert.Equal(System.Text.Encoding.UTF8.GetString(BlockKitWriter.Serialize(message)), System.Text.Encoding.UTF8.GetString(BlockKitWriter.Serialize(read)));
        Assert.Empty(BlockKitValidator.Violations(read));
    }

    [Theory]
    [InlineData(100, 0)]
    [InlineData(101, 1)]
    public void TheValidator_HoldsASelectToSlacksLimits(int options, int problems)
    {
        var select = new StaticSelectElement(new PlainText("p"), "rp_lost", Enumerable.Range(0, options).Select(i => new SelectOption(new PlainText($"o{i}"), $"v{i}")).ToList());
        var message = new BlockKitMessage("C1", "t", [new ActionsBlock([select])]);

        Assert.Equal(problems, BlockKitValidator.Violations(message).Count);
    }

    [Fact]
    public void TheValidator_NamesAnOptionTooLong_AndAnEmptySelect()
    {
        var longOption = new StaticSelectElement(new PlainText("p"), "a", [new SelectOption(new PlainText(new string('x', 76)), "v"), new SelectOption(new PlainText("ok"), new string('v', 151))]);
        var empty = new StaticSelectElement(new PlainText(new string('p', 151)), "b", []);

        var problems = BlockKitValidator.Violations(new BlockKitMessage("C1", "t", [new ActionsBlock([longOption, empty])]));

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("elements[0].options[0].text", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("elements[0].options[1].value", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("elements[1].placeholder", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("elements[1]: 0 options", StringComparison.Ordinal));
    }
}
