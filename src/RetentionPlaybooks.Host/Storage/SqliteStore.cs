using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using RetentionPlaybooks.Pipeline;
using static RetentionPlaybooks.Host.Storage.SqliteDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>The embedded store: each aggregate's SQL over one <see cref="SqliteDatabase"/> (one file, one write queue).</summary>
internal sealed class SqliteStore : IStore
{
    public SqliteStore(string path, TimeProvider time, bool fullSync = true, TimeSpan? busyTimeout = null, long? maxSizeBytes = null, ILogger? logger = null)
    {
        Database = new SqliteDatabase(path, time, fullSync, busyTimeout, maxSizeBytes, logger);
        var escalations = new SqliteEscalations(Database);
        Escalations = escalations;
        Deliveries = new SqliteDeliveries(Database);
        Inbox = new SqliteInbox(Database, escalations);
        Decisions = new SqliteDecisions(Database);
        Attributes = new SqliteAttributes(Database);
        Actions = new SqliteActions(Database);
        Health = new SqliteStoreHealth(Database);
        Leases = new SqliteLeases(Database);
    }

    public SqliteDatabase Database { get; }

    public IInboxStore Inbox { get; }

    public IDecisionStore Decisions { get; }

    public IEscalationHistory Escalations { get; }

    public IAttributeSnapshots Attributes { get; }

    public IDeliveryStore Deliveries { get; }

    public IActionStore Actions { get; }

    public IStoreHealth Health { get; }

    public ILeaseStore Leases { get; }

    public string DatabasePath => Database.DatabasePath;

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

/// <summary>The inbox's SQL, and the processing commit (decisions, escalations, deliveries, attributes, done) in one transaction.</summary>
internal sealed class SqliteInbox(SqliteDatabase db, SqliteEscalations escalations) : IInboxStore
{
    private SqliteCommand? _insert;

    public bool IsRecordFault(Exception ex) => IsRecordWriteFault(ex);

    public Task<AcceptResult> AcceptAsync(IReadOnlyList<InboxItem> items, CancellationToken ct)
    {
        var receivedAt = Ms(db.Time.GetUtcNow());
        return db.WriteAccept((connection, transaction) =>
        {
            // Prepared once on the writer's connection: this is the hot path of every webhook.
            var insert = _insert ??= PrepareInsert(connection);
            insert.Transaction = transaction;
            var s = insert.Parameters["$s"];
            var k = insert.Parameters["$k"];
            var r = insert.Parameters["$r"];
            var p = insert.Parameters["$p"];
            var ids = new List<long>(items.Count);
            var duplicates = 0;
            foreach (var item in items)
            {
                s.Value = item.Source.ToString();
                k.Value = item.DeliveryKey;
                r.Value = receivedAt;
                p.Value = item.Payload;
                if (insert.ExecuteScalar() is long id) ids.Add(id);
                else duplicates++;
            }
            return new AcceptResult(ids.Count, duplicates, ids);
        }, ct);
    }

    private static SqliteCommand PrepareInsert(SqliteConnection connection)
    {
        var insert = Command(connection, null,
            "INSERT INTO inbox (source, delivery_key, received_at, payload) VALUES ($s, $k, $r, $p) ON CONFLICT (source, delivery_key) DO NOTHING RETURNING id");
        insert.Parameters.Add("$s", SqliteType.Text);
        insert.Parameters.Add("$k", SqliteType.Text);
        insert.Parameters.Add("$r", SqliteType.Integer);
        insert.Parameters.Add("$p", SqliteType.Blob);
        return insert;
    }

    public Task<IReadOnlyList<InboxRecord>> ClaimAsync(string owner, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct) =>
        db.Write<IReadOnlyList<InboxRecord>>((connection, transaction) =>
        {
            using var claim = Command(connection, transaction,
                """
                UPDATE inbox SET lease_owner = $o, lease_until = $u
                WHERE id IN (SELECT id FROM inbox WHERE processed_at IS NULL AND (lease_until IS NULL OR lease_until <= $n OR lease_owner = $o) ORDER BY id LIMIT $l)
                RETURNING id, source, delivery_key, received_at, payload
                """);
            Bind(claim, ("$o", owner), ("$u", Ms(leaseUntil)), ("$n", Ms(now)), ("$l", limit));
            using var reader = claim.ExecuteReader();
            var list = new List<InboxRecord>();
            while (reader.Read())
            {
                list.Add(new InboxRecord(reader.GetInt64(0), Enum.Parse<SignalSource>(reader.GetString(1)), reader.GetString(2), At(reader.GetInt64(3)), (byte[])reader[4]));
            }
            // RETURNING gives rows in no promised order: arrival order is the contract.
            list.Sort((a, b) => a.Id.CompareTo(b.Id));
            return list;
        }, ct);

