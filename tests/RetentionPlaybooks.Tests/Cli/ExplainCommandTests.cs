using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

public sealed class ExplainCommandTests
{
    private static string Sample(string name) => Path.Combine(RepoPaths.Playbooks, "samples", name);

    [Fact]
    public void Explain_VipCart_ShowsEveryGateValueAndTheChannel()
    {
        var (exit, output, _) = CliRunner.Run("explain", "--event", Sample("vip-cart-abandoned.json"), RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Contains("playbook vip-cart-abandonment", output, StringComparison.Ordinal);
        Assert.Contains(": ESCALATE", output, StringComparison.Ordinal);
        Assert.Contains("event.cart_value = 184, needs >= 150", output, StringComparison.Ordinal);
        Assert.Contains("customer.last_refund_at is missing", output, StringComparison.Ordinal);
        Assert.Contains("=> escalates to vip-saves (default route)", output, StringComparison.Ordinal);
        Assert.Contains("channel vip-saves (C07VIPSAVES), owner retention-lead, sla 2h", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_FailingGate_SaysWhichGateAndWhy()
    {
        using var dir = new TempPlaybooks();
        var payload = File.ReadAllText(Sample("vip-cart-abandoned.json")).Replace("\"cart_value\": 184.00", "\"cart_value\": 95.5", StringComparison.Ordinal);
        var file = Path.Combine(dir.Path, "small-cart.json");
        File.WriteAllText(file, payload);

        var (exit, output, _) = CliRunner.Run("explain", "--event", file, RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Contains("vip-cart-abandonment (", output, StringComparison.Ordinal);
        Assert.Contains("): skip", output, StringComparison.Ordinal);
        Assert.Contains("gate    FAIL     event.cart_value >= 150", output, StringComparison.Ordinal);
        Assert.Contains("=> gate \"event.cart_value >= 150\" did not hold: event.cart_value = 95.50, needs >= 150", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_RecentRefund_IsExcludedWithTheReason()
    {
        using var dir = new TempPlaybooks();
        // 2026-11-20, eight days before the payload's timestamp.
        var payload = File.ReadAllText(Sample("vip-cart-abandoned.json")).Replace("\"last_refund_at\": \"\"", "\"last_refund_at\": 1795132800", StringComparison.Ordinal);
        var file = Path.Combine(dir.Path, "refunded.json");
        File.WriteAllText(file, payload);

        var (_, output, _) = CliRunner.Run("explain", "--event", file, RepoPaths.Playbooks);

        Assert.Contains("exclude EXCLUDED customer.last_refund_at within 30d\n                   excluded: customer.last_refund_at = 2026-11-20T00:00:00Z (8d ago) (excluded when within 30d)\n", output, StringComparison.Ordinal);
        Assert.Contains("=> excluded by \"customer.last_refund_at within 30d\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_NowOption_MovesTheClock()
    {
        using var dir = new TempPlaybooks();
        var payload = File.ReadAllText(Sample("vip-cart-abandoned.json")).Replace("\"last_refund_at\": \"\"", "\"last_refund_at\": 1795132800", StringComparison.Ordinal);
        var file = Path.Combine(dir.Path, "refunded.json");
        File.WriteAllText(file, payload);

        // Forty days after the refund, the exclusion no longer applies.
        var (_, output, _) = CliRunner.Run("explain", "--event", file, "--now", "2026-12-30T00:00:00Z", RepoPaths.Playbooks);

        Assert.Contains("at 2026-12-30T00:00:00Z", output, StringComparison.Ordinal);
        Assert.Contains(": ESCALATE", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_SegmentSample_TriggersOnlyTheSegmentPlaybook()
    {
        var (exit, output, _) = CliRunner.Run("explain", "--event", Sample("winback-segment-entered.json"), RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Contains("playbook winback-exclusions", output, StringComparison.Ordinal);
        Assert.DoesNotContain("playbook vip-cart-abandonment", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_UnknownEvent_SaysNoPlaybookTriggers()
    {
        using var dir = new TempPlaybooks();
        var file = Path.Combine(dir.Path, "other.json");
        File.WriteAllText(file, """{ "customer": { "id": "c1" }, "event": { "name": "page_viewed", "data": {} } }""");

        var (exit, output, _) = CliRunner.Run("explain", "--event", file, RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Contains("no playbook triggers on this signal (4 playbook(s) loaded)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_MalformedJson_ExitsOneWithPosition()
    {
        using var dir = new TempPlaybooks();
        var file = Path.Combine(dir.Path, "bad.json");
        File.WriteAllText(file, "{ \"customer\": { \"id\": \"c1\" ");

        var (exit, _, err) = CliRunner.Run("explain", "--event", file, RepoPaths.Playbooks);

        Assert.Equal(1, exit);
        Assert.Contains("invalid JSON", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ExclusionThatDoesNotApply_SaysNotExcludedAndWhenItWouldBe()
    {
        var (exit, output, _) = CliRunner.Run("explain", "--event", Sample("vip-cart-abandoned.json"), RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Contains("exclude ok       customer.open_support_case\n                   not excluded: customer.open_support_case = false (excluded when true)\n", output, StringComparison.Ordinal);
        Assert.Contains("not excluded: customer.unsubscribed is missing\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("needs true", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_EventFileIsADirectory_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run("explain", "--event", Path.Combine(RepoPaths.Playbooks, "samples"), RepoPaths.Playbooks);

        Assert.Equal(2, exit);
        Assert.Contains("is a directory; give a JSON payload file", error, StringComparison.Ordinal);
    }
}

/// <summary>explain over the whole pipeline: every source the host takes, and the guardrails against a replayed history.</summary>
public sealed class ExplainPipelineTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rp-explain-" + Guid.NewGuid().ToString("N"));

    public ExplainPipelineTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Cart(string checkout, long timestamp) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Playbooks, "samples", "vip-cart-abandoned.json")))!.AsObject() is var j
            ? Set(j, checkout, timestamp) : "";

    private static string Set(System.Text.Json.Nodes.JsonObject j, string checkout, long timestamp)
    {
        j["event"]!["data"]!["checkout_id"] = checkout;
        j["timestamp"] = timestamp;
        return j.ToJsonString();
    }

    [Fact]
    public void DataPipelinesTrack_IsExplainedThroughTheSamePlaybooks()
    {
        var track = Write("track.json", """
            {"type": "track", "event": "checkout_abandoned", "userId": "cus_77", "messageId": "m-1", "timestamp": "2026-11-28T13:00:00Z",
             "properties": {"checkout_id": "chk_9", "cart_value": 320},
             "context": {"traits": {"ltv": 4200, "order_count": 6, "first_name": "Ana"}}}
            """);

        var (exit, output, error) = CliRunner.Run("explain", "--event", track, RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("signal: event \"checkout_abandoned\" (Pipelines) at 2026-11-28T13:00:00Z", output, StringComparison.Ordinal);
        Assert.Contains("playbook vip-cart-abandonment (", output, StringComparison.Ordinal);
        Assert.Contains(": ESCALATE", output, StringComparison.Ordinal);
        Assert.Contains("event.cart_value = 320, needs >= 150", output, StringComparison.Ordinal);
        Assert.Contains("guard   pass     cooldown 1w, dedupe key \"cart-chk_9\", daily cap 8, channel budget 25 (vip-saves)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void DataPipelinesBatch_ExplainsEachEvent()
    {
        var batch = Write("batch.json", """
            {"batch": [
              {"type": "track", "event": "checkout_abandoned", "userId": "u1", "messageId": "m-1", "properties": {"cart_value": 10}},
              {"type": "track", "event": "page_viewed", "userId": "u2", "messageId": "m-2"}
            ]}
            """);

        var (exit, output, _) = CliRunner.Run("explain", "--event", batch, RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Contains("signal: event \"checkout_abandoned\" (Pipelines)", output, StringComparison.Ordinal);
        Assert.Contains("): skip", output, StringComparison.Ordinal);
        Assert.Contains("signal: event \"page_viewed\" (Pipelines)", output, StringComparison.Ordinal);
        Assert.Contains("no playbook triggers on this signal (4 playbook(s) loaded)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportingWebhook_IsTheEventObjectTypeAndMetric()
    {
        var reporting = Write("reporting.json", """
            {"event_id": "01HX", "object_type": "email", "metric": "bounced", "timestamp": 1795870800,
             "data": {"identifiers": {"id": "cus_1001", "email": "maria@example.com"}, "campaign_id": 7}}
            """);

        var (exit, output, error) = CliRunner.Run("explain", "--event", reporting, RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("signal: event \"email_bounced\" (Reporting) at 2026-11-28T13:00:00Z", output, StringComparison.Ordinal);
        Assert.Contains("no playbook triggers on this signal", output, StringComparison.Ordinal);
    }

    [Fact]
    public void History_ACooldownShownHolding()
    {
        // The same VIP abandoned another cart a day before: the cooldown (1w) holds this one back.
        var history = Write("history.ndjson", Cart("chk_earlier", 1795870800 - 86400) + "\n\n");
        var now = Write("now.json", Cart("chk_now", 1795870800));

        var (exit, output, error) = CliRunner.Run("explain", "--event", now, "--history", history, RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("history: 1 payload(s) from " + history + " replayed, 1 escalation(s)", output, StringComparison.Ordinal);
        Assert.Contains("playbook vip-cart-abandonment (", output, StringComparison.Ordinal);
        Assert.Contains("): SUPPRESSED", output, StringComparison.Ordinal);
        Assert.Contains("guard   HELD     cooldown 1w, dedupe key, daily cap 8, channel budget 25 (vip-saves)\n                   cooldown: this customer was escalated 1 day ago (cooldown 1w)\n", output, StringComparison.Ordinal);
        Assert.Contains("=> suppressed (escalates to vip-saves (default route), then held by the guardrail)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void History_EightDaysEarlier_TheCooldownHasPassed()
    {
        var history = Write("history.ndjson", Cart("chk_earlier", 1795870800 - 8 * 86400));
        var now = Write("now.json", Cart("chk_now", 1795870800));

        var (_, output, _) = CliRunner.Run("explain", "--event", now, "--history", history, RepoPaths.Playbooks);

        Assert.Contains(": ESCALATE", output, StringComparison.Ordinal);
        Assert.Contains("guard   pass     cooldown 1w", output, StringComparison.Ordinal);
    }

    private static string Sample(string name, string customer)
    {
        var j = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Playbooks, "samples", name)))!.AsObject();
        j["customer"]!["id"] = customer;
        return j.ToJsonString();
    }

    [Fact]
    public void History_AnOpenCancelSaveCase_InhibitsTheWinbackAudit_AndNamesTheCase()
    {
        // The same customer asked to cancel two hours earlier; the replay marks no outcome, so the case is open.
        var history = Write("history.ndjson", Sample("subscription-cancel-requested.json", "cus_same"));
        var now = Write("now.json", Sample("winback-segment-entered.json", "cus_same"));

        var (exit, output, error) = CliRunner.Run("explain", "--event", now, "--history", history, "--now", "2026-11-28T16:00:00Z", RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("playbook winback-exclusions (", output, StringComparison.Ordinal);
        Assert.Contains("): INHIBITED", output, StringComparison.Ordinal);
        Assert.Matches(@"\n  inhibit HELD     inhibited_by subscription-cancel-save \(within 2w\)\n                   inhibited: case [0-9A-Z]{26} of subscription-cancel-save is open \(escalated 2 h ago\)\n", output);
        Assert.DoesNotContain("guard ", output, StringComparison.Ordinal);
        Assert.Contains("=> inhibited (escalates to retention-ops (default route), then held by an open case)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void History_AnotherCustomersCase_DoesNotInhibit_AndTheStepSaysSo()
    {
        var history = Write("history.ndjson", Sample("subscription-cancel-requested.json", "cus_other"));
        var now = Write("now.json", Sample("winback-segment-entered.json", "cus_same"));

        var (_, output, _) = CliRunner.Run("explain", "--event", now, "--history", history, "--now", "2026-11-28T16:00:00Z", RepoPaths.Playbooks);

        Assert.Contains("): ESCALATE", output, StringComparison.Ordinal);
        Assert.Contains("  inhibit pass     inhibited_by subscription-cancel-save (within 2w)\n                   no open case of these playbooks for this customer\n  guard   pass", output, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutHistory_TheInhibitStepIsShown_AgainstNoEarlierEscalations_OnlyForAPlaybookWithARule()
    {
        var (_, output, _) = CliRunner.Run("explain", "--event", Path.Combine(RepoPaths.Playbooks, "samples", "winback-segment-entered.json"), RepoPaths.Playbooks);
        var (_, vip, _) = CliRunner.Run("explain", "--event", Path.Combine(RepoPaths.Playbooks, "samples", "vip-cart-abandoned.json"), RepoPaths.Playbooks);

        Assert.Contains("  inhibit pass     inhibited_by subscription-cancel-save (within 2w)\n                   against no earlier escalations (give --history FILE to replay earlier payloads)\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("inhibit ", vip, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"hello\": 1}", "(1,1): error: not a Customer.io payload")]
    [InlineData("{\"event\": 1", "(1,12): error: invalid JSON")]
    public void History_BadLine_SaysWhichLine_ExitsOne(string line, string expected)
    {
        var history = Write("history.ndjson", line);
        var now = Write("now.json", Cart("chk_now", 1795870800));

        var (exit, output, error) = CliRunner.Run("explain", "--event", now, "--history", history, RepoPaths.Playbooks);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith(history + expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void History_Missing_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run("explain", "--event", Write("now.json", Cart("c", 1795870800)), "--history", Path.Combine(_dir, "nope.ndjson"), RepoPaths.Playbooks);

        Assert.Equal(2, exit);
        Assert.Contains("playbooks explain: no such file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NotAPayload_SaysWhatIsExpected()
    {
        var (exit, _, error) = CliRunner.Run("explain", "--event", Write("x.json", "[1, 2]"), RepoPaths.Playbooks);

        Assert.Equal(1, exit);
        Assert.Contains("error: not a Customer.io payload: expected a Journey body", error, StringComparison.Ordinal);
    }
}
