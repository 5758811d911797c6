using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// The durable state of the host: the inbox of verified signals, decisions, escalations (the outbox) and
/// last-seen customer attributes. Every write is committed before its task completes.
/// </summary>
internal interface IEscalationStore : IEscalationHistory, IAttributeSnapshots
{
    /// <summary>Persists signals, ignoring any whose (source, delivery key) is already stored.</summary>
    Task<AcceptResult> AcceptAsync(IReadOnlyList<InboxItem> items, CancellationToken ct);

    Task<IReadOnlyList<InboxRecord>> PendingInboxAsync(int limit, CancellationToken ct);

    /// <summary>Writes decisions, escalations and attributes, and marks the inbox records processed (or quarantined), atomically.</summary>
    Task CompleteAsync(IReadOnlyList<ProcessingResult> results, DateTimeOffset at, CancellationToken ct);

    /// <summary>Pending escalations due at or before <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<OutboxItem>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>The earliest next attempt after <paramref name="after"/> of any pending escalation, for the delivery loop's sleep.</summary>
    Task<DateTimeOffset?> NextDueAsync(DateTimeOffset after, CancellationToken ct);

    /// <summary>Escalations left in Sending by a crash: posted or not, we do not know yet.</summary>
    Task<IReadOnlyList<OutboxItem>> InDoubtAsync(CancellationToken ct);

    Task MarkSendingAsync(string id, CancellationToken ct);

    Task MarkSentAsync(string id, string slackChannel, string slackTs, DateTimeOffset at, CancellationToken ct);

    /// <summary>Back to pending. <paramref name="inDoubt"/>: the failed attempt may have reached Slack, so look before resending.</summary>
    Task MarkRetryAsync(string id, DateTimeOffset nextAttemptAt, string error, bool countAttempt, bool inDoubt, CancellationToken ct);

    Task MarkDeadAsync(string id, string error, CancellationToken ct);

    Task<OutboxItem?> GetEscalationAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<OutboxItem>> DeadLettersAsync(int limit, CancellationToken ct);

    Task<IReadOnlyList<DecisionRecord>> DecisionsAsync(long inboxId, CancellationToken ct);

    /// <summary>The inbox record of a delivery, and whether it has been processed yet; null when never received.</summary>
    Task<(long Id, bool Processed)?> FindInboxAsync(SignalSource source, string deliveryKey, CancellationToken ct);

    /// <summary>Counts for /health; <paramref name="failingAttempts"/>: how many failed attempts make a delivery "failing";
    /// <paramref name="recentSince"/>: from when quarantined records and dead letters count as recent.</summary>
    Task<StoreStats> StatsAsync(int failingAttempts, DateTimeOffset recentSince, CancellationToken ct);

    /// <summary>Whether writes are failing now, and how many failed since the store was opened.</summary>
    StoreWriteHealth WriteHealth { get; }

    /// <summary>Inbox records set aside because processing failed on them, newest first.</summary>
    Task<IReadOnlyList<QuarantinedRecord>> QuarantinedAsync(int limit, CancellationToken ct);

    /// <summary>Blanks the bodies of inbox records processed before <paramref name="before"/>; returns how many.</summary>
    Task<int> ScrubPayloadsAsync(DateTimeOffset before, CancellationToken ct);
}
