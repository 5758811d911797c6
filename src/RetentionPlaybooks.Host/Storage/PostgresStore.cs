using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using RetentionPlaybooks.Pipeline;
using static RetentionPlaybooks.Host.Storage.PostgresDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>The shared store: each aggregate's SQL over one <see cref="PostgresDatabase"/>, for several hosts on one database.</summary>
internal sealed class PostgresStore : IStore
{
    private readonly PostgresInbox _inbox;

    private PostgresStore(PostgresDatabase database)
    {
        Database = database;
        var escalations = new PostgresEscalations(database);
        Escalations = escalations;
        Inbox = _inbox = new PostgresInbox(database, escalations);
        Decisions = new PostgresDecisions(database);
        Attributes = new PostgresAttributes(database);
        Deliveries = new PostgresDeliveries(database);
        Actions = new PostgresActions(database);
        Health = new PostgresStoreHealth(database);
        Leases = new PostgresLeases(database);
    }

    /// <summary>Connects and migrates (under the migration lock); throws <see cref="NpgsqlException"/> when PostgreSQL cannot be reached.</summary>
    public static PostgresStore Open(string connectionString, TimeProvider time, TimeSpan? connectTimeout = null, ILogger? logger = null) =>
        new(PostgresDatabase.Open(connectionString, time, connectTimeout, logger));

    public PostgresDatabase Database { get; }

    public IInboxStore Inbox { get; }

    public IDecisionStore Decisions { get; }

    public IEscalationHistory Escalations { get; }

    public IAttributeSnapshots Attributes { get; }

    public IDeliveryStore Deliveries { get; }

    public IActionStore Actions { get; }

    public IStoreHealth Health { get; }

    public ILeaseStore Leases { get; }

