using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Pipeline;

/// <summary>
/// Processes the inbox in arrival order, in batches claimed with a lease, off the request path: webhooks are answered as
/// soon as they are stored, and a crash between storing and processing loses nothing (the record stays unprocessed; its
/// lease runs out, or this host takes it back when it restarts under the same Store:Owner).
/// </summary>
internal sealed class InboxWorker(
    IInboxStore store,
    SignalProcessor processor,
    InboxSignal inbox,
    OutboxSignal outbox,
    StoreOptions storeOptions,
    TimeProvider time,
    ILogger<InboxWorker> logger) : ResilientWorker
{
    protected override TimeProvider Clock => time;

    protected override ILogger Log => logger;

    private const int BatchSize = 50;

    /// <summary>Signals processed since start, for /health.</summary>
    public long Processed { get; private set; }

    protected override string FailureMessage => "Inbox processing failed; retrying in 1 s (the signals stay in the inbox)";

    protected override Task<bool> StepAsync(CancellationToken ct) => ProcessBatchAsync(ct);

    protected override Task WaitForWorkAsync(CancellationToken ct) => inbox.Signal.WaitAsync(ct);

    private async Task CompleteOneByOneAsync(IReadOnlyList<ProcessingResult> results, CancellationToken ct)
    {
        foreach (var result in results)
        {
            try
            {
                await store.CompleteAsync(storeOptions.Owner, [result], time.GetUtcNow(), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (store.IsRecordFault(ex))
            {
                var reason = StoreErrors.RecordFault(ex);
                logger.LogError("Inbox {InboxId} quarantined: {Reason}", result.InboxId, reason);
                await store.CompleteAsync(storeOptions.Owner, [ProcessingResult.Quarantined(result.InboxId, reason)], time.GetUtcNow(), ct).ConfigureAwait(false);
            }
        }
    }


    /// <summary>Processes one batch; false when the inbox had nothing to claim.</summary>
    internal async Task<bool> ProcessBatchAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var pending = await store.ClaimAsync(storeOptions.Owner, BatchSize, now, now + storeOptions.Lease, ct).ConfigureAwait(false);
        if (pending.Count == 0) return false;
        var results = await processor.ProcessAsync(pending, ct).ConfigureAwait(false);
        try
        {
            await store.CompleteAsync(storeOptions.Owner, results, time.GetUtcNow(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (store.IsRecordFault(ex))
        {
            // One record's writes broke the batch's transaction (a constraint, a value too big): write them one by one,
            // so that only the record at fault is set aside.
            await CompleteOneByOneAsync(results, ct).ConfigureAwait(false);
        }
        Processed += pending.Count;
        // Escalations queue posts (and clocks, write-back); a promotion seen during a hold queues a reply on its case.
        if (results.Any(r => r.Escalations.Count > 0 || r.Promotions is { Count: > 0 })) outbox.NotifyAll();
        return true;
    }
}
