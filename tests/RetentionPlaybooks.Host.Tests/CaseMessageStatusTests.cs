using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The case message after each change (issue #8, the survivors of the host door's mutation run in CaseMessages): the fallback
/// text's status word, the status line with and without a loaded playbook, the buttons kept, a mention of nobody, and the
/// Lost reasons looked up by playbook id.
/// </summary>
public sealed class CaseMessageStatusTests
{
    private static readonly Lazy<CompilationResult> Playbooks = new(() => PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks));

    private static CompiledPlaybook Playbook(string id) => Playbooks.Value.Playbooks.Single(p => p.Id == id);

    private static readonly DateTimeOffset At = HostApp.Start;

    private static CaseState Case(string? ackBy = null, DateTimeOffset? ackAt = null, string? outcome = null, string? reason = null, string? by = null,
        DateTimeOffset? missed = null) =>
        new("01E", "post-purchase-risk", "C07CXESCAL", At, ackBy, ackAt, outcome, reason, by, outcome is null ? null : At.AddMinutes(9), null, "C07CXESCAL", "1.1",
            SlaDueAt: At.AddDays(1), SlaMissedAt: missed);

    private static readonly byte[] Post = Encoding.UTF8.GetBytes("""
        {"channel":"C07CXESCAL","text":"Order late · owner <@U07CXLEAD>","blocks":[
          {"type":"section","text":{"type":"mrkdwn","text":"x"}},
          {"type":"actions","block_id":"rp_case","elements":[]},
          {"type":"context","block_id":"rp_status_1","elements":[{"type":"mrkdwn","text":"old status"}]}]}
        """);

    private static JsonObject Updated(CaseState state, CompiledPlaybook? playbook = null) =>
        JsonNode.Parse(CaseMessages.Update(Post, state, playbook ?? Playbook("post-purchase-risk")))!.AsObject();

    [Fact]
    public void TheFallbackText_SaysTheStatusInAWord_ReplacingTheOldOne()
    {
        Assert.Equal("Order late · owner <@U07CXLEAD> · status: open", Updated(Case())["text"]!.GetValue<string>());
        Assert.Equal("Order late · owner <@U07CXLEAD> · status: acknowledged", Updated(Case("U1", At.AddMinutes(3)))["text"]!.GetValue<string>());
        Assert.Equal("Order late · owner <@U07CXLEAD> · status: SLA missed", Updated(Case(missed: At.AddDays(1)))["text"]!.GetValue<string>());
        Assert.Equal("Order late · owner <@U07CXLEAD> · status: lost", Updated(Case("U1", At.AddMinutes(3), "lost", "price", "U2"))["text"]!.GetValue<string>());
        // Updated twice: the status is replaced, not appended.
        var twice = JsonNode.Parse(CaseMessages.Update(CaseMessages.Update(Post, Case(), null), Case("U1", At.AddMinutes(3)), null))!;
        Assert.Equal("Order late · owner <@U07CXLEAD> · status: acknowledged", twice["text"]!.GetValue<string>());
    }

    [Fact]
    public void TheStatusLine_IsTheOnlyContextBlockOfOurs_TheOldOneRemoved_AndTheCaseButtonsGoWithAnOutcome()
    {
        var open = Updated(Case())["blocks"]!.AsArray();
        var closed = Updated(Case("U1", At.AddMinutes(3), "saved", null, "U2"))["blocks"]!.AsArray();

        Assert.Single(open, b => b!["block_id"]?.GetValue<string>().StartsWith("rp_status", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(open, b => b!["block_id"]?.GetValue<string>() == "rp_status_1");
        Assert.Contains(open, b => b!["block_id"]?.GetValue<string>() == "rp_case");
        Assert.DoesNotContain(closed, b => b!["block_id"]?.GetValue<string>() == "rp_case");
        Assert.Equal(":white_check_mark: *Saved* by <@U2> · :eyes: Acknowledged by <@U1> after 3 min (SLA 1d: met)",
            closed[^1]!["elements"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("mrkdwn", closed[^1]!["elements"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Status_OfAMissedSla_NamesTheSla_OrSaysItsSlaWhenThePlaybookIsGone_AndSomeoneForAnUnknownClicker()
    {
        var missed = Case(missed: At.AddDays(1));

        Assert.StartsWith(":alarm_clock: Not acknowledged within its SLA (1d); escalated to ", CaseMessages.Status(missed, Playbook("post-purchase-risk")), StringComparison.Ordinal);
        Assert.Equal(":alarm_clock: Not acknowledged within its SLA", CaseMessages.Status(missed, null));
        // Closed without an acknowledgement after the SLA passed: the outcome is the news, not the missed SLA.
        Assert.Equal(":x: *Lost* by <@U2>", CaseMessages.Status(Case(outcome: "lost", by: "U2", missed: At.AddDays(1)), Playbook("post-purchase-risk")));
        Assert.Equal(":x: *Lost* (out of stock) by someone", CaseMessages.Status(Case(outcome: "lost", reason: "out_of_stock", by: ""), null));
    }

    [Fact]
    public void LostReasons_AreThePlaybooksOwn_ByItsId_AndNullForAPlaybookNoLongerLoaded()
    {
        var reasons = CaseMessages.LostReasons(Playbooks.Value);

        Assert.Equal(Playbook("vip-cart-abandonment").LostReasons, reasons("vip-cart-abandonment"));
        Assert.Equal(Playbook("post-purchase-risk").LostReasons, reasons("post-purchase-risk"));
        Assert.Null(reasons("retired-playbook"));
    }

    [Fact]
    public void AfterAnAcknowledgement_TheLostMenu_OffersThePlaybooksOwnReasons()
    {
        var playbook = Playbook("subscription-cancel-save");
        var acked = Case("U1", At.AddMinutes(3)) with { Playbook = playbook.Id };

        var blocks = JsonNode.Parse(CaseMessages.Update(Post, acked, playbook))!["blocks"]!.AsArray();

        var menu = blocks.Single(b => b!["block_id"]?.GetValue<string>() == "rp_case")!["elements"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "static_select")!;
        Assert.Equal(playbook.LostReasons.Select(r => $"01E|{r}"), menu["options"]!.AsArray().Select(o => o!["value"]!.GetValue<string>()));
        Assert.NotEqual(RetentionPlaybooks.Compilation.CompiledPlaybook.DefaultLostReasons, playbook.LostReasons);
    }
}