    public Task<int> CompleteAsync(string owner, IReadOnlyList<ProcessingResult> results, DateTimeOffset at, CancellationToken ct) => db.Write((connection, transaction) =>
    {
        var now = Ms(at);
        // Only a record this owner still holds is completed: if its lease ran out and another host took it, that host's
        // results count, not these.
        using var done = Command(connection, transaction,
            "UPDATE inbox SET processed_at = $t, quarantine_reason = $q, lease_owner = NULL, lease_until = NULL WHERE id = $i AND processed_at IS NULL AND lease_owner = $o");
        using var decision = Command(connection, transaction,
            "INSERT INTO decisions (inbox_id, playbook, outcome, reason, channel, escalation_id, created_at, kind) VALUES ($i, $p, $o, $r, $c, $e, $t, $k)");
        using var counted = Command(connection, transaction,
            """
            INSERT INTO decision_counts (hour, playbook, channel, outcome, kind, count) VALUES ($h, $p, $c, $o, $k, 1)
            ON CONFLICT (hour, playbook, channel, outcome, kind) DO UPDATE SET count = count + 1
            """);
        using var attributes = Command(connection, transaction,
            "INSERT INTO customer_attributes (customer_id, attributes, updated_at) VALUES ($c, $a, $t) ON CONFLICT (customer_id) DO UPDATE SET attributes = excluded.attributes, updated_at = excluded.updated_at");
        var completed = 0;
        foreach (var result in results)
        {
            Bind(done, ("$t", now), ("$q", result.Quarantine), ("$i", result.InboxId), ("$o", owner));
            if (done.ExecuteNonQuery() == 0) continue;
            completed++;
            Dictionary<string, HeldBack>? heldBack = null;
            foreach (var e in result.Escalations)
            {
                if (escalations.Insert(connection, transaction, e) is { } held) (heldBack ??= [])[e.Id] = held;
            }
            foreach (var d in result.Decisions)
            {
                var record = d.EscalationId is { } id && heldBack is not null && heldBack.TryGetValue(id, out var h)
                    ? d with { Outcome = OutcomeText.Of(h.Outcome), Reason = h.Reason, EscalationId = h.Outcome == Outcome.Digested ? id : null, Kind = h.Kind is { } kind ? OutcomeText.Of(kind) : null }
                    : d;
                Bind(decision, ("$i", record.InboxId), ("$p", record.Playbook), ("$o", record.Outcome), ("$r", record.Reason), ("$c", record.Channel), ("$e", record.EscalationId), ("$t", now), ("$k", record.Kind));
                decision.ExecuteNonQuery();
                // The report's counts, by the hour the decision was written (a signal no playbook takes is not counted).
                if (record.Playbook == "-") continue;
                Bind(counted, ("$h", now / 3_600_000), ("$p", record.Playbook), ("$c", record.Channel ?? ""), ("$o", record.Outcome), ("$k", record.Kind ?? ""));
                counted.ExecuteNonQuery();
            }
            foreach (var promotion in result.Promotions ?? []) HoldViolations.Record(connection, transaction, result.InboxId, promotion, at);
            foreach (var (customer, json) in result.Attributes)
            {
                Bind(attributes, ("$c", customer), ("$a", json), ("$t", now));
                attributes.ExecuteNonQuery();
            }
        }
        return completed;
    }, ct);

