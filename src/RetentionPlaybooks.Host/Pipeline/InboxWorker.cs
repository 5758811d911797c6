using Microsoft.Data.Sqlite;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Pipeline;

/// <summary>
/// Processes the inbox in arrival order, in batches, off the request path: webhooks are answered as soon as
/// they are stored, and a crash between storing and processing loses nothing (the record stays pending).
/// </summary>
internal sealed class InboxWorker(
    IEscalationStore store,
    SignalProcessor processor,
    InboxSignal inbox,
    OutboxSignal outbox,
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
                await store.CompleteAsync([result], time.GetUtcNow(), ct).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (SqliteEscalationStore.IsRecordWriteFault(ex))
            {
                var reason = $"SqliteException {ex.SqliteErrorCode} ({ex.SqliteExtendedErrorCode}) while writing the results";
                logger.LogError("Inbox {InboxId} quarantined: {Reason}", result.InboxId, reason);
                await store.CompleteAsync([ProcessingResult.Quarantined(result.InboxId, reason)], time.GetUtcNow(), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Processes one batch; false when the inbox was empty.</summary>
    internal async Task<bool> ProcessBatchAsync(CancellationToken ct)
    {
        var pending = await store.PendingInboxAsync(BatchSize, ct).ConfigureAwait(false);
        if (pending.Count == 0) return false;
        var results = await processor.ProcessAsync(pending, ct).ConfigureAwait(false);
        try
        {
            await store.CompleteAsync(results, time.GetUtcNow(), ct).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteEscalationStore.IsRecordWriteFault(ex))
        {
            // One record's writes broke the batch's transaction (a constraint, a value too big): write them one by one,
            // so that only the record at fault is set aside.
            await CompleteOneByOneAsync(results, ct).ConfigureAwait(false);
        }
        Processed += pending.Count;
        if (results.Any(r => r.Escalations.Count > 0)) outbox.Signal.Notify();
        return true;
    }
}
