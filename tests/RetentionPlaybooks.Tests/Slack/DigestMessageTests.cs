using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.BlockKit;
using RetentionPlaybooks.Workspace;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack;

/// <summary>
/// The digest message: one line per escalation (title, value, owner, time, first link, a case menu), a header with the count
/// and a context line with the channel's policy; within Block Kit's limits however many and however long the lines; customer
/// text escaped; the committed snapshot of a three-line digest.
/// </summary>
public sealed class DigestMessageTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 13, 5, 0, TimeSpan.Zero);
    private static readonly CompiledPlaybook Vip = RenderHarness.Compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment");
    private static readonly ChannelSymbol VipSaves = RenderHarness.Compilation.Workspace!.Channels["vip-saves"] with
    {
        Digest = new DigestPolicy(TimeSpan.FromMinutes(30), 5, TimeSpan.FromMinutes(10)),
    };

    private static Escalation Escalation(string id, decimal cartValue, DateTimeOffset at, Action<JsonObject>? change = null)
    {
        var payload = RenderHarness.Sample("vip-cart-abandoned.json");
        payload["event"]!["data"]!["cart_value"] = cartValue;
        change?.Invoke(payload);
        var (message, _) = RenderHarness.Render(Vip.Id, payload, channel: "vip-saves");
        return new Escalation(id, Vip.Id, "cus_1", VipSaves, null, message, at) { Value = cartValue, Digested = true };
    }

    [Fact]
    public void Line_HasTheTitleValueOwnerTimeAndFirstLink_AndAMenuOfTheCasesActions()
    {
        var line = DigestMessage.Line(Escalation("01JDIGESTLINE0000000000001", 184m, At), Vip);

        Assert.Equal("rp_line_01JDIGESTLINE0000000000001", line.BlockId);
        var text = line.Text!.Text;
        // The title shows the value already: it is not repeated.
        Assert.StartsWith("*VIP cart abandoned: $184.00* · <@U07RETLEAD> · <!date^1795871100^{time}|13:05 UTC> · <https://", text, StringComparison.Ordinal);
        var menu = Assert.IsType<StaticSelectElement>(line.Accessory);
        Assert.Equal(DigestMessage.CaseMenuId, menu.ActionId);
        Assert.Equal(
            ["ack|01JDIGESTLINE0000000000001", "saved|01JDIGESTLINE0000000000001", .. Vip.LostReasons.Select(r => $"lost|01JDIGESTLINE0000000000001|{r}")],
            menu.Options.Select(o => o.Value));
        Assert.Equal(["Acknowledge", "Saved", .. Vip.LostReasons.Select(r => "Lost: " + r.Replace('_', ' '))], menu.Options.Select(o => o.Text.Text));
    }

    [Fact]
    public void Line_WithoutAValue_LeavesItOut_AndALinkTargetWithMarkupCharactersIsEncoded()
    {
        var escalation = Escalation("01JDIGESTLINE0000000000002", 184m, At) with { Value = null };
        var otherValue = Escalation("01JDIGESTLINE0000000000003", 184m, At) with { Value = 99.5m };

        var text = DigestMessage.Line(escalation, Vip).Text!.Text;
        var other = DigestMessage.Line(otherValue, Vip).Text!.Text;

        Assert.DoesNotContain(" · $184.00 ·", text, StringComparison.Ordinal);
        Assert.StartsWith("*VIP cart abandoned: $184.00* · <@", text, StringComparison.Ordinal);
        // A value the title does not show is on the line.
        Assert.StartsWith("*VIP cart abandoned: $184.00* · $99.50 · <@U07RETLEAD> · ", other, StringComparison.Ordinal);
        Assert.Equal("https://x.example/a%7Cb%3Cc%3Ed%20e&amp;f", DigestMessage.LinkTarget("https://x.example/a|b<c>d e&f"));
        Assert.Equal("https://x.example/plain", DigestMessage.LinkTarget("https://x.example/plain"));
        Assert.Equal("%7Cstarts-with-a-bar", DigestMessage.LinkTarget("|starts-with-a-bar"));
    }

    [Fact]
    public void Line_WithALinkTooLongForTheSection_LeavesTheLinkOut_NeverCutsIt()
    {
        var escalation = Escalation("01JDIGESTLINE0000000000004", 184m, At);
        var longUrl = "https://acme-coffee.myshopify.com/admin/customers/" + new string('9', 2950);
        var blocks = escalation.Message.Model.Blocks
            .Select(b => b is ActionsBlock { BlockId: "links" } ? new ActionsBlock([new ButtonElement(new PlainText("Shop"), longUrl, "link_0")]) { BlockId = "links" } : b)
            .ToList();
        var longLink = escalation with { Message = new SlackMessage(escalation.Message.Model with { Blocks = blocks }) };

        var text = DigestMessage.Line(longLink, Vip).Text!.Text;

        Assert.DoesNotContain("<https://", text, StringComparison.Ordinal);
        Assert.EndsWith("UTC>", text, StringComparison.Ordinal);
        Assert.True(text.Length <= BlockKitLimits.SectionText);
        // One character shorter in all and the link fits, whole.
        const string prefix = "https://acme-coffee.myshopify.com/admin/customers/";
        var fits = prefix + new string('9', BlockKitLimits.SectionText - prefix.Length - text.Length - " · <|Shop>".Length);
        var withFit = longLink with { Message = new SlackMessage(escalation.Message.Model with { Blocks = [.. blocks.Select(b => b is ActionsBlock { BlockId: "links" } ? new ActionsBlock([new ButtonElement(new PlainText("Shop"), fits, "link_0")]) { BlockId = "links" } : b)] }) };
        var fitted = DigestMessage.Line(withFit, Vip).Text!.Text;
        Assert.Equal(BlockKitLimits.SectionText, fitted.Length);
        Assert.EndsWith("|Shop>", fitted, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_EscapesTheTitle_NoCustomerTextCanMentionOrLink()
    {
        // The shipped title shows only the money value; a title that quoted customer text would be escaped by the renderer and again here.
        var escalation = Escalation("01JDIGESTLINE0000000000003", 184m, At);
        var hostile = escalation with
        {
            Message = new SlackMessage(escalation.Message.Model with { Blocks = [new HeaderBlock(new PlainText("<!channel> & <https://evil.example|win>")), .. escalation.Message.Model.Blocks.Skip(1)] }),
        };

        var text = DigestMessage.Line(hostile, Vip).Text!.Text;

        Assert.StartsWith("*&lt;!channel&gt; &amp; &lt;https://evil.example|win&gt;* · ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Assemble_PutsTheLinesUnderAHeaderWithTheCount_OldestFirst_WithTheDigestsMetadata()
    {
        var lines = new[] { 120m, 260m, 99.5m }.Select((v, i) => DigestMessage.LineJson(Escalation($"01JDIGESTLINE000000000001{i}", v, At.AddMinutes(i)), Vip)).ToList();

        var message = DigestMessage.Assemble("01JDIGEST00000000000000001", DigestMessage.Head(VipSaves), lines);

        Assert.Equal("C07VIPSAVES", message.Channel);
        Assert.Equal("Digest: 3 escalations for vip-saves", message.Text);
        var blocks = message.Model.Blocks;
        Assert.Equal("Digest: 3 escalations for vip-saves", Assert.IsType<HeaderBlock>(blocks[0]).Text.Text);
        Assert.Equal("Past this channel's daily budget or in a burst, escalations roll up here (after 5 in 10m, every 30m). Each line is a case: mark it from its menu.",
            Assert.IsType<ContextBlock>(blocks[1]).Elements[0].Text);
        Assert.Equal(["rp_line_01JDIGESTLINE0000000000010", "rp_line_01JDIGESTLINE0000000000011", "rp_line_01JDIGESTLINE0000000000012"], blocks.Skip(2).Select(b => b.BlockId));
        Assert.Equal(new EscalationMetadata(DigestMessage.MetadataEventType, "01JDIGEST00000000000000001", DigestMessage.MetadataPlaybook), message.Model.Metadata);
        Assert.Empty(BlockKitValidator.Violations(message.Model));
    }

    [Fact]
    public void Assemble_OneLine_SaysEscalationInTheSingular_AndWithoutAfterDoesNotMentionABurst()
    {
        var head = DigestMessage.Head(VipSaves with { Digest = new DigestPolicy(TimeSpan.FromHours(1)) });

        var message = DigestMessage.Assemble("01JDIGEST00000000000000002", head, [DigestMessage.LineJson(Escalation("01JDIGESTLINE0000000000020", 184m, At), Vip)]);

        Assert.Equal("Digest: 1 escalation for vip-saves", message.Text);
        Assert.Equal("Past this channel's daily budget, escalations roll up here (every 1h). Each line is a case: mark it from its menu.",
            Assert.IsType<ContextBlock>(message.Model.Blocks[1]).Elements[0].Text);
    }

    [Fact]
    public void Assemble_TheMostLinesAMessageHolds_EachAsLongAsSlackAllows_StaysWithinEveryBlockKitLimit()
    {
        var longTitle = new string('x', 5000);
        var escalation = Escalation("01JDIGESTLINE0000000000030", 184m, At);
        var big = escalation with
        {
            Message = new SlackMessage(escalation.Message.Model with { Blocks = [new HeaderBlock(new PlainText(longTitle)), .. escalation.Message.Model.Blocks.Skip(1)] }),
        };
        var manyReasons = Enumerable.Range(0, 150).Select(i => $"reason_{i}_" + new string('r', 70)).ToList();
        var playbook = new CompiledPlaybook
        {
            Id = Vip.Id, File = Vip.File, Description = Vip.Description, Enabled = Vip.Enabled, Trigger = Vip.Trigger, Gates = Vip.Gates, Excludes = Vip.Excludes,
            Routes = Vip.Routes, Owner = Vip.Owner, Sla = Vip.Sla, Guardrails = Vip.Guardrails, HoldPromotions = Vip.HoldPromotions, Pii = Vip.Pii, Message = Vip.Message,
            LostReasons = manyReasons,
        };
        var line = DigestMessage.LineJson(big, playbook);

        var full = DigestMessage.Assemble("01JDIGEST00000000000000003", DigestMessage.Head(VipSaves), Enumerable.Repeat(line, DigestPolicy.MaxLines + 7).ToList());

        Assert.Empty(BlockKitValidator.Violations(full.Model));
        Assert.Equal(DigestPolicy.MaxLines + 2, full.Model.Blocks.Count);
        Assert.True(full.Model.Blocks.Count <= BlockKitLimits.Blocks);
        Assert.Equal(BlockKitLimits.SelectOptions, ((StaticSelectElement)((SectionBlock)full.Model.Blocks[2]).Accessory!).Options.Count);
        Assert.Equal($"Digest: {DigestPolicy.MaxLines} escalations for vip-saves", full.Text);
    }

    [Fact]
    public void Assemble_SkipsALineThatIsNotASectionBlock()
    {
        var good = DigestMessage.LineJson(Escalation("01JDIGESTLINE0000000000040", 184m, At), Vip);
        var notASection = System.Text.Encoding.UTF8.GetBytes("""{"type":"divider"}""");
        var notAnObject = System.Text.Encoding.UTF8.GetBytes("[1,2]");
        var notJson = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"section\",");
        var noText = System.Text.Encoding.UTF8.GetBytes("""{"type":"section"}""");

        var message = DigestMessage.Assemble("01JDIGEST00000000000000004", DigestMessage.Head(VipSaves), [notASection, good, notAnObject, notJson, noText, [0xff, 0xfe]]);

        Assert.Equal("Digest: 1 escalation for vip-saves", message.Text);
        Assert.Equal(3, message.Model.Blocks.Count);
        Assert.Empty(BlockKitValidator.Violations(message.Model));
    }

    [Fact]
    public void Assemble_AHeadThatDoesNotRead_FallsBackToTheDeliverysTarget_NeverThrows()
    {
        var good = DigestMessage.LineJson(Escalation("01JDIGESTLINE0000000000041", 184m, At), Vip);

        var message = DigestMessage.Assemble("01JDIGEST00000000000000006", System.Text.Encoding.UTF8.GetBytes("not json"), [good], "C07VIPSAVES");

        Assert.Equal("C07VIPSAVES", message.Channel);
        Assert.Equal("Digest: 1 escalation for C07VIPSAVES", message.Text);
        Assert.Equal("Past this channel's daily budget, escalations roll up here (). Each line is a case: mark it from its menu.",
            Assert.IsType<ContextBlock>(message.Model.Blocks[1]).Elements[0].Text);
    }

    [Fact]
    public void Line_OfAMessageWithoutAHeaderOrALink_IsTitledByThePlaybook_AndHasNoLink()
    {
        var escalation = Escalation("01JDIGESTLINE0000000000042", 184m, At);
        var bare = escalation with
        {
            Message = new SlackMessage(escalation.Message.Model with { Blocks = [.. escalation.Message.Model.Blocks.Where(b => b is not HeaderBlock and not ActionsBlock)] }),
        };

        var text = DigestMessage.Line(bare, Vip).Text!.Text;

        Assert.StartsWith("*vip-cart-abandonment* · $184.00 · <@U07RETLEAD> · <!date^", text, StringComparison.Ordinal);
        Assert.EndsWith("UTC>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ThreeLineDigest_MatchesItsSnapshot()
    {
        var escalations = new[] { 184m, 312.4m, 1250m }.Select((v, i) => (Escalation($"01JDIGESTLINE000000000005{i}", v, At.AddMinutes(7 * i)), Vip));

        var message = DigestMessage.Render("01JDIGEST00000000000000005", VipSaves, escalations);

        var path = Path.Combine(RepoPaths.Root, "tests", "RetentionPlaybooks.Tests", "Slack", "Snapshots", "digest-vip-saves.json");
        var actual = message.ToPrettyJson();
        if (!File.Exists(path) || File.ReadAllText(path) != actual)
        {
            File.WriteAllText(Path.ChangeExtension(path, ".received.json"), actual);
            Assert.Fail($"the digest differs from {path}; the new one is in {Path.ChangeExtension(path, ".received.json")} (review it, then move it over the snapshot)");
        }
    }
}