    public Task<(long Id, bool Processed)?> FindAsync(SignalSource source, string deliveryKey, CancellationToken ct) => db.Read(connection =>
    {
        using var query = Command(connection, null, "SELECT id, processed_at IS NOT NULL FROM inbox WHERE source = $s AND delivery_key = $k");
        Bind(query, ("$s", source.ToString()), ("$k", deliveryKey));
        using var reader = query.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1) == 1) : ((long, bool)?)null;
    });

    public Task<IReadOnlyList<QuarantinedRecord>> QuarantinedAsync(int limit, CancellationToken ct) => db.Read<IReadOnlyList<QuarantinedRecord>>(connection =>
    {
        using var query = Command(connection, null,
            "SELECT id, source, delivery_key, quarantine_reason, received_at, processed_at FROM inbox WHERE quarantine_reason IS NOT NULL ORDER BY id DESC LIMIT $l");
        Bind(query, ("$l", limit));
        using var reader = query.ExecuteReader();
        var list = new List<QuarantinedRecord>();
        while (reader.Read())
        {
            list.Add(new QuarantinedRecord(reader.GetInt64(0), Enum.Parse<SignalSource>(reader.GetString(1)), reader.GetString(2), reader.GetString(3),
                At(reader.GetInt64(4)), At(reader.GetInt64(5))));
        }
        return list;
    });

    public Task<int> ScrubPayloadsAsync(DateTimeOffset before, CancellationToken ct) => db.Write((connection, transaction) =>
    {
        using var command = Command(connection, transaction, "UPDATE inbox SET payload = x'' WHERE processed_at IS NOT NULL AND processed_at < $t AND length(payload) > 0");
        Bind(command, ("$t", Ms(before)));
        return command.ExecuteNonQuery();
    }, ct);
}

/// <summary>
/// Escalations and their guardrail history. Windows are judged by each escalation's evaluation time; an escalation whose
/// post became a dead letter no longer counts, nor holds others back. The insert judges the inhibit rule and the guardrails
/// again inside the write transaction — with the dedupe key's unique index as the last word — so two hosts escalating the
/// same customer at once escalate once, and a case another host opened meanwhile inhibits as if it had been seen first.
/// </summary>
internal sealed class SqliteEscalations(SqliteDatabase db) : IEscalationHistory
{
    public ValueTask<DateTimeOffset?> LastEscalationAsync(string playbook, string customerId, CancellationToken ct) => new(db.Read(c => Last(c, null, playbook, customerId)));

    public ValueTask<bool> DedupeKeyUsedAsync(string playbook, string dedupeKey, CancellationToken ct) => new(db.Read(c => KeyUsed(c, null, playbook, dedupeKey)));

    public ValueTask<int> CountSinceAsync(string target, string? playbook, DateTimeOffset since, CancellationToken ct) => new(db.Read(c => Count(c, null, target, playbook, since)));

    public ValueTask<int> PostsSinceAsync(string target, DateTimeOffset since, CancellationToken ct) => new(db.Read(c => Posts(c, null, target, since)));

    public ValueTask<OpenCase?> OpenCaseAsync(IReadOnlyCollection<string> playbooks, string customerId, DateTimeOffset since, CancellationToken ct) =>
        new(db.Read(c => Open(c, null, playbooks, customerId, since)));

    private static OpenCase? Open(SqliteConnection connection, SqliteTransaction? transaction, IReadOnlyCollection<string> playbooks, string customerId, DateTimeOffset since)
    {
        if (playbooks.Count == 0) return null;
        // One placeholder per playbook: the IN list keeps escalations_customer_evaluated (playbook, customer_id, evaluated_at) usable.
        var names = playbooks.Select((_, i) => $"$p{i}").ToList();
        using var query = Command(connection, transaction,
            $"""
            SELECT id, playbook, evaluated_at FROM escalations
            WHERE playbook IN ({string.Join(", ", names)}) AND customer_id = $c AND evaluated_at >= $s AND outcome IS NULL AND dead_at IS NULL
            ORDER BY evaluated_at DESC, id DESC LIMIT 1
            """);
        Bind(query, [("$c", customerId), ("$s", Ms(since)), .. playbooks.Select((p, i) => (names[i], (object?)p))]);
        using var reader = query.ExecuteReader();
        return reader.Read() ? new OpenCase(reader.GetString(0), reader.GetString(1), At(reader.GetInt64(2))) : null;
    }