    public async ValueTask DisposeAsync()
    {
        // The webhooks still queued for a group commit are written (or failed) before the connections go.
        await _inbox.DisposeAsync().ConfigureAwait(false);
        await Database.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The inbox on PostgreSQL: accepted once per (source, delivery key), claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease.</summary>
internal sealed class PostgresInbox(PostgresDatabase db, PostgresEscalations escalations) : IInboxStore, IAsyncDisposable
{
    public bool IsRecordFault(Exception ex) => IsRecordWriteFault(ex);

    // Webhooks are committed in groups (PostgresAcceptQueue): one INSERT of many rows per group.
    private readonly PostgresAcceptQueue<IReadOnlyList<InboxItem>, AcceptResult> _accepts = new(db, (connection, transaction, requests) =>
        InsertAsync(connection, transaction, requests, Ms(db.Time.GetUtcNow())), items => Math.Max(1, items.Count));

    public Task<AcceptResult> AcceptAsync(IReadOnlyList<InboxItem> items, CancellationToken ct) =>
        items.Count == 0 ? Task.FromResult(new AcceptResult(0, 0, [])) : _accepts.WriteAsync(items, ct);

    public ValueTask DisposeAsync() => _accepts.DisposeAsync();

    /// <summary>Inserts the items of several requests with one statement; each request is told what became of its own items,
    /// in order. A delivery already stored, or earlier in the same group, is a duplicate (the first of a pair is the one stored).</summary>
    private static async Task<IReadOnlyList<AcceptResult>> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<IReadOnlyList<InboxItem>> requests, long receivedAt)
    {
        var count = requests.Sum(r => r.Count);
        var sources = new string[count];
        var keys = new string[count];
        var payloads = new byte[count][];
        var i = 0;
        foreach (var request in requests)
        {
            foreach (var item in request)
            {
                sources[i] = item.Source.ToString();
                keys[i] = item.DeliveryKey;
                payloads[i] = item.Payload;
                i++;
            }
        }
        // ORDER BY n: rows are inserted in the order they came, so the first of two equal keys is the one stored.
        await using var insert = Command(connection, transaction,
            """
            INSERT INTO inbox (source, delivery_key, received_at, payload)
            SELECT s, k, @r, p FROM unnest(@s, @k, @p) WITH ORDINALITY AS t(s, k, p, n) ORDER BY n
            ON CONFLICT (source, delivery_key) DO NOTHING RETURNING id, source, delivery_key
            """);
        insert.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = sources });
        insert.Parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys });
        insert.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = payloads });
        insert.Parameters.Add(new NpgsqlParameter("r", NpgsqlDbType.Bigint) { Value = receivedAt });
        var stored = new Dictionary<(string Source, string Key), long>();
        await using (var reader = await insert.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false)) stored[(reader.GetString(1), reader.GetString(2))] = reader.GetInt64(0);
        }
        var results = new AcceptResult[requests.Count];
        i = 0;
        for (var r = 0; r < requests.Count; r++)
        {
            var ids = new List<long>(requests[r].Count);
            var duplicates = 0;
            foreach (var _ in requests[r])
            {
                // Each stored row is given to the first item that names it; any later one is a duplicate.
                if (stored.Remove((sources[i], keys[i]), out var id)) ids.Add(id);
                else duplicates++;
                i++;
            }
            results[r] = new AcceptResult(ids.Count, duplicates, ids);
        }
        return results;
    }

    public Task<IReadOnlyList<InboxRecord>> ClaimAsync(string owner, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct) =>
        db.WriteAsync<IReadOnlyList<InboxRecord>>(async (connection, transaction) =>
        {
            // SKIP LOCKED: records another host is claiming this instant are left to it, not waited for.
            await using var claim = Command(connection, transaction,
                """
                UPDATE inbox SET lease_owner = @o, lease_until = @u
                WHERE id IN (SELECT id FROM inbox WHERE processed_at IS NULL AND (lease_until IS NULL OR lease_until <= @n OR lease_owner = @o)
                             ORDER BY id LIMIT @l FOR UPDATE SKIP LOCKED)
                RETURNING id, source, delivery_key, received_at, payload
                """);
            Bind(claim, ("o", owner), ("u", Ms(leaseUntil)), ("n", Ms(now)), ("l", limit));
            var list = new List<InboxRecord>();
            await using (var reader = await claim.ExecuteReaderAsync().ConfigureAwait(false))
            {
                while (await reader.ReadAsync().ConfigureAwait(false))
                {
                    list.Add(new InboxRecord(reader.GetInt64(0), Enum.Parse<SignalSource>(reader.GetString(1)), reader.GetString(2), At(reader.GetInt64(3)), (byte[])reader[4]));
                }
            }
            list.Sort((a, b) => a.Id.CompareTo(b.Id));
            return list;
        }, ct);

    public Task<int> CompleteAsync(string owner, IReadOnlyList<ProcessingResult> results, DateTimeOffset at, CancellationToken ct) => db.WriteAsync(async (connection, transaction) =>
    {
        var now = Ms(at);
        // The guardrail locks of every escalation in the batch, taken first and in one order (deadlock-free between hosts).
        await PostgresEscalations.LockAsync(connection, transaction, results.SelectMany(r => r.Escalations)).ConfigureAwait(false);
        await using var done = Command(connection, transaction,
            "UPDATE inbox SET processed_at = @t, quarantine_reason = @q, lease_owner = NULL, lease_until = NULL WHERE id = @i AND processed_at IS NULL AND lease_owner = @o");
        await using var decision = Command(connection, transaction,
            """
            INSERT INTO decisions (inbox_id, playbook, outcome, reason, channel, escalation_id, created_at, kind) VALUES (@i, @p, @o, @r, @c, @e, @t, @k);
            INSERT INTO decision_counts (hour, playbook, channel, outcome, kind, count) SELECT @h, @p, COALESCE(@c, ''), @o, COALESCE(@k, ''), 1 WHERE @p <> '-'
            ON CONFLICT (hour, playbook, channel, outcome, kind) DO UPDATE SET count = decision_counts.count + 1
            """);
        await using var attributes = Command(connection, transaction,
            "INSERT INTO customer_attributes (customer_id, attributes, updated_at) VALUES (@c, @a, @t) ON CONFLICT (customer_id) DO UPDATE SET attributes = excluded.attributes, updated_at = excluded.updated_at");
        var completed = 0;
        foreach (var result in results)
        {
            Bind(done, ("t", now), ("q", result.Quarantine), ("i", result.InboxId), ("o", owner));
            if (await done.ExecuteNonQueryAsync().ConfigureAwait(false) == 0) continue;
            completed++;
            Dictionary<string, HeldBack>? heldBack = null;
            foreach (var e in result.Escalations)
            {
                if (await escalations.InsertAsync(connection, transaction, e).ConfigureAwait(false) is { } held) (heldBack ??= [])[e.Id] = held;
            }
            foreach (var d in result.Decisions)
            {
                var record = d.EscalationId is { } id && heldBack is not null && heldBack.TryGetValue(id, out var h)
                    ? d with { Outcome = OutcomeText.Of(h.Outcome), Reason = h.Reason, EscalationId = h.Outcome == Outcome.Digested ? id : null, Kind = h.Kind is { } kind ? OutcomeText.Of(kind) : null }
                    : d;
                // The report's counts, by the hour the decision was written (a signal no playbook takes is not counted).
                Bind(decision, ("i", record.InboxId), ("p", record.Playbook), ("o", record.Outcome), ("r", record.Reason), ("c", record.Channel), ("e", record.EscalationId),
                    ("t", now), ("k", record.Kind), ("h", now / 3_600_000));
                await decision.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            foreach (var promotion in result.Promotions ?? []) await RecordHoldViolationsAsync(connection, transaction, result.InboxId, promotion, at).ConfigureAwait(false);
            foreach (var (customer, json) in result.Attributes)
            {
                Bind(attributes, ("c", customer), ("a", json), ("t", now));
                await attributes.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        return completed;
    }, ct);

    /// <summary><see cref="HoldViolations.Record"/> on PostgreSQL: once per case and webhook, with a reply in the case's thread.</summary>
    private static async Task RecordHoldViolationsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long inboxId, PromotionSent promotion, DateTimeOffset at)
    {
        var sentAt = Ms(promotion.SentAt);
        var holds = new List<(string Escalation, string Target, long HoldUntil)>();
        await using (var find = Command(connection, transaction,
            """
            SELECT id, target, hold_until FROM escalations
            WHERE customer_id = @c AND hold_until IS NOT NULL AND hold_until > @s AND created_at <= @s AND dead_at IS NULL
            """))
        {
            Bind(find, ("c", promotion.CustomerId), ("s", sentAt));
            await using var r = await find.ExecuteReaderAsync().ConfigureAwait(false);
            while (await r.ReadAsync().ConfigureAwait(false)) holds.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
        }
        foreach (var (escalation, target, holdUntil) in holds)
        {
            await using var insert = Command(connection, transaction,
                "INSERT INTO hold_violations (escalation_id, inbox_id, promotion, sent_at, recorded_at) VALUES (@e, @i, @p, @s, @t) ON CONFLICT DO NOTHING");
            Bind(insert, ("e", escalation), ("i", inboxId), ("p", promotion.Promotion), ("s", sentAt), ("t", Ms(at)));
            if (await insert.ExecuteNonQueryAsync().ConfigureAwait(false) == 0) continue;
            var id = Ulid.New(at);
            var body = Interactivity.CaseMessages.HoldViolation(id, escalation, promotion.Promotion, promotion.SentAt, At(holdUntil));
            await PostgresDeliveries.InsertAsync(connection, transaction, new NewDelivery(id, escalation, DeliveryKind.ThreadReply, target, body, at), at).ConfigureAwait(false);
        }
    }

    public Task<(long Id, bool Processed)?> FindAsync(SignalSource source, string deliveryKey, CancellationToken ct) => db.ReadAsync(async connection =>
    {
        await using var query = Command(connection, null, "SELECT id, processed_at IS NOT NULL FROM inbox WHERE source = @s AND delivery_key = @k");
        Bind(query, ("s", source.ToString()), ("k", deliveryKey));
        await using var reader = await query.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetBoolean(1)) : ((long, bool)?)null;
    }, ct);

    public Task<IReadOnlyList<QuarantinedRecord>> QuarantinedAsync(int limit, CancellationToken ct) => db.ReadAsync<IReadOnlyList<QuarantinedRecord>>(async connection =>
    {
        await using var query = Command(connection, null,
            "SELECT id, source, delivery_key, quarantine_reason, received_at, processed_at FROM inbox WHERE quarantine_reason IS NOT NULL ORDER BY id DESC LIMIT @l");
        Bind(query, ("l", limit));
        await using var reader = await query.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<QuarantinedRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new QuarantinedRecord(reader.GetInt64(0), Enum.Parse<SignalSource>(reader.GetString(1)), reader.GetString(2), reader.GetString(3),
                At(reader.GetInt64(4)), At(reader.GetInt64(5))));
        }
        return list;
    }, ct);

    public Task<int> ScrubPayloadsAsync(DateTimeOffset before, CancellationToken ct) => db.WriteAsync(async (connection, transaction) =>
    {
        await using var command = Command(connection, transaction, "UPDATE inbox SET payload = ''::bytea WHERE processed_at IS NOT NULL AND processed_at < @t AND length(payload) > 0");
        Bind(command, ("t", Ms(before)));
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }, ct);
}

