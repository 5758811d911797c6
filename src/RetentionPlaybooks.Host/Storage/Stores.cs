using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// The inbox: verified signals, persisted before the webhook is answered, claimed in batches with a lease (who, until
/// when) so that two processes never hold the same record, and completed with everything processing decided.
/// </summary>
internal interface IInboxStore
{
    /// <summary>Persists signals, ignoring any whose (source, delivery key) is already stored.</summary>
    Task<AcceptResult> AcceptAsync(IReadOnlyList<InboxItem> items, CancellationToken ct);

    /// <summary>
    /// Up to <paramref name="limit"/> unprocessed records in arrival order that no one else holds, leased to
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>: records leased by no one, records whose lease has
    /// expired (their holder died), and the owner's own (a batch it failed to complete).
    /// </summary>
    Task<IReadOnlyList<InboxRecord>> ClaimAsync(string owner, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct);

    /// <summary>
    /// Writes each record's decisions, escalations (with their first delivery) and attributes, and marks it processed
    /// (or quarantined), in one transaction — only for records <paramref name="owner"/> still holds: a record whose
    /// lease was taken over is left to its new holder. Escalations whose guardrails no longer pass (another host
    /// escalated first) are written as suppressed instead. Returns how many records were completed.
    /// </summary>
    Task<int> CompleteAsync(string owner, IReadOnlyList<ProcessingResult> results, DateTimeOffset at, CancellationToken ct);

    /// <summary>The inbox record of a delivery, and whether it has been processed yet; null when never received.</summary>
    Task<(long Id, bool Processed)?> FindAsync(SignalSource source, string deliveryKey, CancellationToken ct);

    /// <summary>Inbox records set aside because processing failed on them, newest first.</summary>
    Task<IReadOnlyList<QuarantinedRecord>> QuarantinedAsync(int limit, CancellationToken ct);

    /// <summary>Blanks the bodies of inbox records processed before <paramref name="before"/>; returns how many.</summary>
    Task<int> ScrubPayloadsAsync(DateTimeOffset before, CancellationToken ct);

    /// <summary>Whether a failed write was the records' fault (a constraint, a value too big), not the store's state: the
    /// batch is then written record by record, and the record at fault quarantined.</summary>
    bool IsRecordFault(Exception ex);
}

/// <summary>Every playbook's decision about each signal, for the operator ("why did this not escalate?").</summary>
internal interface IDecisionStore
{
    Task<IReadOnlyList<DecisionRecord>> DecisionsAsync(long inboxId, CancellationToken ct);
}

/// <summary>
/// The deliveries: posts, updates, thread replies and Customer.io calls, each with a destination, a due time, attempts
/// and a state. A delivery is claimed with a lease, and claiming it holds its destination until the claimer says when it
/// is free again (at most until the lease ends): one send in flight per destination across every process, and Slack's
/// one message per second per channel counted from when the last one finished — the store's state, not one process's
/// memory. A delivery found "sending" whose lease expired — or that its own owner left sending (a crash) — is in doubt:
/// it is looked up before it is sent again.
/// </summary>
internal interface IDeliveryStore
{
    /// <summary>
    /// The oldest due delivery whose destination is free at <paramref name="now"/> (or held by <paramref name="owner"/>),
    /// claimed for <paramref name="owner"/> until <paramref name="leaseUntil"/>: counted as an attempt, marked sending, and
    /// its destination held by the owner until the mark that ends the attempt frees it (or the lease ends). Null when
    /// nothing can go now.
    /// </summary>
    /// <remarks><paramref name="lane"/>: Slack's deliveries, or Customer.io's — each lane has its own worker, so a slow or
    /// unreachable Customer.io never holds up a Slack post. <paramref name="rate"/>: instead of holding the destination for the
    /// attempt, pace it as a rate — one claim per <see cref="DeliveryRate.Interval"/> on average, bursts of up to
    /// <see cref="DeliveryRate.Burst"/> (the generic cell rate algorithm over the destination's next-free time): Customer.io's
    /// 100 requests/s, which takes calls in parallel, unlike a Slack channel's one message per second.</remarks>
    Task<DeliveryItem?> ClaimAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct, DeliveryLane lane = DeliveryLane.Slack, DeliveryRate? rate = null);

    /// <summary>When the next delivery can be claimed: the earliest of each pending one's due time or its destination's
    /// free time (whichever is later), and of any lease expiring; null when nothing waits.</summary>
    Task<DateTimeOffset?> NextClaimAsync(CancellationToken ct, DeliveryLane lane = DeliveryLane.Slack, DeliveryRate? rate = null);

    /// <summary>Adds deliveries for existing escalations (an update, a thread reply, a Customer.io call).</summary>
    Task AddAsync(IReadOnlyList<NewDelivery> deliveries, DateTimeOffset at, CancellationToken ct);

    /// <summary>Sent: where it landed. A post's landing place is also the escalation's (updates and replies go there).
    /// The destination is free again at <paramref name="destinationFreeAt"/>.</summary>
    Task MarkSentAsync(string owner, string id, string slackChannel, string slackTs, DateTimeOffset at, DateTimeOffset destinationFreeAt, CancellationToken ct);

    /// <summary>Back to pending, due at <paramref name="dueAt"/>. <paramref name="countAttempt"/>: false gives the claim's attempt
    /// back (a rate limit, a lookup that could not answer). <paramref name="inDoubt"/>: the failed attempt may have reached the
    /// destination, so look before resending. <paramref name="destinationFreeAt"/>: when the whole destination is free again (Retry-After).</summary>
    Task MarkRetryAsync(string owner, string id, DateTimeOffset dueAt, string error, bool countAttempt, bool inDoubt, DateTimeOffset destinationFreeAt, CancellationToken ct);

    /// <summary>Given up for good (a dead letter); a dead post frees the escalation's guardrails (cooldown, dedupe, caps).</summary>
    Task MarkDeadAsync(string owner, string id, string error, DateTimeOffset at, DateTimeOffset destinationFreeAt, CancellationToken ct);

    Task<DeliveryItem?> GetAsync(string id, CancellationToken ct);

    /// <summary>An escalation's deliveries, oldest first (its post first).</summary>
    Task<IReadOnlyList<DeliveryItem>> OfEscalationAsync(string escalationId, CancellationToken ct);

    Task<IReadOnlyList<DeliveryItem>> DeadLettersAsync(int limit, CancellationToken ct);

    /// <summary>When a destination is next free (null: never used, or free).</summary>
    Task<DateTimeOffset?> DestinationFreeAtAsync(string target, CancellationToken ct);
}

