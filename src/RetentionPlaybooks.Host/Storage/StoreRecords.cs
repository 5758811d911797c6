using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>A verified request body (or one event of a batch) to persist before answering 2xx.</summary>
internal sealed record InboxItem(SignalSource Source, string DeliveryKey, byte[] Payload);

/// <summary>What happened to each item of an accept call: stored now, or already stored before (a redelivery).</summary>
internal sealed record AcceptResult(int Accepted, int Duplicates, IReadOnlyList<long> Ids);

/// <summary>A persisted signal waiting to be processed.</summary>
internal sealed record InboxRecord(long Id, SignalSource Source, string DeliveryKey, DateTimeOffset ReceivedAt, byte[] Payload);

/// <summary>A playbook's decision about one signal, kept for the operator ("why did this not escalate?").</summary>
/// <param name="Kind">For a suppression, which guardrail (cooldown, dedupe, daily_cap, channel_budget): the report counts by it.</param>
internal sealed record DecisionRecord(long InboxId, string Playbook, string Outcome, string Reason, string? Channel, string? EscalationId, string? Kind = null);

/// <summary>An escalation to queue: its guardrail keys and the rendered chat.postMessage body (its first delivery).
/// <paramref name="CreatedAt"/>: when it was queued (the deliveries' clock); <paramref name="EvaluatedAt"/>: the signal's time
/// its guardrails were judged at. <paramref name="Recheck"/>: the playbook and channel whose inhibit rule and guardrails the store
/// checks again in the insert's transaction (another host may have escalated the same customer since); null for none but the
/// dedupe key's unique index.</summary>
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
    DateTimeOffset EvaluatedAt,
    GuardrailRecheck? Recheck = null,
    DateTimeOffset? SlaDueAt = null,
    IReadOnlyList<NewDelivery>? Clocks = null,
    decimal? Value = null,
    DateTimeOffset? HoldUntil = null,
    DigestFiling? Digest = null);

/// <summary>
/// How an escalation on a channel with a digest is filed when it is rolled in — by the pipeline (<paramref name="Digested"/>), or
/// by the store's recheck (another host spent the budget first): its line, the digest's head (<see cref="Slack.DigestMessage.Head"/>)
/// and interval, and the SLA clocks it gets instead of the posted message's (replies in the digest's thread, not updates of it).
/// </summary>
internal sealed record DigestFiling(bool Digested, byte[] Line, byte[] Head, TimeSpan Every, IReadOnlyList<NewDelivery> Clocks);

/// <summary>What the store needs to judge an escalation's inhibit rule and guardrails again when it inserts it.</summary>
internal sealed record GuardrailRecheck(RetentionPlaybooks.Compilation.CompiledPlaybook Playbook, RetentionPlaybooks.Workspace.ChannelSymbol Channel);

/// <summary>Why the store did not insert an escalation after all: inhibited by a case opened meanwhile, or suppressed by a
/// guardrail (<paramref name="Kind"/>: which); the decision is written with this outcome, reason and kind instead.</summary>
internal sealed record HeldBack(RetentionPlaybooks.Pipeline.Outcome Outcome, string Reason, RetentionPlaybooks.Pipeline.SuppressionKind? Kind = null);

/// <summary>
/// The result of processing one inbox record, written in one transaction. <paramref name="Quarantine"/>: processing
/// failed on this record's content, and why (no customer data); the record is set aside so the inbox moves on.
/// </summary>
internal sealed record ProcessingResult(
    long InboxId,
    IReadOnlyList<DecisionRecord> Decisions,
    IReadOnlyList<NewEscalation> Escalations,
    IReadOnlyList<(string CustomerId, string AttributesJson)> Attributes,
    string? Quarantine = null,
    IReadOnlyList<PromotionSent>? Promotions = null)
{
    /// <summary>A record set aside: one decision saying why, nothing else written.</summary>
    public static ProcessingResult Quarantined(long inboxId, string reason) =>
        new(inboxId, [new DecisionRecord(inboxId, "-", "quarantined", reason, null, null)], [], [], reason);
}

/// <summary>A reporting webhook showing a promotional message (campaign:12, broadcast:7, journey:3) sent to a customer:
/// the store checks it against the customer's running holds.</summary>
internal sealed record PromotionSent(string CustomerId, string Promotion, DateTimeOffset SentAt);

/// <summary>An inbox record whose processing failed on its content, set aside with the reason (no customer data).</summary>
internal sealed record QuarantinedRecord(long InboxId, SignalSource Source, string DeliveryKey, string Reason, DateTimeOffset ReceivedAt, DateTimeOffset QuarantinedAt);