/// <summary>
/// Escalations and their guardrail history on PostgreSQL. The insert judges the inhibit rule and the guardrails again in
/// the write transaction, as on SQLite — but PostgreSQL has many writers, and under READ COMMITTED two hosts could each read
/// the other's escalation as not there yet. So the re-check first takes transaction-scoped advisory locks on what it reads
/// by: the customer (cooldown, inhibit rules) and the Slack target of the channel re-checked (daily cap, channel budget). Two escalations sharing
/// either take turns, and the second one's reads — each statement a fresh snapshot, taken after the lock was granted — see
/// the first one committed. Chosen over SERIALIZABLE because it serializes only what conflicts, never fails a whole batch
/// (a webhook batch of a thousand) for an unrelated row, and needs no retry loop around work that is not idempotent in
/// memory. The locks of a batch are taken sorted, so hosts never deadlock on them. The dedupe key stays the unique index's.
/// </summary>
internal sealed class PostgresEscalations(PostgresDatabase db) : IEscalationHistory
{
    public ValueTask<DateTimeOffset?> LastEscalationAsync(string playbook, string customerId, CancellationToken ct) =>
        new(db.ReadAsync(c => Last(c, null, playbook, customerId), ct));

    public ValueTask<bool> DedupeKeyUsedAsync(string playbook, string dedupeKey, CancellationToken ct) => new(db.ReadAsync(c => KeyUsed(c, null, playbook, dedupeKey), ct));