    private static DateTimeOffset? Last(SqliteConnection connection, SqliteTransaction? transaction, string playbook, string customerId)
    {
        using var query = Command(connection, transaction, "SELECT MAX(evaluated_at) FROM escalations WHERE playbook = $p AND customer_id = $c AND dead_at IS NULL");
        Bind(query, ("$p", playbook), ("$c", customerId));
        return query.ExecuteScalar() is long ms ? At(ms) : null;
    }

    private static bool KeyUsed(SqliteConnection connection, SqliteTransaction? transaction, string playbook, string dedupeKey)
    {
        using var query = Command(connection, transaction, "SELECT EXISTS (SELECT 1 FROM escalations WHERE playbook = $p AND dedupe_key = $d AND dead_at IS NULL)");
        Bind(query, ("$p", playbook), ("$d", dedupeKey));
        return (long)query.ExecuteScalar()! == 1;
    }

    private static int Count(SqliteConnection connection, SqliteTransaction? transaction, string target, string? playbook, DateTimeOffset since)
    {
        using var query = Command(connection, transaction,
            "SELECT COUNT(*) FROM escalations WHERE target = $t AND evaluated_at >= $s AND ($p IS NULL OR playbook = $p) AND dead_at IS NULL");
        Bind(query, ("$t", target), ("$s", Ms(since)), ("$p", playbook));
        return (int)(long)query.ExecuteScalar()!;
    }

    private static int Posts(SqliteConnection connection, SqliteTransaction? transaction, string target, DateTimeOffset since)
    {
        using var query = Command(connection, transaction,
            "SELECT COUNT(*) FROM escalations WHERE target = $t AND evaluated_at >= $s AND digest_id IS NULL AND dead_at IS NULL");
        Bind(query, ("$t", target), ("$s", Ms(since)));
        return (int)(long)query.ExecuteScalar()!;
    }

    /// <summary>Inserts the escalation and its post — or, rolled into its channel's digest, its line filed into the digest — in the
    /// caller's transaction; or, when a case opened meanwhile inhibits it, its guardrails no longer pass, or the dedupe key was
    /// taken meanwhile, inserts nothing and says what holds it back. A <see cref="HeldBack"/> whose outcome is
    /// <see cref="Outcome.Digested"/> means inserted, but rolled into the digest by the recheck: its decision says so.</summary>
    internal HeldBack? Insert(SqliteConnection connection, SqliteTransaction transaction, NewEscalation e)
    {
        // The transaction sees every escalation committed before it, by any host, and those inserted earlier in this commit;
        // the checkers' batch list is empty because they are here.
        var (insert, digested, note) = Digests.Judge(e, Completed(EscalationRecheck.JudgeAsync(new InTransaction(connection, transaction), e)));
        if (!insert) return note;
        var digestId = digested ? SqliteDeliveries.FileDigest(connection, transaction, e.Target, e.Digest!.Head, e.Digest.Every, e.CreatedAt) : null;
        using var escalation = Command(connection, transaction,
            """
            INSERT INTO escalations (id, inbox_id, playbook, customer_id, channel, target, dedupe_key, created_at, evaluated_at, sla_due_at, value, hold_until, digest_id, digest_line)
            VALUES ($id, $i, $p, $cust, $c, $target, $d, $t, $e, $sla, $v, $hold, $digest, $line)
            ON CONFLICT DO NOTHING
            """);
        Bind(escalation, ("$id", e.Id), ("$i", e.InboxId), ("$p", e.Playbook), ("$cust", e.CustomerId), ("$c", e.Channel), ("$target", e.Target),
            ("$d", e.DedupeKey is { Length: > 0 } ? e.DedupeKey : null), ("$t", Ms(e.CreatedAt)), ("$e", Ms(e.EvaluatedAt)), ("$sla", e.SlaDueAt is { } due ? Ms(due) : null), ("$v", e.Value is { } v ? (double)v : null),
            ("$hold", e.HoldUntil is { } hold ? Ms(hold) : null), ("$digest", digestId), ("$line", digested ? e.Digest!.Line : null));
        // A replayed result (or a dedupe key taken meanwhile) inserts nothing: a digest opened for it alone goes too.
        if (escalation.ExecuteNonQuery() == 0)
        {
            if (digestId is not null) SqliteDeliveries.DropEmptyDigest(connection, transaction, digestId);
            return EscalationRecheck.Duplicate(e);
        }
        if (!digested) SqliteDeliveries.Insert(connection, transaction, new NewDelivery(e.Id, e.Id, DeliveryKind.Post, e.Target, e.Body, e.CreatedAt), e.CreatedAt);
        foreach (var clock in (digested ? e.Digest!.Clocks : e.Clocks) ?? []) SqliteDeliveries.Insert(connection, transaction, clock, e.CreatedAt);
        return note;
    }

