using System.Diagnostics.Metrics;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Health;

/// <summary>
/// The host's instruments, on the meter <see cref="MeterName"/> of this host's <see cref="IMeterFactory"/> (so two hosts in
/// one process count apart). Every tag is one of a few fixed words (a source, a problem type, a delivery kind, an outcome):
/// never a customer id, an email or any other value from a payload.
/// </summary>
internal sealed class HostMetrics
{
    public const string MeterName = "RetentionPlaybooks";

    private readonly Counter<long> _webhooksAccepted;
    private readonly Counter<long> _webhooksDuplicate;
    private readonly Counter<long> _webhooksRefused;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _slackRateLimited;
    private readonly Counter<long> _slaBreaches;
    private readonly Counter<long> _writeBackFailures;
    private volatile Observed? _observed;

    public HostMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _webhooksAccepted = meter.CreateCounter<long>("rp.webhooks.accepted", "{signal}", "Webhook signals stored in the inbox, by source");
        _webhooksDuplicate = meter.CreateCounter<long>("rp.webhooks.duplicate", "{signal}", "Webhook signals already in the inbox (redeliveries), by source");
        _webhooksRefused = meter.CreateCounter<long>("rp.webhooks.refused", "{request}", "Webhook requests refused, by source and reason (the problem type)");
        _deliveries = meter.CreateCounter<long>("rp.deliveries", "{attempt}", "Delivery attempts, by kind and what became of them (sent, already_sent, retry, rate_limited, in_doubt, dead)");
        _slackRateLimited = meter.CreateCounter<long>("rp.slack.rate_limited", "{response}", "Slack answers 429 to any Web API call (posts, updates, the in-doubt lookups), by method");
        _slaBreaches = meter.CreateCounter<long>("rp.sla.breaches", "{case}", "Cases whose SLA ran out unacknowledged (the breach clock fired), by playbook");
        _writeBackFailures = meter.CreateCounter<long>("rp.write_back.failures", "{attempt}", "Customer.io write-back attempts that failed (retry) or were parked (dead)");
        meter.CreateObservableGauge("rp.inbox.lag", () => Stat((s, now) => StoreHealthCheck.Age(now, s.OldestInboxPendingAt).TotalSeconds),
            "s", "Age of the oldest unprocessed webhook");
        meter.CreateObservableGauge("rp.inbox.pending", () => Stat((s, _) => s.InboxPending), "{signal}", "Webhooks stored and not yet processed");
        meter.CreateObservableGauge("rp.outbox.pending", () => Stat((s, _) => s.Pending + s.Sending), "{delivery}", "Slack deliveries due or being sent");
        meter.CreateObservableGauge("rp.outbox.oldest", () => Stat((s, now) => StoreHealthCheck.Age(now, s.OldestOutboxAt).TotalSeconds),
            "s", "Age of the oldest undelivered message");
        meter.CreateObservableGauge("rp.write_back.pending", () => Stat((s, _) => s.WriteBackPending), "{delivery}", "Customer.io calls waiting or being sent");
        meter.CreateObservableGauge("rp.sla.clocks_scheduled", () => Stat((s, _) => s.Scheduled), "{clock}", "SLA clocks waiting for their time");
        meter.CreateObservableGauge("rp.dead_letters", () => Stat((s, _) => s.Dead), "{delivery}", "Deliveries parked as dead letters");
    }

    /// <summary>The store's figures for the gauges, read once per scrape before it (<see cref="MetricsEndpoint"/>).</summary>
    public void Observe(StoreStats? stats, DateTimeOffset at) => _observed = stats is null ? null : new Observed(stats, at);

    public void WebhooksAccepted(string source, int accepted, int duplicates)
    {
        var tag = new KeyValuePair<string, object?>("source", source);
        if (accepted > 0) _webhooksAccepted.Add(accepted, tag);
        if (duplicates > 0) _webhooksDuplicate.Add(duplicates, tag);
    }

    public void WebhookRefused(string source, string reason) =>
        _webhooksRefused.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>One Slack Web API call's outcome (the client's observer sees every call, the in-doubt lookups too): a 429 is counted.</summary>
    public void SlackCalled(string method, RetentionPlaybooks.Slack.Api.SlackCallOutcome outcome)
    {
        if (outcome == RetentionPlaybooks.Slack.Api.SlackCallOutcome.RateLimited) _slackRateLimited.Add(1, new KeyValuePair<string, object?>("method", method));
    }

    /// <summary>What became of one delivery attempt; the SLA breach and a write-back failure are read from it.</summary>
    public void Delivered(DeliveryItem item, DeliveryLane lane, string outcome)
    {
        var kind = KindTag(item.Kind);
        _deliveries.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome == Outcomes.Sent && item.Clock == SlaClocks.Breach) _slaBreaches.Add(1, new KeyValuePair<string, object?>("playbook", item.Playbook));
        if (item.Kind == DeliveryKind.CustomerIo && outcome is Outcomes.Retry or Outcomes.Dead or Outcomes.InDoubt)
        {
            _writeBackFailures.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>The outcomes a delivery attempt is counted under.</summary>
    public static class Outcomes
    {
        public const string Sent = "sent";
        public const string AlreadySent = "already_sent";
        public const string Retry = "retry";
        public const string RateLimited = "rate_limited";
        public const string InDoubt = "in_doubt";
        public const string Dead = "dead";
    }

    private static string KindTag(DeliveryKind kind) => kind switch
    {
        DeliveryKind.Post => "post",
        DeliveryKind.Update => "update",
        DeliveryKind.ThreadReply => "thread_reply",
        DeliveryKind.Forward => "forward",
        DeliveryKind.Ephemeral => "ephemeral",
        DeliveryKind.CustomerIo => "customer_io",
        DeliveryKind.Digest => "digest",
        _ => "other",
    };

    private IEnumerable<Measurement<T>> Stat<T>(Func<StoreStats, DateTimeOffset, T> figure) where T : struct =>
        _observed is { } o ? [new Measurement<T>(figure(o.Stats, o.At))] : [];

    private sealed record Observed(StoreStats Stats, DateTimeOffset At);
}