    public ValueTask<int> CountSinceAsync(string target, string? playbook, DateTimeOffset since, CancellationToken ct) =>
        new(db.ReadAsync(c => Count(c, null, target, playbook, since), ct));

    public ValueTask<int> PostsSinceAsync(string target, DateTimeOffset since, CancellationToken ct) =>
        new(db.ReadAsync(c => Posts(c, null, target, since), ct));

    public ValueTask<OpenCase?> OpenCaseAsync(IReadOnlyCollection<string> playbooks, string customerId, DateTimeOffset since, CancellationToken ct) =>
        new(db.ReadAsync(c => Open(c, null, playbooks, customerId, since), ct));

    private static async Task<OpenCase?> Open(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> playbooks, string customerId, DateTimeOffset since)
    {
        if (playbooks.Count == 0) return null;
        await using var query = Command(connection, transaction,
            """
            SELECT id, playbook, evaluated_at FROM escalations
            WHERE playbook = ANY(@p) AND customer_id = @c AND evaluated_at >= @s AND outcome IS NULL AND dead_at IS NULL
            ORDER BY evaluated_at DESC, id DESC LIMIT 1
            """);
        Bind(query, ("p", playbooks.ToArray()), ("c", customerId), ("s", Ms(since)));
        await using var reader = await query.ExecuteReaderAsync().ConfigureAwait(false);
        return await reader.ReadAsync().ConfigureAwait(false) ? new OpenCase(reader.GetString(0), reader.GetString(1), At(reader.GetInt64(2))) : null;
    }

    private static async Task<DateTimeOffset?> Last(NpgsqlConnection connection, NpgsqlTransaction? transaction, string playbook, string customerId)
    {
        await using var query = Command(connection, transaction, "SELECT MAX(evaluated_at) FROM escalations WHERE playbook = @p AND customer_id = @c AND dead_at IS NULL");
        Bind(query, ("p", playbook), ("c", customerId));
        return await query.ExecuteScalarAsync().ConfigureAwait(false) is long ms ? At(ms) : null;
    }