    /// <summary>The history as the write transaction sees it (the escalations inserted before in the same commit included).</summary>
    private sealed class InTransaction(SqliteConnection connection, SqliteTransaction transaction) : IEscalationHistory
    {
        public ValueTask<DateTimeOffset?> LastEscalationAsync(string playbook, string customerId, CancellationToken ct) => new(Last(connection, transaction, playbook, customerId));

        public ValueTask<bool> DedupeKeyUsedAsync(string playbook, string dedupeKey, CancellationToken ct) => new(KeyUsed(connection, transaction, playbook, dedupeKey));

        public ValueTask<int> CountSinceAsync(string target, string? playbook, DateTimeOffset since, CancellationToken ct) => new(Count(connection, transaction, target, playbook, since));

        public ValueTask<int> PostsSinceAsync(string target, DateTimeOffset since, CancellationToken ct) => new(Posts(connection, transaction, target, since));

        public ValueTask<OpenCase?> OpenCaseAsync(IReadOnlyCollection<string> playbooks, string customerId, DateTimeOffset since, CancellationToken ct) =>
            new(Open(connection, transaction, playbooks, customerId, since));
    }

    /// <summary>The result of a check over <see cref="InTransaction"/>, which answers synchronously (SQLite in this transaction).</summary>
    private static T Completed<T>(ValueTask<T> check) =>
        check.IsCompleted ? check.Result : throw new InvalidOperationException("a recheck in the write transaction must complete synchronously");
}

internal sealed class SqliteDecisions(SqliteDatabase db) : IDecisionStore
{
    public Task<IReadOnlyList<DecisionRecord>> DecisionsAsync(long inboxId, CancellationToken ct) => db.Read<IReadOnlyList<DecisionRecord>>(connection =>
    {
        using var query = Command(connection, null, "SELECT inbox_id, playbook, outcome, reason, channel, escalation_id FROM decisions WHERE inbox_id = $i ORDER BY id");
        Bind(query, ("$i", inboxId));
        using var reader = query.ExecuteReader();
        var list = new List<DecisionRecord>();
        while (reader.Read())
        {
            list.Add(new DecisionRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), TextOf(reader, 4), TextOf(reader, 5)));
        }
        return list;
    });
}

internal sealed class SqliteAttributes(SqliteDatabase db) : IAttributeSnapshots
{
    public ValueTask<string?> LastSeenAttributesAsync(string customerId, CancellationToken ct) => new(db.Read(connection =>
    {
        using var query = Command(connection, null, "SELECT attributes FROM customer_attributes WHERE customer_id = $c");
        Bind(query, ("$c", customerId));
        return query.ExecuteScalar() as string;
    }));
}

internal sealed class SqliteStoreHealth(SqliteDatabase db) : IStoreHealth
{
    public StoreWriteHealth WriteHealth => db.WriteHealth;

