using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Tests.Slack;
using Xunit;

namespace RetentionPlaybooks.Tests.Pipeline;

/// <summary>
/// The pipeline the host and the CLI share, over in-memory stores: typed outcomes, guardrails judged at each signal's
/// own time (a replay decides as the live host did), a time in the future clamped to the time received.
/// </summary>
public sealed class SignalPipelineTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1795870800); // the sample's timestamp

    private readonly InMemoryStores _stores = new();
    private long _source;

    private static JsonObject Cart(string customer, DateTimeOffset? at, string? checkout = null, Action<JsonObject>? change = null)
    {
        var j = RenderHarness.Sample("vip-cart-abandoned.json");
        j["customer"]!["id"] = customer;
        j["event"]!["data"]!["checkout_id"] = checkout ?? "chk_" + Guid.NewGuid().ToString("N");
        if (at is { } t) j["timestamp"] = t.ToUnixTimeSeconds();
        else j.Remove("timestamp");
        change?.Invoke(j);
        return j;
    }

    /// <summary>One payload as a batch of its own, its escalations then stored in the history (as the host commits them).</summary>
    private async Task<IReadOnlyList<PlaybookOutcome>> RunAsync(JsonObject payload, DateTimeOffset receivedAt, SignalSource source = SignalSource.Journey, DateTimeOffset? renderedAt = null)
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);
        using var doc = JsonDocument.Parse(payload.ToJsonString());
        var outcomes = await pipeline.ProcessAsync(++_source, source, doc.RootElement, "k" + _source, receivedAt, renderedAt ?? receivedAt, CancellationToken.None);
        _stores.Commit(pipeline, outcomes);
        return outcomes;
    }

    private static PlaybookOutcome Vip(IReadOnlyList<PlaybookOutcome> outcomes) => Assert.Single(outcomes, o => o.Playbook?.Id == "vip-cart-abandonment");

    [Fact]
    public async Task AnEscalation_CarriesWhatItsCaseIsWorth_ThePlaybooksValueField()
    {
        // The VIP cart playbook declares value: event.cart_value; the report sums it as the value at stake and saved.
        var escalated = Vip(await RunAsync(Cart("cus_value", T0, change: j => j["event"]!["data"]!["cart_value"] = 212.5), T0));

        Assert.Equal(Outcome.Escalated, escalated.Outcome);
        Assert.Equal(212.5m, escalated.Escalation!.Value);
    }

    [Fact]
    public async Task Replay_CooldownIsJudgedAtTheSignalsTime_NotWhenItIsProcessed()
    {
        // Both processed long after they happened, a day apart in their own time: the second is within the 7-day cooldown.
        var late = T0 + TimeSpan.FromDays(30);
        var first = Vip(await RunAsync(Cart("cus_r", T0), late));
        var second = Vip(await RunAsync(Cart("cus_r", T0 + TimeSpan.FromDays(1)), late + TimeSpan.FromDays(8)));

        Assert.Equal(Outcome.Escalated, first.Outcome);
        Assert.Equal(T0, first.Escalation!.EvaluatedAt);
        Assert.Equal(Outcome.Suppressed, second.Outcome);
        Assert.Equal(SuppressionKind.Cooldown, second.Suppression!.Kind);
        Assert.Equal("cooldown: this customer was escalated 1 day ago (cooldown 1w)", second.Reason);
    }

    [Fact]
    public async Task Replay_EightDaysApartInTheirOwnTime_BothEscalate_ThoughProcessedAMinuteApart()
    {
        var now = T0 + TimeSpan.FromDays(60);
        var first = Vip(await RunAsync(Cart("cus_s", T0), now));
        var second = Vip(await RunAsync(Cart("cus_s", T0 + TimeSpan.FromDays(8)), now + TimeSpan.FromMinutes(1)));

        Assert.Equal(Outcome.Escalated, first.Outcome);
        Assert.Equal(Outcome.Escalated, second.Outcome);
    }

    [Fact]
    public async Task TimestampInTheFuture_IsEvaluatedAtTheTimeReceived()
    {
        // A refund 20 days before receipt excludes; judged at the claimed time, 100 days on, it would not.
        var refund = T0 - TimeSpan.FromDays(20);
        var outcome = Vip(await RunAsync(Cart("cus_f", T0 + TimeSpan.FromDays(100), change: j => j["customer"]!["last_refund_at"] = refund.ToUnixTimeSeconds()), T0));

        Assert.Equal(Outcome.Excluded, outcome.Outcome);
        Assert.Contains("last_refund_at within 30d", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoTimestamp_IsEvaluatedAtTheTimeReceived()
    {
        var outcome = Vip(await RunAsync(Cart("cus_n", null), T0 + TimeSpan.FromHours(5)));

        Assert.Equal(T0 + TimeSpan.FromHours(5), outcome.Escalation!.EvaluatedAt);
    }

    [Fact]
    public async Task RelativeTimeInTheMessage_IsRelativeToWhenItIsRendered()
    {
        var outcome = Vip(await RunAsync(Cart("cus_t", T0), T0 + TimeSpan.FromDays(3), renderedAt: T0 + TimeSpan.FromDays(3)));

        Assert.Contains("3 days ago", outcome.Escalation!.Message.ToPrettyJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dedupe_SameCheckoutInOneBatch_SecondIsSuppressedAsDedupe()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);
        var outcomes = new List<PlaybookOutcome>();
        foreach (var customer in new[] { "cus_d1", "cus_d2" })
        {
            using var doc = JsonDocument.Parse(Cart(customer, T0, checkout: "chk_same").ToJsonString());
            outcomes.AddRange(await pipeline.ProcessAsync(++_source, SignalSource.Journey, doc.RootElement, "k", T0, T0, CancellationToken.None));
        }

        Assert.Equal([Outcome.Escalated, Outcome.Suppressed], outcomes.Select(o => o.Outcome));
        Assert.Equal(SuppressionKind.Dedupe, outcomes[1].Suppression!.Kind);
    }

    [Fact]
    public async Task Forget_DropsAnEscalationOfTheBatch_SoItNoLongerCounts()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);
        using var first = JsonDocument.Parse(Cart("cus_g", T0, checkout: "chk_g").ToJsonString());
        using var second = JsonDocument.Parse(Cart("cus_g", T0, checkout: "chk_g").ToJsonString());

        var a = await pipeline.ProcessAsync(1, SignalSource.Journey, first.RootElement, "a", T0, T0, CancellationToken.None);
        pipeline.Forget(1);
        var b = await pipeline.ProcessAsync(2, SignalSource.Journey, second.RootElement, "b", T0, T0, CancellationToken.None);

        Assert.Equal(Outcome.Escalated, Vip(a).Outcome);
        Assert.Equal(Outcome.Escalated, Vip(b).Outcome);
    }

    [Fact]
    public async Task UnmatchedEvent_IsOneNoTriggerOutcome()
    {
        var outcome = Assert.Single(await RunAsync(Cart("cus_u", T0, change: j => j["event"]!["name"] = "page_viewed"), T0));

        Assert.Equal(Outcome.NoTrigger, outcome.Outcome);
        Assert.Null(outcome.Playbook);
        Assert.Equal("no playbook is triggered by the event \"page_viewed\"", outcome.Reason);
    }

    [Fact]
    public async Task EnvelopeWithoutATrigger_IsUnreadable_WithTheParsersReason()
    {
        var outcome = Assert.Single(await RunAsync(new JsonObject { ["customer"] = new JsonObject { ["id"] = "c" } }, T0));

        Assert.Equal(Outcome.Unreadable, outcome.Outcome);
        Assert.StartsWith("the payload names no trigger", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelinesPageCall_IsNoTrigger_AndAnIdentifyWithoutAWatchedChangeIsNothing()
    {
        var page = Assert.Single(await RunAsync(new JsonObject { ["type"] = "page", ["userId"] = "u1", ["messageId"] = "m1" }, T0, SignalSource.Pipelines));
        var identify = await RunAsync(new JsonObject { ["type"] = "identify", ["userId"] = "u1", ["messageId"] = "m2", ["traits"] = new JsonObject { ["plan"] = "x" } }, T0, SignalSource.Pipelines);

        Assert.Equal(Outcome.NoTrigger, page.Outcome);
        Assert.Equal("a Data Pipelines \"page\" call carries no trigger (only track and identify do)", page.Reason);
        Assert.Empty(identify);
    }

    [Fact]
    public async Task PipelinesTrack_GoesThroughTheSameStages()
    {
        var track = new JsonObject
        {
            ["type"] = "track",
            ["event"] = "checkout_abandoned",
            ["userId"] = "cus_p",
            ["messageId"] = "m3",
            ["timestamp"] = "2026-11-28T13:00:00Z",
            ["properties"] = new JsonObject { ["checkout_id"] = "chk_p", ["cart_value"] = 300 },
            ["context"] = new JsonObject { ["traits"] = new JsonObject { ["ltv"] = 5000, ["order_count"] = 3, ["first_name"] = "Ana" } },
        };

        var outcome = Vip(await RunAsync(track, T0 + TimeSpan.FromHours(1), SignalSource.Pipelines));

        Assert.Equal(Outcome.Escalated, outcome.Outcome);
        Assert.Equal("cus_p", outcome.Escalation!.CustomerId);
        Assert.Equal(T0, outcome.Escalation.EvaluatedAt);
    }

    [Fact]
    public async Task DailyCap_InTheSignalsOwnDay_TypedAsDailyCap()
    {
        // daily_cap 8 for vip-cart-abandonment: the ninth distinct cart of the same (signal) day is held back.
        var outcomes = new List<PlaybookOutcome>();
        for (var i = 0; i < 9; i++) outcomes.Add(Vip(await RunAsync(Cart($"cus_c{i}", T0 + TimeSpan.FromMinutes(i)), T0 + TimeSpan.FromDays(10))));
        var nextDay = Vip(await RunAsync(Cart("cus_c9", T0 + TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1)), T0 + TimeSpan.FromDays(10)));

        Assert.All(outcomes.Take(8), o => Assert.Equal(Outcome.Escalated, o.Outcome));
        Assert.Equal(SuppressionKind.DailyCap, outcomes[8].Suppression!.Kind);
        Assert.Equal(Outcome.Escalated, nextDay.Outcome);
    }

    [Theory]
    [InlineData(0, 0)]        // at the time received
    [InlineData(-3600, -3600)]
    [InlineData(1, 0)]        // one second in the future: the time received
    public void EvaluatedAt_TheSignalsTime_OrTheTimeReceivedWhenLater(int offsetSeconds, int expectedOffset)
    {
        var signal = new Signal("c", default, null, T0 + TimeSpan.FromSeconds(offsetSeconds));

        Assert.Equal(T0 + TimeSpan.FromSeconds(expectedOffset), signal.EvaluatedAt(T0));
        Assert.Equal(T0, (signal with { Timestamp = null }).EvaluatedAt(T0));
    }
}
