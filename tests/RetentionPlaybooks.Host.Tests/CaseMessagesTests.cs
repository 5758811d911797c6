using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The status line and the message update, piece by piece.</summary>
public sealed class CaseMessagesTests
{
    private static CaseState Case(DateTimeOffset? acked = null, string? outcome = null, string? reason = null, byte[]? body = null) =>
        new("01E", "vip-cart-abandonment", "C07VIPSAVES", HostApp.Start, acked is null ? null : "U1", acked, outcome, reason, outcome is null ? null : "U2",
            outcome is null ? null : HostApp.Start.AddHours(1), body, "C07VIPSAVES", "1.1");

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(59, "59 s")]
    [InlineData(60, "1 min")]
    [InlineData(3599, "59 min")]
    [InlineData(3600, "1 h")]
    [InlineData(3660, "1 h 1 min")]
    [InlineData(86399, "23 h 59 min")]
    [InlineData(86400, "1 d")]
    [InlineData(90000, "1 d 1 h")]
    [InlineData(-5, "0 s")]
    public void Span_InTheLargestUnitsThatFit(int seconds, string text)
    {
        Assert.Equal(text, CaseMessages.Span(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Status_AtTheSlaExactly_IsMet_OneSecondLater_IsMissed()
    {
        var sla = TimeSpan.FromHours(2);
        Assert.Equal(":eyes: Acknowledged by <@U1> after 2 h", CaseMessages.Status(Case(acked: HostApp.Start + sla), null));
        var playbook = RetentionPlaybooks.Compilation.PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks).Playbooks.Single(p => p.Id == "vip-cart-abandonment");
        Assert.Equal(sla, playbook.Sla);
        Assert.Equal(":eyes: Acknowledged by <@U1> after 2 h (SLA 2h: met)", CaseMessages.Status(Case(acked: HostApp.Start + sla), playbook));
        Assert.Equal(":eyes: Acknowledged by <@U1> after 2 h (SLA 2h: missed by 1 s)", CaseMessages.Status(Case(acked: HostApp.Start + sla + TimeSpan.FromSeconds(1)), playbook));
    }

    [Fact]
    public void Status_OutcomeFirst_ThenTheAcknowledgement_ReasonsReadable()
    {
        Assert.Equal(":x: *Lost* (out of stock) by <@U2>", CaseMessages.Status(Case(outcome: "lost", reason: "out_of_stock"), null));
        Assert.Equal(":white_check_mark: *Saved* by <@U2> · :eyes: Acknowledged by <@U1> after 4 min", CaseMessages.Status(Case(acked: HostApp.Start.AddMinutes(4), outcome: "saved"), null));
    }

    [Fact]
    public void Update_KeepsThePostsBlocks_ReplacesTheStatusLine_AndDropsTheChannel()
    {
        var post = """{"channel":"C07VIPSAVES","text":"VIP cart abandoned","blocks":[{"type":"header","text":{"type":"plain_text","text":"VIP"}},{"type":"context","block_id":"rp_status_1","elements":[{"type":"mrkdwn","text":"old"}]}],"metadata":{"event_type":"retention_escalation"}}""";

        var once = CaseMessages.Update(Encoding.UTF8.GetBytes(post), Case(acked: HostApp.Start.AddMinutes(1)), null);
        var twice = CaseMessages.Update(once, Case(acked: HostApp.Start.AddMinutes(1), outcome: "saved"), null);

        var message = JsonNode.Parse(twice)!.AsObject();
        Assert.False(message.ContainsKey("channel"));
        var blocks = message["blocks"]!.AsArray();
        Assert.Equal(["header", "context"], blocks.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal($"rp_status_{HostApp.Start.AddHours(1).ToUnixTimeMilliseconds()}", blocks[1]!["block_id"]!.GetValue<string>());
        Assert.Equal("VIP cart abandoned · status: saved", message["text"]!.GetValue<string>());
        Assert.Equal("retention_escalation", message["metadata"]!["event_type"]!.GetValue<string>());
    }
}