    public Task<StoreStats> StatsAsync(int failingAttempts, DateTimeOffset recentSince, DateTimeOffset now, CancellationToken ct) => db.Read(connection =>
    {
        using var query = Command(connection, null,
            """
            SELECT (SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL), (SELECT COUNT(*) FROM inbox),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Pending' AND kind <> 'CustomerIo' AND ((clock IS NULL AND kind <> 'Digest') OR due_at <= $n)),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Sending' AND kind <> 'CustomerIo'),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Sent' AND kind <> 'CustomerIo'), (SELECT COUNT(*) FROM deliveries WHERE state = 'Dead'),
                   (SELECT COUNT(*) FROM inbox WHERE quarantine_reason IS NOT NULL),
                   (SELECT MIN(received_at) FROM inbox WHERE processed_at IS NULL),
                   (SELECT MIN(CASE WHEN clock IS NULL AND kind <> 'Digest' THEN created_at ELSE due_at END) FROM deliveries WHERE state IN ('Pending', 'Sending') AND ((clock IS NULL AND kind <> 'Digest') OR due_at <= $n)),
                   (SELECT COUNT(*) FROM deliveries WHERE state IN ('Pending', 'Sending') AND attempts >= $f AND last_error IS NOT NULL),
                   (SELECT COUNT(*) FROM inbox WHERE quarantine_reason IS NOT NULL AND processed_at >= $r),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Dead' AND COALESCE(dead_at, created_at) >= $r),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Pending' AND (clock IS NOT NULL OR kind = 'Digest') AND due_at > $n),
                   (SELECT COUNT(*) FROM deliveries WHERE state IN ('Pending', 'Sending') AND kind = 'CustomerIo'),
                   (SELECT COUNT(*) FROM deliveries WHERE state = 'Sent' AND kind = 'CustomerIo')
            """);
        Bind(query, ("$f", failingAttempts), ("$r", Ms(recentSince)), ("$n", Ms(now)));
        using var reader = query.ExecuteReader();
        reader.Read();
        return new StoreStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
            reader.GetInt64(6), At(reader, 7), At(reader, 8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12),
            reader.GetInt64(13), reader.GetInt64(14));
    });
}

internal sealed class SqliteActions(SqliteDatabase db) : IActionStore
{
    public Task<AcceptResult> AcceptAsync(IReadOnlyList<Interactivity.BlockAction> actions, CancellationToken ct)
    {
        var at = Ms(db.Time.GetUtcNow());
        return db.WriteAccept((connection, transaction) =>
        {
            using var insert = Command(connection, transaction,
                """
                INSERT INTO actions (escalation_id, action, reason, team_id, user_id, action_ts, response_url, received_at)
                VALUES ($e, $a, $r, $t, $u, $ts, $url, $at)
                ON CONFLICT (escalation_id, user_id, action, action_ts) DO NOTHING RETURNING id
                """);
            var ids = new List<long>(actions.Count);
            foreach (var a in actions)
            {
                Bind(insert, ("$e", a.EscalationId), ("$a", a.Action.ToString()), ("$r", a.Reason), ("$t", a.TeamId), ("$u", a.UserId), ("$ts", a.ActionTs), ("$url", a.ResponseUrl), ("$at", at));
                if (insert.ExecuteScalar() is long id) ids.Add(id);
            }
            return new AcceptResult(ids.Count, actions.Count - ids.Count, ids);
        }, ct);
    }

    private const string CaseSelect =
        """
        SELECT e.id, e.playbook, e.target, e.created_at, e.acknowledged_by, e.acknowledged_at, e.outcome, e.outcome_reason, e.outcome_by, e.outcome_at,
               (SELECT d.body FROM deliveries d WHERE d.escalation_id = e.id AND d.kind = 'Post' ORDER BY d.created_at LIMIT 1), e.slack_channel, e.slack_ts,
               e.sla_due_at, e.sla_missed_at, e.customer_id, e.value, e.digest_id
        FROM escalations e WHERE e.id = $e
        """;

    private static CaseState? ReadCase(SqliteConnection connection, SqliteTransaction? transaction, string escalationId)
    {
        using var query = Command(connection, transaction, CaseSelect);
        Bind(query, ("$e", escalationId));
        using var reader = query.ExecuteReader();
        if (!reader.Read()) return null;
        return new CaseState(reader.GetString(0), reader.GetString(1), reader.GetString(2), At(reader.GetInt64(3)), TextOf(reader, 4), At(reader, 5),
            TextOf(reader, 6), TextOf(reader, 7), TextOf(reader, 8), At(reader, 9), reader.IsDBNull(10) ? null : (byte[])reader[10], TextOf(reader, 11), TextOf(reader, 12),
            At(reader, 13), At(reader, 14), TextOf(reader, 15), reader.IsDBNull(16) ? null : Math.Round((decimal)reader.GetDouble(16), 2), TextOf(reader, 17));
    }

    public Task<CaseState?> CaseAsync(string escalationId, CancellationToken ct) => db.Read(connection => ReadCase(connection, null, escalationId));

