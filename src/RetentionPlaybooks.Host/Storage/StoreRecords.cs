using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>A verified request body (or one event of a batch) to persist before answering 2xx.</summary>
internal sealed record InboxItem(SignalSource Source, string DeliveryKey, byte[] Payload);

/// <summary>What happened to each item of an accept call: stored now, or already stored before (a redelivery).</summary>
internal sealed record AcceptResult(int Accepted, int Duplicates, IReadOnlyList<long> Ids);

/// <summary>A persisted signal waiting to be processed.</summary>
internal sealed record InboxRecord(long Id, SignalSource Source, string DeliveryKey, DateTimeOffset ReceivedAt, byte[] Payload);

/// <summary>A playbook's decision about one signal, kept for the operator ("why did this not escalate?").</summary>
internal sealed record DecisionRecord(long InboxId, string Playbook, string Outcome, string Reason, string? Channel, string? EscalationId);

/// <summary>An escalation to deliver: the rendered chat.postMessage body and its guardrail keys. <paramref name="CreatedAt"/>:
/// when it was queued (the outbox's clock); <paramref name="EvaluatedAt"/>: the signal's time its guardrails were judged at.</summary>
internal sealed record NewEscalation(
    string Id,
    long InboxId,
    string Playbook,
    string CustomerId,
    string Channel,
    string Target,
    string? DedupeKey,
    byte[] Body,
    DateTimeOffset CreatedAt,
    DateTimeOffset EvaluatedAt);

/// <summary>
/// The result of processing one inbox record, written in one transaction. <paramref name="Quarantine"/>: processing
/// failed on this record's content, and why (no customer data); the record is set aside so the inbox moves on.
/// </summary>
internal sealed record ProcessingResult(
    long InboxId,
    IReadOnlyList<DecisionRecord> Decisions,
    IReadOnlyList<NewEscalation> Escalations,
    IReadOnlyList<(string CustomerId, string AttributesJson)> Attributes,
    string? Quarantine = null)
{
    /// <summary>A record set aside: one decision saying why, nothing else written.</summary>
    public static ProcessingResult Quarantined(long inboxId, string reason) =>
        new(inboxId, [new DecisionRecord(inboxId, "-", "quarantined", reason, null, null)], [], [], reason);
}

/// <summary>An inbox record whose processing failed on its content, set aside with the reason (no customer data).</summary>
internal sealed record QuarantinedRecord(long InboxId, SignalSource Source, string DeliveryKey, string Reason, DateTimeOffset ReceivedAt, DateTimeOffset QuarantinedAt);

internal enum DeliveryState
{
    Pending,
    Sending,
    Sent,
    Dead,
}

/// <summary>An escalation in the outbox.</summary>
internal sealed record OutboxItem(
    string Id,
    string Playbook,
    string Channel,
    string Target,
    byte[] Body,
    DeliveryState State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset CreatedAt,
    string? SlackChannel,
    string? SlackTs,
    string? LastError,
    bool InDoubt = false);

/// <summary>Counts for /health and the operator.</summary>
/// <param name="OldestInboxPendingAt">When the oldest unprocessed inbox record arrived; null when none waits.</param>
/// <param name="OldestOutboxAt">When the oldest undelivered escalation was created; null when none waits.</param>
/// <param name="Failing">Undelivered escalations whose last <c>failingAttempts</c> or more attempts failed.</param>
/// <param name="RecentQuarantined">Inbox records quarantined since <c>recentSince</c>.</param>
/// <param name="RecentDead">Dead letters parked since <c>recentSince</c>.</param>
internal sealed record StoreStats(
    long InboxPending,
    long InboxTotal,
    long Pending,
    long Sending,
    long Sent,
    long Dead,
    long Quarantined,
    DateTimeOffset? OldestInboxPendingAt,
    DateTimeOffset? OldestOutboxAt,
    long Failing,
    long RecentQuarantined,
    long RecentDead);

/// <summary>Writes failing because of the store's state (locked, full, I/O), since <paramref name="Since"/>; no customer data.</summary>
internal sealed record StoreWriteFault(string Description, DateTimeOffset Since);

/// <summary><paramref name="Failing"/>: set while writes fail, cleared by the next successful commit.</summary>
internal sealed record StoreWriteHealth(StoreWriteFault? Failing, long FailedSinceStart);
