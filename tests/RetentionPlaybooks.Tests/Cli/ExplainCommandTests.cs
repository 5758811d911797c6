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