    public Task<CaseTransition?> ApplyAsync(long actionId, DateTimeOffset at, Func<string, IReadOnlyList<string>?> lostReasons, Func<CaseTransition, IReadOnlyList<NewDelivery>> deliveries, CancellationToken ct) =>
        db.Write((connection, transaction) =>
        {
            using var read = Command(connection, transaction,
                "SELECT id, team_id, user_id, action, escalation_id, reason, action_ts, response_url, received_at, processed_at, result FROM actions WHERE id = $i AND processed_at IS NULL");
            Bind(read, ("$i", actionId));
            StoredAction? stored;
            using (var reader = read.ExecuteReader()) stored = reader.Read() ? ReadAction(reader) : null;
            if (stored is null) return null;
            var action = stored.Action;
            var before = ReadCase(connection, transaction, action.EscalationId);
            var result = CaseRules.Decide(before, action, lostReasons);
            var after = before;
            if (result == CaseResult.Applied)
            {
                // The conditions repeat the decision above: within this transaction nothing else can have changed the case.
                using var change = Command(connection, transaction, action.Action == Interactivity.CaseAction.Acknowledge
                    ? "UPDATE escalations SET acknowledged_by = $u, acknowledged_at = $t WHERE id = $e AND acknowledged_at IS NULL AND outcome IS NULL"
                    : "UPDATE escalations SET outcome = $o, outcome_reason = $r, outcome_by = $u, outcome_at = $t WHERE id = $e AND outcome IS NULL");
                Bind(change, ("$u", action.UserId), ("$t", Ms(at)), ("$e", action.EscalationId), ("$o", action.Action == Interactivity.CaseAction.Saved ? "saved" : "lost"), ("$r", action.Reason));
                change.ExecuteNonQuery();
                // Someone is on it (or it is over): the reminder, the breach and the escalation of its SLA no longer apply.
                SqliteDeliveries.CancelClocks(connection, transaction, action.EscalationId,
                    action.Action == Interactivity.CaseAction.Acknowledge ? "acknowledged" : "closed", at);
                after = ReadCase(connection, transaction, action.EscalationId);
            }
            using var done = Command(connection, transaction, "UPDATE actions SET processed_at = $t, result = $r WHERE id = $i");
            Bind(done, ("$t", Ms(at)), ("$r", result.ToString()), ("$i", actionId));
            done.ExecuteNonQuery();
            var transition = new CaseTransition(stored with { ProcessedAt = at, Result = result.ToString() }, result, before, after);
            foreach (var d in deliveries(transition))
            {
                SqliteDeliveries.Insert(connection, transaction, d, at);
                // The outcome's write-back ends the hold (hold_ends_on): from now on a promotion is no violation.
                if (d.Purpose == DeliveryPurposes.HoldEnd)
                {
                    using var ended = Command(connection, transaction, "UPDATE escalations SET hold_until = MIN(COALESCE(hold_until, $t), $t) WHERE id = $e");
                    Bind(ended, ("$t", Ms(at)), ("$e", action.EscalationId));
                    ended.ExecuteNonQuery();
                }
            }
            return transition;
        }, ct);

    private static StoredAction ReadAction(SqliteDataReader reader)
    {
        var action = new Interactivity.BlockAction(reader.GetString(1), reader.GetString(2), Enum.Parse<Interactivity.CaseAction>(reader.GetString(3)), reader.GetString(4),
            TextOf(reader, 5), reader.GetString(6), TextOf(reader, 7));
        return new StoredAction(reader.GetInt64(0), action, At(reader.GetInt64(8)), At(reader, 9), TextOf(reader, 10));
    }

    public Task<IReadOnlyList<StoredAction>> PendingAsync(int limit, CancellationToken ct) => List("WHERE processed_at IS NULL", limit);

    public Task<IReadOnlyList<StoredAction>> AllAsync(int limit, CancellationToken ct) => List("", limit);

    private Task<IReadOnlyList<StoredAction>> List(string where, int limit) => db.Read<IReadOnlyList<StoredAction>>(connection =>
    {
        using var query = Command(connection, null,
            $"SELECT id, team_id, user_id, action, escalation_id, reason, action_ts, response_url, received_at, processed_at, result FROM actions {where} ORDER BY id LIMIT $l");
        Bind(query, ("$l", limit));
        using var reader = query.ExecuteReader();
        var list = new List<StoredAction>();
        while (reader.Read()) list.Add(ReadAction(reader));
        return list;
    });
}