    private static async Task<bool> KeyUsed(NpgsqlConnection connection, NpgsqlTransaction? transaction, string playbook, string dedupeKey)
    {
        await using var query = Command(connection, transaction, "SELECT EXISTS (SELECT 1 FROM escalations WHERE playbook = @p AND dedupe_key = @d AND dead_at IS NULL)");
        Bind(query, ("p", playbook), ("d", dedupeKey));
        return (bool)(await query.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    private static async Task<int> Count(NpgsqlConnection connection, NpgsqlTransaction? transaction, string target, string? playbook, DateTimeOffset since)
    {
        await using var query = Command(connection, transaction,
            "SELECT COUNT(*) FROM escalations WHERE target = @t AND evaluated_at >= @s AND (@p::text IS NULL OR playbook = @p) AND dead_at IS NULL");
        Bind(query, ("t", target), ("s", Ms(since)), ("p", playbook));
        return (int)(long)(await query.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    private static async Task<int> Posts(NpgsqlConnection connection, NpgsqlTransaction? transaction, string target, DateTimeOffset since)
    {
        await using var query = Command(connection, transaction,
            "SELECT COUNT(*) FROM escalations WHERE target = @t AND evaluated_at >= @s AND digest_id IS NULL AND dead_at IS NULL");
        Bind(query, ("t", target), ("s", Ms(since)));
        return (int)(long)(await query.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>Takes the advisory locks the re-checks of these escalations read under (their customers and targets), sorted.</summary>
    internal static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<NewEscalation> escalations)
    {
        // The target the guardrails count by is the re-checked channel's (GuardrailChecker), so that is the one locked.
        // An escalation that may roll into its channel's digest files its line under the target's lock too, so two hosts never
        // open two digests for one channel at once.
        var keys = escalations.Where(e => e.Recheck is not null)
            .SelectMany(e => new[] { GuardrailLock("customer", e.CustomerId), GuardrailLock("target", e.Recheck!.Channel.SlackTarget) })
            .Concat(escalations.Where(e => e.Digest is not null).Select(e => GuardrailLock("target", e.Target)))
            .Distinct().Order().ToArray();
        if (keys.Length == 0) return;
        await using var lockAll = Command(connection, transaction, "SELECT pg_advisory_xact_lock(k) FROM unnest(@k) WITH ORDINALITY AS u(k, n) ORDER BY n");
        Bind(lockAll, ("k", keys));
        await lockAll.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>A stable 64-bit key for a guardrail lock (the same on every host and run): the first 8 bytes of SHA-256. A collision
    /// only makes two unrelated escalations take turns.</summary>
    internal static long GuardrailLock(string kind, string value) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"rp-guardrail\0{kind}\0{value}")), 0);

    /// <summary>Inserts the escalation and its post, in the caller's transaction (whose guardrail locks <see cref="LockAsync"/> took);
    /// or, when a case opened meanwhile inhibits it, its guardrails no longer pass, or the dedupe key was taken, inserts nothing
    /// and says what holds it back.</summary>
    internal async Task<HeldBack?> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewEscalation e)
    {
        var (insert, digested, note) = Digests.Judge(e, await EscalationRecheck.JudgeAsync(new InTransaction(connection, transaction), e).ConfigureAwait(false));
        if (!insert) return note;
        // The target's guardrail lock (LockAsync) is held: no other host files into this channel's digest meanwhile.
        var digestId = digested ? await PostgresDeliveries.FileDigestAsync(connection, transaction, e.Target, e.Digest!.Head, e.Digest.Every, e.CreatedAt).ConfigureAwait(false) : null;
        await using var escalation = Command(connection, transaction,
            """
            INSERT INTO escalations (id, inbox_id, playbook, customer_id, channel, target, dedupe_key, created_at, evaluated_at, sla_due_at, value, hold_until, digest_id, digest_line)
            VALUES (@id, @i, @p, @cust, @c, @target, @d, @t, @e, @sla, @v, @hold, @digest, @line)
            ON CONFLICT DO NOTHING
            """);
        Bind(escalation, ("id", e.Id), ("i", e.InboxId), ("p", e.Playbook), ("cust", e.CustomerId), ("c", e.Channel), ("target", e.Target),
            ("d", e.DedupeKey is { Length: > 0 } ? e.DedupeKey : null), ("t", Ms(e.CreatedAt)), ("e", Ms(e.EvaluatedAt)), ("sla", Long(Ms(e.SlaDueAt))),
            ("v", new Typed(e.Value is { } v ? (double)v : null, NpgsqlDbType.Double)), ("hold", Long(Ms(e.HoldUntil))),
            ("digest", new Typed(digestId, NpgsqlDbType.Text)), ("line", new Typed(digested ? e.Digest!.Line : null, NpgsqlDbType.Bytea)));
        if (await escalation.ExecuteNonQueryAsync().ConfigureAwait(false) == 0)
        {
            if (digestId is not null) await PostgresDeliveries.DropEmptyDigestAsync(connection, transaction, digestId).ConfigureAwait(false);
            return EscalationRecheck.Duplicate(e);
        }
        if (!digested) await PostgresDeliveries.InsertAsync(connection, transaction, new NewDelivery(e.Id, e.Id, DeliveryKind.Post, e.Target, e.Body, e.CreatedAt), e.CreatedAt).ConfigureAwait(false);
        foreach (var clock in (digested ? e.Digest!.Clocks : e.Clocks) ?? []) await PostgresDeliveries.InsertAsync(connection, transaction, clock, e.CreatedAt).ConfigureAwait(false);
        return note;
    }

    /// <summary>The history as the write transaction sees it (the escalations inserted before in the same transaction included).</summary>
    private sealed class InTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : IEscalationHistory
    {
        public ValueTask<DateTimeOffset?> LastEscalationAsync(string playbook, string customerId, CancellationToken ct) => new(Last(connection, transaction, playbook, customerId));

        public ValueTask<bool> DedupeKeyUsedAsync(string playbook, string dedupeKey, CancellationToken ct) => new(KeyUsed(connection, transaction, playbook, dedupeKey));

        public ValueTask<int> CountSinceAsync(string target, string? playbook, DateTimeOffset since, CancellationToken ct) => new(Count(connection, transaction, target, playbook, since));

        public ValueTask<int> PostsSinceAsync(string target, DateTimeOffset since, CancellationToken ct) => new(Posts(connection, transaction, target, since));

        public ValueTask<OpenCase?> OpenCaseAsync(IReadOnlyCollection<string> playbooks, string customerId, DateTimeOffset since, CancellationToken ct) =>
            new(Open(connection, transaction, playbooks, customerId, since));
    }
}

internal sealed class PostgresDecisions(PostgresDatabase db) : IDecisionStore
{
    public Task<IReadOnlyList<DecisionRecord>> DecisionsAsync(long inboxId, CancellationToken ct) => db.ReadAsync<IReadOnlyList<DecisionRecord>>(async connection =>
    {
        await using var query = Command(connection, null, "SELECT inbox_id, playbook, outcome, reason, channel, escalation_id FROM decisions WHERE inbox_id = @i ORDER BY id");
        Bind(query, ("i", inboxId));
        await using var reader = await query.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<DecisionRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new DecisionRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), TextOf(reader, 4), TextOf(reader, 5)));
        }
        return list;
    }, ct);
}

