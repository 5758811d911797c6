using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The host's instruments as a metrics backend sees them, in process: every name, unit and description (what a dashboard
/// and `# HELP` show), the gauges read from the figures of the last scrape (none before one, none after a failed one), and
/// which counts are made of which events. MetricsTests reads the same through GET /metrics.
/// </summary>
public sealed class HostMetricsInstrumentsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly MetricsRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    private static DeliveryItem Item(DeliveryKind kind, string? clock = null) =>
        new("D1", "E1", kind, "vip-cart-abandonment", "vip-saves", "C1", [], DeliveryState.Sending, 0, Now, Now, null, null, null, Clock: clock);

    [Fact]
    public void EveryInstrument_HasItsName_Unit_AndDescription()
    {
        Assert.Equal(
            [
                ("rp.webhooks.accepted", "{signal}", "Webhook signals stored in the inbox, by source"),
                ("rp.webhooks.duplicate", "{signal}", "Webhook signals already in the inbox (redeliveries), by source"),
                ("rp.webhooks.refused", "{request}", "Webhook requests refused, by source and reason (the problem type)"),
                ("rp.deliveries", "{attempt}", "Delivery attempts, by kind and what became of them (sent, already_sent, retry, rate_limited, in_doubt, dead)"),
                ("rp.slack.rate_limited", "{response}", "Slack answers 429 to any Web API call (posts, updates, the in-doubt lookups), by method"),
                ("rp.sla.breaches", "{case}", "Cases whose SLA ran out unacknowledged (the breach clock fired), by playbook"),
                ("rp.write_back.failures", "{attempt}", "Customer.io write-back attempts that failed (retry) or were parked (dead)"),
                ("rp.inbox.lag", "s", "Age of the oldest unprocessed webhook"),
                ("rp.inbox.pending", "{signal}", "Webhooks stored and not yet processed"),
                ("rp.outbox.pending", "{delivery}", "Slack deliveries due or being sent"),
                ("rp.outbox.oldest", "s", "Age of the oldest undelivered message"),
                ("rp.write_back.pending", "{delivery}", "Customer.io calls waiting or being sent"),
                ("rp.sla.clocks_scheduled", "{clock}", "SLA clocks waiting for their time"),
                ("rp.dead_letters", "{delivery}", "Deliveries parked as dead letters"),
            ],
            _recorder.Instruments.Select(i => (i.Name, i.Unit, i.Description)));
    }

    [Fact]
    public void TheGauges_ReadTheLastScrapesFigures_AndNothingWithoutThem()
    {
        _recorder.Observe();
        Assert.Empty(_recorder.Measurements);

        var stats = new StoreStats(InboxPending: 2, InboxTotal: 11, Pending: 3, Sending: 4, Sent: 5, Dead: 6, Quarantined: 7,
            OldestInboxPendingAt: Now.AddSeconds(-30), OldestOutboxAt: Now.AddSeconds(-90), Failing: 0, RecentQuarantined: 0, RecentDead: 0,
            Scheduled: 8, WriteBackPending: 9, WriteBackSent: 10);
        _recorder.Metrics.Observe(stats, Now);
        _recorder.Observe();

        Assert.Equal(
            [("rp.inbox.lag", 30.0), ("rp.inbox.pending", 2), ("rp.outbox.pending", 7), ("rp.outbox.oldest", 90), ("rp.write_back.pending", 9),
             ("rp.sla.clocks_scheduled", 8), ("rp.dead_letters", 6)],
            _recorder.Measurements.Select(m => (m.Name, m.Value)));

        _recorder.Clear();
        _recorder.Metrics.Observe(null, Now);
        _recorder.Observe();
        Assert.Empty(_recorder.Measurements);
    }

    [Fact]
    public void Webhooks_AreCountedOnlyWhenThereAreAny()
    {
        _recorder.Metrics.WebhooksAccepted("journey", 0, 0);
        _recorder.Metrics.WebhooksAccepted("reporting", 3, 0);
        _recorder.Metrics.WebhooksAccepted("pipelines", 0, 2);

        Assert.Equal(
            [("rp.webhooks.accepted", 3.0, "reporting"), ("rp.webhooks.duplicate", 2, "pipelines")],
            _recorder.Measurements.Select(m => (m.Name, m.Value, (string?)m.Tags["source"])));
    }

    [Theory]
    [InlineData("retry", true)]
    [InlineData("dead", true)]
    [InlineData("in_doubt", true)]
    [InlineData("sent", false)]
    [InlineData("rate_limited", false)]
    public void AWriteBackFailure_IsARetryADeadLetterOrInDoubt_OfACustomerIoCallOnly(string outcome, bool failure)
    {
        _recorder.Metrics.Delivered(Item(DeliveryKind.CustomerIo), DeliveryLane.CustomerIo, outcome);
        _recorder.Metrics.Delivered(Item(DeliveryKind.Post), DeliveryLane.Slack, outcome);

        Assert.Equal(failure ? 1 : 0, _recorder.Measurements.Count(m => m.Name == "rp.write_back.failures"));
        Assert.Equal([("customer_io", outcome), ("post", outcome)],
            _recorder.Measurements.Where(m => m.Name == "rp.deliveries").Select(m => ((string?)m.Tags["kind"], (string?)m.Tags["outcome"])));
    }
}