/// <summary>Clicks on escalation messages (Acknowledge, Saved, Lost), stored before Slack is answered and applied afterwards.</summary>
internal interface IActionStore
{
    /// <summary>Stores the actions, ignoring any already stored (a Slack retry repeats the same user, action and action_ts).</summary>
    Task<AcceptResult> AcceptAsync(IReadOnlyList<Interactivity.BlockAction> actions, CancellationToken ct);

    /// <summary>Actions not yet applied, oldest first.</summary>
    Task<IReadOnlyList<StoredAction>> PendingAsync(int limit, CancellationToken ct);

    /// <summary>Every stored action, applied or not, oldest first.</summary>
    Task<IReadOnlyList<StoredAction>> AllAsync(int limit, CancellationToken ct);

    /// <summary>
    /// Applies one stored action to its escalation's case, in one transaction: the first action wins (an acknowledgement
    /// of an open case, an outcome of a case without one); a later or concurrent one changes nothing and is told what
    /// happened first; a Lost whose reason is not among <paramref name="lostReasons"/> of the case's playbook changes nothing
    /// (<see cref="CaseRules.Decide"/>). <paramref name="deliveries"/> says what to send about the result (the message's update, a reply to
    /// whoever clicked); they are queued in the same transaction. Null when the action was applied already (by another host).
    /// </summary>
    Task<CaseTransition?> ApplyAsync(long actionId, DateTimeOffset at, Func<string, IReadOnlyList<string>?> lostReasons, Func<CaseTransition, IReadOnlyList<NewDelivery>> deliveries, CancellationToken ct);

    /// <summary>The case of an escalation, or null when there is none.</summary>
    Task<CaseState?> CaseAsync(string escalationId, CancellationToken ct);
}

/// <summary>What /health reads of the store.</summary>
internal interface IStoreHealth
{
    /// <summary>Counts for /health; <paramref name="failingAttempts"/>: how many failed attempts make a delivery "failing";
    /// <paramref name="recentSince"/>: from when quarantined records and dead letters count as recent; <paramref name="now"/>: SLA
    /// clocks due after it are scheduled, not pending.</summary>
    Task<StoreStats> StatsAsync(int failingAttempts, DateTimeOffset recentSince, DateTimeOffset now, CancellationToken ct);

    /// <summary>Whether writes are failing now, and how many failed since the store was opened.</summary>
    StoreWriteHealth WriteHealth { get; }
}

/// <summary>What a host holds in the store under its owner name, given back when it stops.</summary>
internal interface ILeaseStore
{
    /// <summary>
    /// Gives back everything <paramref name="owner"/> holds, in one transaction, so other hosts take it at once instead of
    /// after the lease: unprocessed inbox records (simply claimable again); deliveries still marked sending (their attempt
    /// may have reached the destination, so they become pending and in doubt: looked up before any resend); destinations
    /// held for an attempt (free at <paramref name="destinationFreeAt"/>, one interval on, in case that attempt landed).
    /// </summary>
    Task<LeasesReleased> ReleaseAsync(string owner, DateTimeOffset now, DateTimeOffset destinationFreeAt, CancellationToken ct);
}

/// <summary>What <see cref="ILeaseStore.ReleaseAsync"/> gave back.</summary>
internal sealed record LeasesReleased(int InboxRecords, int Deliveries, int Destinations);

/// <summary>
/// One store: its aggregates over one database. The guardrail history (<see cref="IEscalationHistory"/>) and the
/// attribute snapshots (<see cref="IAttributeSnapshots"/>) are the core pipeline's interfaces.
/// </summary>
internal interface IStore : IAsyncDisposable
{
    IInboxStore Inbox { get; }

    IDecisionStore Decisions { get; }

    IEscalationHistory Escalations { get; }

    IAttributeSnapshots Attributes { get; }

    IDeliveryStore Deliveries { get; }

    IActionStore Actions { get; }

    IStoreHealth Health { get; }

    ILeaseStore Leases { get; }
}