internal sealed class PostgresAttributes(PostgresDatabase db) : IAttributeSnapshots
{
    public ValueTask<string?> LastSeenAttributesAsync(string customerId, CancellationToken ct) => new(db.ReadAsync(async connection =>
    {
        await using var query = Command(connection, null, "SELECT attributes FROM customer_attributes WHERE customer_id = @c");
        Bind(query, ("c", customerId));
        return await query.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }, ct));
}

internal sealed class PostgresStoreHealth(PostgresDatabase db) : IStoreHealth
{
    public StoreWriteHealth WriteHealth => db.WriteHealth;

    public Task<StoreStats> StatsAsync(int failingAttempts, DateTimeOffset recentSince, DateTimeOffset now, CancellationToken ct) => db.ReadAsync(async connection =>
    {
        await using var query = Command(connection, null,
            """
            SELECT (SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL), (SELECT COUNT(*) FROM inbox),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Pending' AND kind <> 'CustomerIo' AND ((clock IS NULL AND kind <> 'Digest') OR due_at <= @n)),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Sending' AND kind <> 'CustomerIo'),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Sent' AND kind <> 'CustomerIo'), (SELECT COUNT(*) FROM deliveries WHERE state = 'Dead'),
                   (SELECT COUNT(*) FROM inbox WHERE quarantine_reason IS NOT NULL),
                   (SELECT MIN(received_at) FROM inbox WHERE processed_at IS NULL),
                   (SELECT MIN(CASE WHEN clock IS NULL AND kind <> 'Digest' THEN created_at ELSE due_at END) FROM deliveries WHERE state IN ('Pending', 'Sending') AND ((clock IS NULL AND kind <> 'Digest') OR due_at <= @n)),
                   (SELECT COUNT(*) FROM deliveries WHERE state IN ('Pending', 'Sending') AND attempts >= @f AND last_error IS NOT NULL),
                   (SELECT COUNT(*) FROM inbox WHERE quarantine_reason IS NOT NULL AND processed_at >= @r),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Dead' AND COALESCE(dead_at, created_at) >= @r),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Pending' AND (clock IS NOT NULL OR kind = 'Digest') AND due_at > @n),
                   (SELECT COUNT(*) FROM deliveries WHERE state IN ('Pending', 'Sending') AND kind = 'CustomerIo'),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Sent' AND kind = 'CustomerIo')
            """);
        Bind(query, ("f", failingAttempts), ("r", Ms(recentSince)), ("n", Ms(now)));
        await using var reader = await query.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return new StoreStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
            reader.GetInt64(6), At(reader, 7), At(reader, 8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12),
            reader.GetInt64(13), reader.GetInt64(14));
    }, ct);
}