internal enum DeliveryState
{
    Pending,
    Sending,
    Sent,
    Dead,

    /// <summary>A clock (a reminder, the SLA's breach) that no longer applies: the case was acknowledged or closed first.</summary>
    Cancelled,
}

/// <summary>What a delivery does at its destination.</summary>
internal enum DeliveryKind
{
    /// <summary>chat.postMessage: the escalation's message (looked up by its metadata when in doubt).</summary>
    Post,

    /// <summary>chat.update of the escalation's message (idempotent: resent when in doubt).</summary>
    Update,

    /// <summary>chat.postMessage in the escalation's message's thread.</summary>
    ThreadReply,

    /// <summary>A call to Customer.io's Track API (write-back; no sender yet).</summary>
    CustomerIo,

    /// <summary>A reply only the person who clicked sees, through the click's response_url (safe to repeat).</summary>
    Ephemeral,

    /// <summary>chat.postMessage to another destination (the SLA's escalation target) linking the escalation's message,
    /// whose permalink is looked up when it is sent; looked up by its own metadata when in doubt.</summary>
    Forward,

    /// <summary>chat.postMessage of a channel's digest: its escalation id is the digest's id, its stored body the digest's head,
    /// and the body claimed is the message put together from the lines of the escalations filed into it; looked up by its
    /// metadata when in doubt. Once sent, where it landed is each of its escalations' message.</summary>
    Digest,
}

/// <summary>The SQL conditions of the lanes, over the deliveries aliased <c>d</c>: only the kinds this version knows, so a delivery
/// of a kind a newer host added (during a rolling upgrade) is left to the hosts that know it instead of failing every claim.</summary>
internal static class DeliveryKinds
{
    public static readonly string SlackLane =
        "d.kind IN (" + string.Join(", ", Enum.GetNames<DeliveryKind>().Where(k => k != nameof(DeliveryKind.CustomerIo)).Select(k => $"'{k}'")) + ")";

    public const string CustomerIoLane = "d.kind = 'CustomerIo'";

    public static string Of(DeliveryLane lane) => lane == DeliveryLane.CustomerIo ? CustomerIoLane : SlackLane;

    /// <summary>A stored kind this version knows; false for one a newer version wrote (its row is not read).</summary>
    public static bool TryRead(string stored, out DeliveryKind kind) => Enum.TryParse(stored, ignoreCase: false, out kind) && Enum.IsDefined(kind) && !char.IsDigit(stored[0]);
}

/// <summary>Which worker claims a delivery: Slack's (posts, updates, replies, forwards, ephemeral replies) or Customer.io's
/// (write-back). Each has its own loop, so one destination's outage never delays the other's work.</summary>
internal enum DeliveryLane
{
    Slack,
    CustomerIo,
}

/// <summary>A destination paced as a rate: one call per <paramref name="Interval"/> on average, up to <paramref name="Burst"/>
/// ahead of it at once.</summary>
internal sealed record DeliveryRate(TimeSpan Interval, TimeSpan Burst);

/// <summary>The SLA clocks a delivery can be: each fires once, unless the case is acknowledged or closed first.</summary>
internal static class SlaClocks
{
    /// <summary>The reminder in the thread (three quarters of the SLA, or the playbook's remind_after).</summary>
    public const string Remind = "remind";

    /// <summary>The message updated to say the SLA was missed.</summary>
    public const string Breach = "breach";

    /// <summary>The case posted to the SLA's escalation target.</summary>
    public const string Escalate = "escalate";
}

/// <summary>One unit of work for a destination: a Slack post, an update, a thread reply, a Customer.io call.</summary>
/// <param name="Target">Where it goes: the Slack channel or user id (the destination whose pacing it shares), or "customerio".</param>
/// <param name="DueAt">When it may be tried next.</param>
/// <param name="SlackChannel">Where it landed (a sent post's channel and ts).</param>
/// <param name="PostChannel">For an update or a thread reply: where the escalation's post landed, once it has.</param>
/// <param name="InDoubt">The last attempt may have reached the destination: look before sending again.</param>
/// <param name="Clock">For an SLA clock (<see cref="SlaClocks"/>): which one.</param>
internal sealed record DeliveryItem(
    string Id,
    string EscalationId,
    DeliveryKind Kind,
    string Playbook,
    string Channel,
    string Target,
    byte[] Body,
    DeliveryState State,
    int Attempts,
    DateTimeOffset DueAt,
    DateTimeOffset CreatedAt,
    string? SlackChannel,
    string? SlackTs,
    string? LastError,
    bool InDoubt = false,
    string? PostChannel = null,
    string? PostTs = null,
    string? Clock = null);

