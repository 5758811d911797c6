namespace RetentionPlaybooks.Host.Storage;

/// <summary>Where a signal came from; part of its de-duplication key.</summary>
internal enum SignalSource
{
    Journey,
    Reporting,
    Pipelines,
}

/// <summary>A verified request body (or one event of a batch) to persist before answering 2xx.</summary>
internal sealed record InboxItem(SignalSource Source, string DeliveryKey, byte[] Payload);

/// <summary>What happened to each item of an accept call: stored now, or already stored before (a redelivery).</summary>
internal sealed record AcceptResult(int Accepted, int Duplicates, IReadOnlyList<long> Ids);

/// <summary>A persisted signal waiting to be processed.</summary>
internal sealed record InboxRecord(long Id, SignalSource Source, string DeliveryKey, DateTimeOffset ReceivedAt, byte[] Payload);

/// <summary>A playbook's decision about one signal, kept for the operator ("why did this not escalate?").</summary>
internal sealed record DecisionRecord(long InboxId, string Playbook, string Outcome, string Reason, string? Channel, string? EscalationId);

/// <summary>An escalation to deliver: the rendered chat.postMessage body and its guardrail keys.</summary>
internal sealed record NewEscalation(
    string Id,
    long InboxId,
    string Playbook,
    string CustomerId,
    string Channel,
    string Target,
    string? DedupeKey,
    byte[] Body,
    DateTimeOffset CreatedAt);

/// <summary>The result of processing one inbox record, written in one transaction.</summary>
internal sealed record ProcessingResult(
    long InboxId,
    IReadOnlyList<DecisionRecord> Decisions,
    IReadOnlyList<NewEscalation> Escalations,
    IReadOnlyList<(string CustomerId, string AttributesJson)> Attributes);

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
internal sealed record StoreStats(long InboxPending, long InboxTotal, long Pending, long Sending, long Sent, long Dead);