/// <summary>Clicks on PostgreSQL. Applying one locks the action's row, then its case's: two hosts applying clicks on one case take
/// turns, so the first acknowledgement and the first outcome win there as they do on SQLite's single writer.</summary>
internal sealed class PostgresActions(PostgresDatabase db) : IActionStore
{
    public Task<AcceptResult> AcceptAsync(IReadOnlyList<Interactivity.BlockAction> actions, CancellationToken ct)
    {
        var at = Ms(db.Time.GetUtcNow());
        return db.WriteAcceptAsync(async (connection, transaction) =>
        {
            await using var insert = Command(connection, transaction,
                """
                INSERT INTO actions (escalation_id, action, reason, team_id, user_id, action_ts, response_url, received_at)
                VALUES (@e, @a, @r, @t, @u, @ts, @url, @at)
                ON CONFLICT (escalation_id, user_id, action, action_ts) DO NOTHING RETURNING id
                """);
            var ids = new List<long>(actions.Count);
            foreach (var a in actions)
            {
                Bind(insert, ("e", a.EscalationId), ("a", a.Action.ToString()), ("r", a.Reason), ("t", a.TeamId), ("u", a.UserId), ("ts", a.ActionTs), ("url", a.ResponseUrl), ("at", at));
                if (await insert.ExecuteScalarAsync().ConfigureAwait(false) is long id) ids.Add(id);
            }
            return new AcceptResult(ids.Count, actions.Count - ids.Count, ids);
        }, ct);
    }

    private const string CaseSelect =
        """
        SELECT e.id, e.playbook, e.target, e.created_at, e.acknowledged_by, e.acknowledged_at, e.outcome, e.outcome_reason, e.outcome_by, e.outcome_at,
               (SELECT d.body FROM deliveries d WHERE d.escalation_id = e.id AND d.kind = 'Post' ORDER BY d.created_at, d.seq LIMIT 1), e.slack_channel, e.slack_ts,
               e.sla_due_at, e.sla_missed_at, e.customer_id, e.value, e.digest_id
        FROM escalations e WHERE e.id = @e
        """;

