using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Storage;
using Outcomes = RetentionPlaybooks.Host.Health.HostMetrics.Outcomes;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>
/// Works through the deliveries (posts, updates, thread replies): claims the oldest due one whose destination is free —
/// the claim holds the destination in the store until the attempt is over, and the destination is free again one
/// interval after it (a Retry-After later after a 429), so one message per interval per Slack channel holds across every
/// process on the database, however long a send takes — and hands it to its destination's sender. 429s are honoured with Retry-After (the whole
/// channel waits), 5xx and timeouts retried with capped exponential backoff (never given up), permanent errors parked as
/// dead letters. A delivery is marked sending when it is claimed; one found sending later (a crash, an expired lease, a
/// failed attempt that may have arrived) is looked up at its destination before it is sent again, so a post goes out once.
/// </summary>
internal sealed class OutboxWorker(
    IDeliveryStore store,
    DeliverySenders senders,
    OutboxSignal signal,
    DeliveryOptions delivery,
    StoreOptions storeOptions,
    TimeProvider time,
    ILogger<OutboxWorker> logger,
    DeliveryLane lane = DeliveryLane.Slack,
    DeliveryRate? rate = null,
    Health.HostMetrics? metrics = null) : ResilientWorker
{
    /// <summary>Which deliveries this worker claims (Slack's, or Customer.io's write-back).</summary>
    public DeliveryLane Lane => lane;

    /// <summary>How its destinations are paced as a rate (the Track API's); null for Slack's per-channel holds.</summary>
    public DeliveryRate? Rate => rate;

    /// <summary>Least time between two sends to one Slack channel; a destination paced as a rate (the Track API's 100
    /// requests/s) is paced when claimed, and its attempts end without holding it: a Retry-After still pushes it back.</summary>
    private TimeSpan Interval => rate is null ? delivery.PerChannelInterval : TimeSpan.Zero;

    protected override TimeProvider Clock => time;

    protected override ILogger Log => logger;

    /// <summary>Who holds this worker's leases.</summary>
    public string Owner => storeOptions.Owner;

    /// <summary>Messages posted since start, for /health.</summary>
    public long Posted { get; private set; }

    // Whatever went wrong, the worker must not die: state is durable, so try again shortly.
    protected override string FailureMessage => "Delivery failed; retrying in 1 s";

    protected override Task<bool> StepAsync(CancellationToken ct) => DeliverOneAsync(ct);

    /// <summary>Claims and delivers the oldest due delivery whose destination is free; false when nothing can go now.</summary>
    internal async Task<bool> DeliverOneAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var item = await store.ClaimAsync(Owner, now, now + storeOptions.Lease, ct, lane, rate).ConfigureAwait(false);
        if (item is null) return false;
        if (senders.For(item.Kind) is not { } sender)
        {
            await store.MarkRetryAsync(Owner, item.Id, now + delivery.RetryMaxDelay, $"no sender for {item.Kind} deliveries is configured", countAttempt: false, inDoubt: item.InDoubt, now, ct).ConfigureAwait(false);
            logger.LogError("Delivery {Id} ({Kind}) has no sender configured; retrying in {Seconds} s", item.Id, item.Kind, delivery.RetryMaxDelay.TotalSeconds);
            return true;
        }

        if (item.InDoubt)
        {
            // The last attempt may have reached the destination even though we saw a failure (a timeout, a lost response, a crash).
            var found = await sender.FindAsync(item, ct).ConfigureAwait(false);
            now = time.GetUtcNow();
            if (found.Posted == true)
            {
                // Nothing was sent now: the destination is free at once.
                await store.MarkSentAsync(Owner, item.Id, found.Channel!, found.Ts!, now, now, ct).ConfigureAwait(false);
                metrics?.Delivered(item, lane, Outcomes.AlreadySent);
                logger.LogInformation("Delivery {Id} ({Kind} of escalation {Escalation}) was already in Slack ({Channel} {Ts}); not sending again",
                    item.Id, item.Kind, item.EscalationId, found.Channel, found.Ts);
                return true;
            }
            if (found.Posted is null && found.CanRetry)
            {
                // Cannot tell yet (Slack unreachable?): wait rather than risk a second message.
                var wait = Backoff(Math.Max(1, item.Attempts - 1));
                await store.MarkRetryAsync(Owner, item.Id, now + wait, $"in doubt, cannot check Slack yet: {found.Error}", countAttempt: false, inDoubt: true, now + Interval, ct).ConfigureAwait(false);
                metrics?.Delivered(item, lane, Outcomes.InDoubt);
                return true;
            }
            if (found.Posted is null)
            {
                // Slack will not tell us (a missing scope, a channel gone): never risk a second message. The operator sees
                // it in /dead-letters and /health, checks the channel, and resends by hand if it is not there.
                await store.MarkDeadAsync(Owner, item.Id, $"in doubt: may already be in Slack, and cannot be checked ({found.Error}); not resent to avoid a duplicate", now, now, ct).ConfigureAwait(false);
                metrics?.Delivered(item, lane, Outcomes.Dead);
                logger.LogError("Delivery {Id} may already be in Slack but cannot be looked up ({Error}); parked as a dead letter instead of risking a duplicate", item.Id, found.Error);
                return true;
            }
        }

        var result = await sender.SendAsync(item, ct).ConfigureAwait(false);
        now = time.GetUtcNow();
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                await store.MarkSentAsync(Owner, item.Id, result.Channel!, result.Ts!, now, now + Interval, ct).ConfigureAwait(false);
                Posted++;
                metrics?.Delivered(item, lane, Outcomes.Sent);
                logger.LogInformation("Delivery {Id} ({Kind} of {Playbook}) sent to {Channel} as {Ts}", item.Id, item.Kind, item.Playbook, item.Channel, result.Ts);
                break;
            case SendOutcome.RateLimited:
                // The whole destination waits: a channel for Retry-After; a rate-paced one as well (its next-free time is
                // where a burst may run ahead of, so it is set a burst past Retry-After).
                var wait = result.RetryAfter ?? TimeSpan.FromSeconds(1);
                await store.MarkRetryAsync(Owner, item.Id, now + wait, $"rate limited; retry after {wait.TotalSeconds:0.#} s", countAttempt: false, inDoubt: false, now + wait + (rate?.Burst ?? TimeSpan.Zero), ct).ConfigureAwait(false);
                metrics?.Delivered(item, lane, Outcomes.RateLimited);
                logger.LogWarning("Slack rate-limited {Channel}; waiting {Seconds} s as Retry-After asks", item.Channel, wait.TotalSeconds);
                break;
            case SendOutcome.Transient:
                var backoff = Backoff(item.Attempts);
                await store.MarkRetryAsync(Owner, item.Id, now + backoff, result.Error ?? "transient failure", countAttempt: true, inDoubt: result.InDoubt, now + Interval, ct).ConfigureAwait(false);
                metrics?.Delivered(item, lane, Outcomes.Retry);
                logger.LogWarning("Delivery {Id} not delivered ({Error}); retry {Attempt} in {Seconds} s", item.Id, result.Error, item.Attempts, backoff.TotalSeconds);
                break;
            default:
                await store.MarkDeadAsync(Owner, item.Id, result.Error ?? "permanent failure", now, now + Interval, ct).ConfigureAwait(false);
                metrics?.Delivered(item, lane, Outcomes.Dead);
                logger.LogError("Delivery {Id} ({Kind} of {Playbook} → {Channel}) parked as a dead letter: Slack said {Error}", item.Id, item.Kind, item.Playbook, item.Channel, result.Error);
                break;
        }
        return true;
    }

    /// <summary>The wait between steps, for tests that drive the worker step by step on the fake clock.</summary>
    internal Task WaitAsync(CancellationToken ct) => WaitForWorkAsync(ct);

    /// <summary>Sleeps until the next delivery or destination is due, or new work arrives.</summary>
    protected override async Task WaitForWorkAsync(CancellationToken ct)
    {
        while (true)
        {
            var next = await NextWakeAsync(time.GetUtcNow(), ct).ConfigureAwait(false);
            // The clock is read after the store (a read takes a while, and the clock may have moved meanwhile).
            var now = time.GetUtcNow();
            if (next is { } soon && soon <= now) return;
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var waitSignal = signal.For(lane).WaitAsync(wake.Token);
            Task? timer = next is { } at ? Task.Delay(at - now, time, wake.Token) : null;
            // A timer counts from when it is armed: if the clock moved on between reading it and arming the timer (a test
            // advancing a fake clock, a thread paused), the timer would fire that much late. Then arm it again.
            var rearm = timer is not null && time.GetUtcNow() - now > TimeSpan.FromMilliseconds(1);
            if (!rearm) await (timer is null ? waitSignal : Task.WhenAny(waitSignal, timer)).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(timer is null ? [waitSignal] : [waitSignal, timer]).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The other wait was cancelled because one finished.
            }
            // Armed again only when nothing woke it meanwhile (a wake-up taken from the signal is not lost: it returns).
            if (!rearm || waitSignal.IsCompletedSuccessfully) return;
        }
    }

    /// <summary>
    /// When the next delivery can go: the store's earliest claim time (a due time or its destination becoming free,
    /// whichever is later; a lease expiring); null when nothing is pending. A time already past means "now", never
    /// "wait for the next webhook".
    /// </summary>
    internal async Task<DateTimeOffset?> NextWakeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var next = await store.NextClaimAsync(ct, lane, rate).ConfigureAwait(false);
        return next is { } at && at < now ? now : next;
    }

    /// <summary>The delay after the <paramref name="attempt"/>-th failed attempt: the base delay, doubled each attempt, capped.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(attempt, 1) - 1, 20));
        var delay = TimeSpan.FromMilliseconds(delivery.RetryBaseDelay.TotalMilliseconds * factor);
        return delay > delivery.RetryMaxDelay ? delivery.RetryMaxDelay : delay;
    }
}
