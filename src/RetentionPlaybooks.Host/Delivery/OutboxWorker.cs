using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>
/// Delivers the outbox to Slack: at most one message per interval per channel, 429s honoured with Retry-After,
/// 5xx and timeouts retried with capped exponential backoff (never given up), permanent errors parked as dead
/// letters. A send is marked before it goes out; after a crash, or a retry, the escalation's metadata is looked
/// up in Slack first, so an escalation is posted exactly once.
/// </summary>
internal sealed class OutboxWorker(
    IEscalationStore store,
    ISlackSender sender,
    OutboxSignal signal,
    DeliveryOptions options,
    TimeProvider time,
    ILogger<OutboxWorker> logger) : ResilientWorker
{
    protected override TimeProvider Clock => time;

    protected override ILogger Log => logger;

    private readonly Dictionary<string, DateTimeOffset> _channelNext = new(StringComparer.Ordinal);

    /// <summary>Messages posted since start, for /health.</summary>
    public long Posted { get; private set; }

    // Whatever went wrong, the worker must not die: state is durable, so try again shortly.
    protected override string FailureMessage => "Outbox delivery failed; retrying in 1 s";

    protected override Task PrepareAsync(CancellationToken ct) => RecoverInDoubtAsync(ct);

    protected override Task<bool> StepAsync(CancellationToken ct) => DeliverOneAsync(ct);

    /// <summary>Sends the oldest due escalation whose channel is free; false when nothing can be sent now.</summary>
    internal async Task<bool> DeliverOneAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = await store.DueAsync(now, 500, ct).ConfigureAwait(false);
        var item = due.FirstOrDefault(i => !_channelNext.TryGetValue(i.Target, out var next) || next <= now);
        if (item is null) return false;

        if (item.InDoubt)
        {
            // The last attempt may have reached Slack even though we saw a failure (a timeout, a lost response).
            var found = await sender.FindAsync(item, ct).ConfigureAwait(false);
            if (found.Posted == true)
            {
                await store.MarkSentAsync(item.Id, found.Channel!, found.Ts!, now, ct).ConfigureAwait(false);
                logger.LogInformation("Escalation {Id} was already in Slack ({Channel} {Ts}); not posting again", item.Id, found.Channel, found.Ts);
                return true;
            }
            if (found.Posted is null && found.CanRetry)
            {
                // Cannot tell yet (Slack unreachable?): wait rather than risk a second message.
                var wait = Backoff(Math.Max(1, item.Attempts));
                _channelNext[item.Target] = now + options.PerChannelInterval;
                await store.MarkRetryAsync(item.Id, now + wait, $"in doubt, cannot check Slack yet: {found.Error}", countAttempt: false, inDoubt: true, ct).ConfigureAwait(false);
                return true;
            }
            if (found.Posted is null)
            {
                // Slack will not tell us (a missing scope, a channel gone): never risk a second message. The operator sees
                // it in /dead-letters and /health, checks the channel, and resends by hand if it is not there.
                await store.MarkDeadAsync(item.Id, $"in doubt: may already be in Slack, and cannot be checked ({found.Error}); not resent to avoid a duplicate", ct).ConfigureAwait(false);
                logger.LogError("Escalation {Id} may already be in Slack but cannot be looked up ({Error}); parked as a dead letter instead of risking a duplicate", item.Id, found.Error);
                return true;
            }
        }

        await store.MarkSendingAsync(item.Id, ct).ConfigureAwait(false);
        var result = await sender.SendAsync(item, ct).ConfigureAwait(false);
        now = time.GetUtcNow();
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                await store.MarkSentAsync(item.Id, result.Channel!, result.Ts!, now, ct).ConfigureAwait(false);
                _channelNext[item.Target] = now + options.PerChannelInterval;
                Posted++;
                logger.LogInformation("Escalation {Id} ({Playbook}) posted to {Channel} as {Ts}", item.Id, item.Playbook, item.Channel, result.Ts);
                break;
            case SendOutcome.RateLimited:
                var wait = result.RetryAfter ?? TimeSpan.FromSeconds(1);
                _channelNext[item.Target] = now + wait;
                await store.MarkRetryAsync(item.Id, now + wait, $"rate limited; retry after {wait.TotalSeconds:0.#} s", countAttempt: false, inDoubt: false, ct).ConfigureAwait(false);
                logger.LogWarning("Slack rate-limited {Channel}; waiting {Seconds} s as Retry-After asks", item.Channel, wait.TotalSeconds);
                break;
            case SendOutcome.Transient:
                var backoff = Backoff(item.Attempts + 1);
                _channelNext[item.Target] = now + options.PerChannelInterval;
                await store.MarkRetryAsync(item.Id, now + backoff, result.Error ?? "transient failure", countAttempt: true, inDoubt: result.InDoubt, ct).ConfigureAwait(false);
                logger.LogWarning("Escalation {Id} not delivered ({Error}); retry {Attempt} in {Seconds} s", item.Id, result.Error, item.Attempts + 1, backoff.TotalSeconds);
                break;
            default:
                await store.MarkDeadAsync(item.Id, result.Error ?? "permanent failure", ct).ConfigureAwait(false);
                logger.LogError("Escalation {Id} ({Playbook} → {Channel}) parked as a dead letter: Slack said {Error}", item.Id, item.Playbook, item.Channel, result.Error);
                break;
        }
        return true;
    }

    /// <summary>Sleeps until the next escalation or channel is due, or new work arrives.</summary>
    protected override async Task WaitForWorkAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var next = await NextWakeAsync(now, ct).ConfigureAwait(false);
        if (next is { } soon && soon <= now) return;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var waitSignal = signal.Signal.WaitAsync(wake.Token);
        Task? timer = next is { } at ? Task.Delay(at > now ? at - now : TimeSpan.Zero, time, wake.Token) : null;
        await (timer is null ? waitSignal : Task.WhenAny(waitSignal, timer)).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(timer is null ? [waitSignal] : [waitSignal, timer]).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The other wait was cancelled because one finished.
        }
    }

    /// <summary>
    /// When the next escalation can go: the earliest of each due one's channel becoming free (now, if free) and
    /// the next not-yet-due one becoming due; null when nothing is pending. The clock may have moved since the
    /// last look, so an escalation already due never means "wait for the next webhook", and one whose channel is
    /// still paced never means "spin".
    /// </summary>
    internal async Task<DateTimeOffset?> NextWakeAsync(DateTimeOffset now, CancellationToken ct)
    {
        DateTimeOffset? next = await store.NextDueAsync(now, ct).ConfigureAwait(false);
        foreach (var item in await store.DueAsync(now, 500, ct).ConfigureAwait(false))
        {
            var free = _channelNext.TryGetValue(item.Target, out var f) && f > now ? f : now;
            if (next is null || free < next) next = free;
        }
        return next;
    }

    private TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 20));
        var delay = TimeSpan.FromMilliseconds(options.RetryBaseDelay.TotalMilliseconds * factor);
        return delay > options.RetryMaxDelay ? options.RetryMaxDelay : delay;
    }

    /// <summary>Escalations left "sending" by a crash go back to pending, marked in doubt: they are looked up before any resend.</summary>
    private async Task RecoverInDoubtAsync(CancellationToken ct)
    {
        foreach (var item in await store.InDoubtAsync(ct).ConfigureAwait(false))
        {
            await store.MarkRetryAsync(item.Id, time.GetUtcNow(), "interrupted by a restart", countAttempt: false, inDoubt: true, ct).ConfigureAwait(false);
            logger.LogInformation("Escalation {Id} was being sent when the host stopped; checking Slack before sending again", item.Id);
        }
    }

}