    private static async Task<CaseState?> ReadCase(NpgsqlConnection connection, NpgsqlTransaction? transaction, string escalationId, bool forUpdate = false)
    {
        await using var query = Command(connection, transaction, forUpdate ? CaseSelect + " FOR UPDATE OF e" : CaseSelect);
        Bind(query, ("e", escalationId));
        await using var reader = await query.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false)) return null;
        return new CaseState(reader.GetString(0), reader.GetString(1), reader.GetString(2), At(reader.GetInt64(3)), TextOf(reader, 4), At(reader, 5),
            TextOf(reader, 6), TextOf(reader, 7), TextOf(reader, 8), At(reader, 9), reader.IsDBNull(10) ? null : (byte[])reader[10], TextOf(reader, 11), TextOf(reader, 12),
            At(reader, 13), At(reader, 14), TextOf(reader, 15), reader.IsDBNull(16) ? null : Math.Round((decimal)reader.GetDouble(16), 2), TextOf(reader, 17));
    }

    public Task<CaseState?> CaseAsync(string escalationId, CancellationToken ct) => db.ReadAsync(connection => ReadCase(connection, null, escalationId), ct);

    public Task<CaseTransition?> ApplyAsync(long actionId, DateTimeOffset at, Func<string, IReadOnlyList<string>?> lostReasons, Func<CaseTransition, IReadOnlyList<NewDelivery>> deliveries, CancellationToken ct) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            // The action's row locked first: a second host applying the same click waits, then finds it applied.
            await using var read = Command(connection, transaction,
                "SELECT id, team_id, user_id, action, escalation_id, reason, action_ts, response_url, received_at, processed_at, result FROM actions WHERE id = @i AND processed_at IS NULL FOR UPDATE");
            Bind(read, ("i", actionId));
            StoredAction? stored;
            await using (var reader = await read.ExecuteReaderAsync().ConfigureAwait(false)) stored = await reader.ReadAsync().ConfigureAwait(false) ? ReadAction(reader) : null;
            if (stored is null) return null;
            var action = stored.Action;
            // Then the case's row: whatever another host's click did to it is committed before this reads it.
            var before = await ReadCase(connection, transaction, action.EscalationId, forUpdate: true).ConfigureAwait(false);
            var result = CaseRules.Decide(before, action, lostReasons);
            var after = before;
            if (result == CaseResult.Applied)
            {
                await using var change = Command(connection, transaction, action.Action == Interactivity.CaseAction.Acknowledge
                    ? "UPDATE escalations SET acknowledged_by = @u, acknowledged_at = @t WHERE id = @e AND acknowledged_at IS NULL AND outcome IS NULL"
                    : "UPDATE escalations SET outcome = @o, outcome_reason = @r, outcome_by = @u, outcome_at = @t WHERE id = @e AND outcome IS NULL");
                Bind(change, ("u", action.UserId), ("t", Ms(at)), ("e", action.EscalationId), ("o", action.Action == Interactivity.CaseAction.Saved ? "saved" : "lost"), ("r", action.Reason));
                await change.ExecuteNonQueryAsync().ConfigureAwait(false);
                await PostgresDeliveries.CancelClocksAsync(connection, transaction, action.EscalationId,
                    action.Action == Interactivity.CaseAction.Acknowledge ? "acknowledged" : "closed", at).ConfigureAwait(false);
                after = await ReadCase(connection, transaction, action.EscalationId).ConfigureAwait(false);
            }
            await using var done = Command(connection, transaction, "UPDATE actions SET processed_at = @t, result = @r WHERE id = @i");
            Bind(done, ("t", Ms(at)), ("r", result.ToString()), ("i", actionId));
            await done.ExecuteNonQueryAsync().ConfigureAwait(false);
            var transition = new CaseTransition(stored with { ProcessedAt = at, Result = result.ToString() }, result, before, after);
            foreach (var d in deliveries(transition))
            {
                await PostgresDeliveries.InsertAsync(connection, transaction, d, at).ConfigureAwait(false);
                // The outcome's write-back ends the hold (hold_ends_on): from now on a promotion is no violation.
                if (d.Purpose == DeliveryPurposes.HoldEnd)
                {
                    await using var ended = Command(connection, transaction, "UPDATE escalations SET hold_until = LEAST(COALESCE(hold_until, @t), @t) WHERE id = @e");
                    Bind(ended, ("t", Ms(at)), ("e", action.EscalationId));
                    await ended.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
            }
            return transition;
        }, ct);

    private static StoredAction ReadAction(NpgsqlDataReader reader)
    {
        var action = new Interactivity.BlockAction(reader.GetString(1), reader.GetString(2), Enum.Parse<Interactivity.CaseAction>(reader.GetString(3)), reader.GetString(4),
            TextOf(reader, 5), reader.GetString(6), TextOf(reader, 7));
        return new StoredAction(reader.GetInt64(0), action, At(reader.GetInt64(8)), At(reader, 9), TextOf(reader, 10));
    }

    public Task<IReadOnlyList<StoredAction>> PendingAsync(int limit, CancellationToken ct) => List("WHERE processed_at IS NULL", limit, ct);

    public Task<IReadOnlyList<StoredAction>> AllAsync(int limit, CancellationToken ct) => List("", limit, ct);

    private Task<IReadOnlyList<StoredAction>> List(string where, int limit, CancellationToken ct) => db.ReadAsync<IReadOnlyList<StoredAction>>(async connection =>
    {
        await using var query = Command(connection, null,
            $"SELECT id, team_id, user_id, action, escalation_id, reason, action_ts, response_url, received_at, processed_at, result FROM actions {where} ORDER BY id LIMIT @l");
        Bind(query, ("l", limit));
        await using var reader = await query.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<StoredAction>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) list.Add(ReadAction(reader));
        return list;
    }, ct);
}
