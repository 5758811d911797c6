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
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, DateTimeOffset> _channelNext = new(StringComparer.Ordinal);

    /// <summary>Messages posted since start, for /health.</summary>
    public long Posted { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverInDoubtAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var worked = await DeliverOneAsync(stoppingToken).ConfigureAwait(false);
                if (!worked) await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A store hiccup: nothing is lost (state is durable); try again shortly.
                logger.LogError(ex, "Outbox delivery failed; retrying in 1 s");
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends the oldest due escalation whose channel is free; false when nothing can be sent now.</summary>
    internal async Task<bool> DeliverOneAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = await store.DueAsync(now, 500, ct).ConfigureAwait(false);
        var item = due.FirstOrDefault(i => !_channelNext.TryGetValue(i.Target, out var next) || next <= now);
        if (item is null) return false;

        if (item.Attempts > 0)
        {
            // Earlier attempts may have reached Slack even though we saw a failure (a lost response).
            var found = await sender.FindAsync(item, ct).ConfigureAwait(false);
            if (found.Posted == true)
            {
                await store.MarkSentAsync(item.Id, found.Channel!, found.Ts!, now, ct).ConfigureAwait(false);
                logger.LogInformation("Escalation {Id} was already in Slack ({Channel} {Ts}); not posting again", item.Id, found.Channel, found.Ts);
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
                await store.MarkRetryAsync(item.Id, now + wait, $"rate limited; retry after {wait.TotalSeconds:0.#} s", countAttempt: false, ct).ConfigureAwait(false);
                logger.LogWarning("Slack rate-limited {Channel}; waiting {Seconds} s as Retry-After asks", item.Channel, wait.TotalSeconds);
                break;
            case SendOutcome.Transient:
                var backoff = Backoff(item.Attempts + 1);
                _channelNext[item.Target] = now + options.PerChannelInterval;
                await store.MarkRetryAsync(item.Id, now + backoff, result.Error ?? "transient failure", countAttempt: true, ct).ConfigureAwait(false);
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
    private async Task WaitForWorkAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? next = null;
        void Consider(DateTimeOffset at)
        {
            if (at > now && (next is null || at < next)) next = at;
        }
        if (await store.NextDueAsync(ct).ConfigureAwait(false) is { } nextDue) Consider(nextDue);
        foreach (var item in await store.DueAsync(now, 500, ct).ConfigureAwait(false))
        {
            if (_channelNext.TryGetValue(item.Target, out var free)) Consider(free);
        }
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

    private TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 20));
        var delay = TimeSpan.FromMilliseconds(options.RetryBaseDelay.TotalMilliseconds * factor);
        return delay > options.RetryMaxDelay ? options.RetryMaxDelay : delay;
    }

    private async Task RecoverInDoubtAsync(CancellationToken ct)
    {
        foreach (var item in await store.InDoubtAsync(ct).ConfigureAwait(false))
        {
            var found = await sender.FindAsync(item, ct).ConfigureAwait(false);
            var now = time.GetUtcNow();
            if (found.Posted == true)
            {
                await store.MarkSentAsync(item.Id, found.Channel!, found.Ts!, now, ct).ConfigureAwait(false);
                logger.LogInformation("Recovered escalation {Id}: it was posted before the restart ({Ts})", item.Id, found.Ts);
            }
            else
            {
                if (found.Posted is null) logger.LogWarning("Could not tell whether escalation {Id} reached Slack ({Error}); sending it again", item.Id, found.Error);
                await store.MarkRetryAsync(item.Id, now, "interrupted by a restart", countAttempt: false, ct).ConfigureAwait(false);
            }
        }
    }
}