/// <summary>A delivery to add for an existing escalation (an update after a click, a reminder in the thread).</summary>
/// <param name="Clock">For an SLA clock (<see cref="SlaClocks"/>): which one; cancelled when the case is acknowledged or closed first.</param>
internal sealed record NewDelivery(string Id, string EscalationId, DeliveryKind Kind, string Target, byte[] Body, DateTimeOffset DueAt, string? Clock = null,
    string? Purpose = null);

/// <summary>What a Customer.io call is for, where the store acts on it (kept with the delivery, so nothing reads its body).</summary>
internal static class DeliveryPurposes
{
    /// <summary>The promotion hold set at escalation: the case records when it was written.</summary>
    public const string Hold = "hold";

    /// <summary>The hold ended by an outcome (hold_ends_on): promotions from then on are no violation.</summary>
    public const string HoldEnd = "hold_end";
}

/// <summary>Counts for /health and the operator.</summary>
/// <param name="OldestInboxPendingAt">When the oldest unprocessed inbox record arrived; null when none waits.</param>
/// <param name="OldestOutboxAt">When the oldest undelivered delivery was created; null when none waits.</param>
/// <param name="Failing">Undelivered deliveries whose last <c>failingAttempts</c> or more attempts failed.</param>
/// <param name="RecentQuarantined">Inbox records quarantined since <c>recentSince</c>.</param>
/// <param name="RecentDead">Deliveries parked as dead letters since <c>recentSince</c>.</param>
/// <param name="Pending">Slack deliveries due and waiting (write-back is counted apart: <paramref name="WriteBackPending"/>).</param>
/// <param name="WriteBackPending">Customer.io calls waiting or being sent; <paramref name="WriteBackSent"/>: made.</param>
/// <param name="Scheduled">SLA clocks (reminders, breaches) and digests waiting for their time; <paramref name="Pending"/> counts those that
/// are due (an undelivered one's age counts from when it was due).</param>
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
    long RecentDead,
    long Scheduled = 0,
    long WriteBackPending = 0,
    long WriteBackSent = 0);

/// <summary>Writes failing because of the store's state (locked, full, I/O), since <paramref name="Since"/>; no customer data.</summary>
internal sealed record StoreWriteFault(string Description, DateTimeOffset Since);

/// <summary><paramref name="Failing"/>: set while writes fail, cleared by the next successful commit.</summary>
internal sealed record StoreWriteHealth(StoreWriteFault? Failing, long FailedSinceStart);

/// <summary>A click as stored: when it arrived, and whether it has been applied (and with what result) yet.</summary>
internal sealed record StoredAction(long Id, Interactivity.BlockAction Action, DateTimeOffset ReceivedAt, DateTimeOffset? ProcessedAt, string? Result);

/// <summary>An escalation as a case: when it was raised, who acknowledged it and when, its outcome (saved, lost), and where its
/// message is (its post's body as sent, and where it landed). No customer data beyond what the message already holds.</summary>
internal sealed record CaseState(
    string EscalationId,
    string Playbook,
    string Target,
    DateTimeOffset CreatedAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? Outcome,
    string? OutcomeReason,
    string? OutcomeBy,
    DateTimeOffset? OutcomeAt,
    byte[]? PostBody,
    string? PostChannel,
    string? PostTs,
    DateTimeOffset? SlaDueAt = null,
    DateTimeOffset? SlaMissedAt = null,
    string? CustomerId = null,
    decimal? Value = null,
    string? DigestId = null);

/// <summary>What applying an action did.</summary>
internal enum CaseResult
{
    /// <summary>The case changed (acknowledged, or closed with an outcome).</summary>
    Applied,

    /// <summary>Someone acknowledged it first; nothing changed.</summary>
    AlreadyAcknowledged,

    /// <summary>The case has its outcome already; nothing changed.</summary>
    AlreadyClosed,

    /// <summary>No escalation with that id (a message of another host's database, or a forged value).</summary>
    UnknownEscalation,

    /// <summary>Lost without a reason, or with one the playbook does not declare (its <c>lost_reasons</c> changed since the
    /// message was posted); nothing changed.</summary>
    UnknownReason,
}

/// <summary>One applied action: the case before and after it, and what the result was.</summary>
internal sealed record CaseTransition(StoredAction Action, CaseResult Result, CaseState? Before, CaseState? After);
