using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, created on first run. All writes go through one writer
/// loop that commits whatever is queued in a single transaction (group commit), so thousands of webhooks a
/// second are each durable before they are answered, without lock contention. Reads use pooled connections.
/// </summary>
internal sealed class SqliteEscalationStore : IEscalationStore, IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    // Webhook inserts have their own queue, drained first: a large pipeline write never holds up an answer for long.
    private readonly Channel<WriteOp> _accepts = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<WriteOp> _writes = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private SqliteCommand? _insertInbox;
    private readonly Task _writer;
    private readonly SqliteConnection _writeConnection;

    private readonly int _busyTimeoutMs;
    private readonly ILogger? _logger;
    private StoreWriteFault? _writeFault;
    private long _writesFailed;

    public SqliteEscalationStore(string path, TimeProvider time, bool fullSync = true, TimeSpan? busyTimeout = null, long? maxSizeBytes = null, ILogger? logger = null)
    {
        _logger = logger;
        // Microsoft.Data.Sqlite retries a busy database until the command timeout, on top of SQLite's busy_timeout:
        // both are set to the one limit, so a locked database fails a write after that long and no later.
        var wait = busyTimeout ?? TimeSpan.FromSeconds(3);
        _busyTimeoutMs = (int)wait.TotalMilliseconds;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, DefaultTimeout = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) }.ToString();
        _time = time;
        _writeConnection = Open();
        Execute(_writeConnection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(fullSync ? "FULL" : "NORMAL")};");
        SqliteSchema.Apply(_writeConnection, time.GetUtcNow());
        if (maxSizeBytes is { } cap)
        {
            // SQLite refuses to grow the file past max_page_count pages (SQLITE_FULL, as on a full disk).
            using var pageSize = Command(_writeConnection, null, "PRAGMA page_size");
            var pages = Math.Max(1, cap / (long)pageSize.ExecuteScalar()!);
            Execute(_writeConnection, $"PRAGMA max_page_count = {pages};");
        }
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Whether writes are failing now (the database locked, the disk full, an I/O error) and how many failed since start.</summary>
    public StoreWriteHealth WriteHealth => new(Volatile.Read(ref _writeFault), Interlocked.Read(ref _writesFailed));

    /// <summary>SQLite errors caused by what is written (constraint, too big, type mismatch, out of range), not by the store's state.</summary>
    internal static bool IsRecordWriteFault(SqliteException ex) => ex.SqliteErrorCode is 18 or 19 or 20 or 25;

    public string DatabasePath => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    public Task<AcceptResult> AcceptAsync(IReadOnlyList<InboxItem> items, CancellationToken ct)
    {
        var receivedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return Write(_accepts, (connection, transaction) =>
        {
            var insert = _insertInbox ??= PrepareInsert(connection);
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

    public Task<IReadOnlyList<InboxRecord>> PendingInboxAsync(int limit, CancellationToken ct) => Read<IReadOnlyList<InboxRecord>>(connection =>
    {
        using var query = Command(connection, null,
            "SELECT id, source, delivery_key, received_at, payload FROM inbox WHERE processed_at IS NULL ORDER BY id LIMIT $n");
        query.Parameters.AddWithValue("$n", limit);
        using var reader = query.ExecuteReader();
        var list = new List<InboxRecord>();
        while (reader.Read())
        {
            list.Add(new InboxRecord(reader.GetInt64(0), Enum.Parse<SignalSource>(reader.GetString(1)), reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), (byte[])reader[4]));
        }
        return list;
    });

    public Task CompleteAsync(IReadOnlyList<ProcessingResult> results, DateTimeOffset at, CancellationToken ct) => Write((connection, transaction) =>
    {
        var now = at.ToUnixTimeMilliseconds();
        using var decision = Command(connection, transaction,
            "INSERT INTO decisions (inbox_id, playbook, outcome, reason, channel, escalation_id, created_at) VALUES ($i, $p, $o, $r, $c, $e, $t)");
        using var escalation = Command(connection, transaction,
            """
            INSERT INTO escalations (id, inbox_id, playbook, customer_id, channel, target, dedupe_key, body, state, attempts, next_attempt_at, created_at, evaluated_at)
            VALUES ($id, $i, $p, $cust, $c, $target, $d, $b, 'Pending', 0, $t, $t, $e)
            ON CONFLICT DO NOTHING
            """);
        using var attributes = Command(connection, transaction,
            "INSERT INTO customer_attributes (customer_id, attributes, updated_at) VALUES ($c, $a, $t) ON CONFLICT (customer_id) DO UPDATE SET attributes = excluded.attributes, updated_at = excluded.updated_at");
        using var done = Command(connection, transaction, "UPDATE inbox SET processed_at = $t, quarantine_reason = $q WHERE id = $i");
        foreach (var result in results)
        {
            foreach (var d in result.Decisions)
            {
                Bind(decision, ("$i", d.InboxId), ("$p", d.Playbook), ("$o", d.Outcome), ("$r", d.Reason), ("$c", d.Channel), ("$e", d.EscalationId), ("$t", now));
                decision.ExecuteNonQuery();
            }
            foreach (var e in result.Escalations)
            {
                Bind(escalation, ("$id", e.Id), ("$i", e.InboxId), ("$p", e.Playbook), ("$cust", e.CustomerId), ("$c", e.Channel), ("$target", e.Target),
                    ("$d", e.DedupeKey), ("$b", e.Body), ("$t", e.CreatedAt.ToUnixTimeMilliseconds()), ("$e", e.EvaluatedAt.ToUnixTimeMilliseconds()));
                escalation.ExecuteNonQuery();
            }
            foreach (var (customer, json) in result.Attributes)
            {
                Bind(attributes, ("$c", customer), ("$a", json), ("$t", now));
                attributes.ExecuteNonQuery();
            }
            Bind(done, ("$t", now), ("$q", result.Quarantine), ("$i", result.InboxId));
            done.ExecuteNonQuery();
        }
        return true;
    }, ct);

    // The guardrail history (IEscalationHistory): windows are judged by each escalation's evaluation time.
    public ValueTask<DateTimeOffset?> LastEscalationAsync(string playbook, string customerId, CancellationToken ct) => new(Read(connection =>
    {
        using var query = Command(connection, null, "SELECT MAX(evaluated_at) FROM escalations WHERE playbook = $p AND customer_id = $c AND state <> 'Dead'");
        Bind(query, ("$p", playbook), ("$c", customerId));
        return query.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
    }));

    public ValueTask<bool> DedupeKeyUsedAsync(string playbook, string dedupeKey, CancellationToken ct) => new(Read(connection =>
    {
        using var query = Command(connection, null, "SELECT EXISTS (SELECT 1 FROM escalations WHERE playbook = $p AND dedupe_key = $d AND state <> 'Dead')");
        Bind(query, ("$p", playbook), ("$d", dedupeKey));
        return (long)query.ExecuteScalar()! == 1;
    }));

    public ValueTask<int> CountSinceAsync(string target, string? playbook, DateTimeOffset since, CancellationToken ct) => new(Read(connection =>
    {
        using var query = Command(connection, null,
            "SELECT COUNT(*) FROM escalations WHERE target = $t AND evaluated_at >= $s AND ($p IS NULL OR playbook = $p) AND state <> 'Dead'");
        Bind(query, ("$t", target), ("$s", since.ToUnixTimeMilliseconds()), ("$p", playbook));
        return (int)(long)query.ExecuteScalar()!;
    }));

    public ValueTask<string?> LastSeenAttributesAsync(string customerId, CancellationToken ct) => new(Read(connection =>
    {
        using var query = Command(connection, null, "SELECT attributes FROM customer_attributes WHERE customer_id = $c");
        Bind(query, ("$c", customerId));
        return query.ExecuteScalar() as string;
    }));

    public Task<IReadOnlyList<OutboxItem>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct) => Read(connection =>
    {
        using var query = Command(connection, null, $"{OutboxSelect} WHERE state = 'Pending' AND next_attempt_at <= $n ORDER BY next_attempt_at, created_at, id LIMIT $l");
        Bind(query, ("$n", now.ToUnixTimeMilliseconds()), ("$l", limit));
        return ReadOutbox(query);
    });

    public Task<DateTimeOffset?> NextDueAsync(DateTimeOffset after, CancellationToken ct) => Read(connection =>
    {
        using var query = Command(connection, null, "SELECT MIN(next_attempt_at) FROM escalations WHERE state = 'Pending' AND next_attempt_at > $a");
        Bind(query, ("$a", after.ToUnixTimeMilliseconds()));
        return query.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
    });

    public Task<IReadOnlyList<OutboxItem>> InDoubtAsync(CancellationToken ct) => Read(connection =>
    {
        using var query = Command(connection, null, $"{OutboxSelect} WHERE state = 'Sending' ORDER BY created_at, id");
        return ReadOutbox(query);
    });

    public Task MarkSendingAsync(string id, CancellationToken ct) =>
        Update("UPDATE escalations SET state = 'Sending', attempts = attempts + 1 WHERE id = $id", ct, ("$id", id));

    public Task MarkSentAsync(string id, string slackChannel, string slackTs, DateTimeOffset at, CancellationToken ct) =>
        Update("UPDATE escalations SET state = 'Sent', slack_channel = $c, slack_ts = $ts, sent_at = $t, last_error = NULL, in_doubt = 0 WHERE id = $id", ct,
            ("$id", id), ("$c", slackChannel), ("$ts", slackTs), ("$t", at.ToUnixTimeMilliseconds()));

    public Task MarkRetryAsync(string id, DateTimeOffset nextAttemptAt, string error, bool countAttempt, bool inDoubt, CancellationToken ct) =>
        Update($"UPDATE escalations SET state = 'Pending', next_attempt_at = $n, last_error = $e, in_doubt = $d{(countAttempt ? "" : ", attempts = MAX(attempts - 1, 0)")} WHERE id = $id", ct,
            ("$id", id), ("$n", nextAttemptAt.ToUnixTimeMilliseconds()), ("$e", error), ("$d", inDoubt ? 1 : 0));

    public Task MarkDeadAsync(string id, string error, CancellationToken ct) =>
        Update("UPDATE escalations SET state = 'Dead', last_error = $e, dead_at = $t WHERE id = $id", ct,
            ("$id", id), ("$e", error), ("$t", _time.GetUtcNow().ToUnixTimeMilliseconds()));

    public Task<OutboxItem?> GetEscalationAsync(string id, CancellationToken ct) => Read(connection =>
    {
        using var query = Command(connection, null, $"{OutboxSelect} WHERE id = $id");
        Bind(query, ("$id", id));
        return ReadOutbox(query).FirstOrDefault();
    });

    public Task<IReadOnlyList<OutboxItem>> DeadLettersAsync(int limit, CancellationToken ct) => Read(connection =>
    {
        using var query = Command(connection, null, $"{OutboxSelect} WHERE state = 'Dead' ORDER BY created_at DESC LIMIT $l");
        Bind(query, ("$l", limit));
        return ReadOutbox(query);
    });

    public Task<IReadOnlyList<DecisionRecord>> DecisionsAsync(long inboxId, CancellationToken ct) => Read<IReadOnlyList<DecisionRecord>>(connection =>
    {
        using var query = Command(connection, null, "SELECT inbox_id, playbook, outcome, reason, channel, escalation_id FROM decisions WHERE inbox_id = $i ORDER BY id");
        Bind(query, ("$i", inboxId));
        using var reader = query.ExecuteReader();
        var list = new List<DecisionRecord>();
        while (reader.Read())
        {
            list.Add(new DecisionRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return list;
    });

    public Task<(long Id, bool Processed)?> FindInboxAsync(SignalSource source, string deliveryKey, CancellationToken ct) => Read(connection =>
    {
        using var query = Command(connection, null, "SELECT id, processed_at IS NOT NULL FROM inbox WHERE source = $s AND delivery_key = $k");
        Bind(query, ("$s", source.ToString()), ("$k", deliveryKey));
        using var reader = query.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1) == 1) : ((long, bool)?)null;
    });

    public Task<int> ScrubPayloadsAsync(DateTimeOffset before, CancellationToken ct) => Write((connection, transaction) =>
    {
        using var command = Command(connection, transaction, "UPDATE inbox SET payload = x'' WHERE processed_at IS NOT NULL AND processed_at < $t AND length(payload) > 0");
        Bind(command, ("$t", before.ToUnixTimeMilliseconds()));
        return command.ExecuteNonQuery();
    }, ct);

    public Task<StoreStats> StatsAsync(int failingAttempts, DateTimeOffset recentSince, CancellationToken ct) => Read(connection =>
    {
        using var query = Command(connection, null,
            """
            SELECT (SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL), (SELECT COUNT(*) FROM inbox),
                   (SELECT COUNT(*) FROM escalations WHERE state = 'Pending'), (SELECT COUNT(*) FROM escalations WHERE state = 'Sending'),
                   (SELECT COUNT(*) FROM escalations WHERE state = 'Sent'), (SELECT COUNT(*) FROM escalations WHERE state = 'Dead'),
                   (SELECT COUNT(*) FROM inbox WHERE quarantine_reason IS NOT NULL),
                   (SELECT MIN(received_at) FROM inbox WHERE processed_at IS NULL),
                   (SELECT MIN(created_at) FROM escalations WHERE state IN ('Pending', 'Sending')),
                   (SELECT COUNT(*) FROM escalations WHERE state IN ('Pending', 'Sending') AND attempts >= $f AND last_error IS NOT NULL),
                   (SELECT COUNT(*) FROM inbox WHERE quarantine_reason IS NOT NULL AND processed_at >= $r),
                   (SELECT COUNT(*) FROM escalations WHERE state = 'Dead' AND COALESCE(dead_at, created_at) >= $r)
            """);
        Bind(query, ("$f", failingAttempts), ("$r", recentSince.ToUnixTimeMilliseconds()));
        using var reader = query.ExecuteReader();
        reader.Read();
        return new StoreStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
            reader.GetInt64(6), At(reader, 7), At(reader, 8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11));
    });

    public Task<IReadOnlyList<QuarantinedRecord>> QuarantinedAsync(int limit, CancellationToken ct) => Read<IReadOnlyList<QuarantinedRecord>>(connection =>
    {
        using var query = Command(connection, null,
            "SELECT id, source, delivery_key, quarantine_reason, received_at, processed_at FROM inbox WHERE quarantine_reason IS NOT NULL ORDER BY id DESC LIMIT $l");
        Bind(query, ("$l", limit));
        using var reader = query.ExecuteReader();
        var list = new List<QuarantinedRecord>();
        while (reader.Read())
        {
            list.Add(new QuarantinedRecord(reader.GetInt64(0), Enum.Parse<SignalSource>(reader.GetString(1)), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }
        return list;
    });

    private static DateTimeOffset? At(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public async ValueTask DisposeAsync()
    {
        _accepts.Writer.TryComplete();
        _writes.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _insertInbox?.Dispose();
        _writeConnection.Dispose();
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

    private const string OutboxSelect =
        "SELECT id, playbook, channel, target, body, state, attempts, next_attempt_at, created_at, slack_channel, slack_ts, last_error, in_doubt FROM escalations";

    private static IReadOnlyList<OutboxItem> ReadOutbox(SqliteCommand query)
    {
        using var reader = query.ExecuteReader();
        var list = new List<OutboxItem>();
        while (reader.Read())
        {
            list.Add(new OutboxItem(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (byte[])reader[4],
                Enum.Parse<DeliveryState>(reader.GetString(5)), reader.GetInt32(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.GetInt64(12) != 0));
        }
        return list;
    }

    private Task Update(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) => Write((connection, transaction) =>
    {
        using var command = Command(connection, transaction, sql);
        Bind(command, parameters);
        command.ExecuteNonQuery();
        return true;
    }, ct);

    private Task<T> Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = Open();
        return Task.FromResult(read(connection));
    }

    private Task<T> Write<T>(Func<SqliteConnection, SqliteTransaction, T> apply, CancellationToken ct) => Write(_writes, apply, ct);

    private Task<T> Write<T>(Channel<WriteOp> queue, Func<SqliteConnection, SqliteTransaction, T> apply, CancellationToken ct)
    {
        var op = new WriteOp<T>(apply);
        if (!queue.Writer.TryWrite(op)) throw new ObjectDisposedException(nameof(SqliteEscalationStore));
        // The write is not cancelled once queued: a signal that was accepted must be stored or fail loudly.
        return ct.CanBeCanceled ? op.Task.WaitAsync(ct) : op.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<WriteOp>(MaxBatch);
        while (await WaitForWorkAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _accepts.Reader.TryRead(out var accept)) batch.Add(accept);
            // At most one other write per transaction, so webhooks keep being committed every few milliseconds.
            if (_writes.Reader.TryRead(out var other)) batch.Add(other);
            if (batch.Count == 0) continue;
            if (!TryCommit(batch) && batch.Count > 1)
            {
                // Something in the batch failed: commit each write on its own, so one bad write fails alone. (A
                // write that failed alone has been answered with its failure already: it must not be tried again,
                // or a webhook refused with 503 could still be stored.)
                foreach (var op in batch) TryCommit([op]);
            }
        }
    }

    private async Task<bool> WaitForWorkAsync()
    {
        while (true)
        {
            if (_accepts.Reader.TryPeek(out _) || _writes.Reader.TryPeek(out _)) return true;
            var a = _accepts.Reader.WaitToReadAsync().AsTask();
            var w = _writes.Reader.WaitToReadAsync().AsTask();
            var done = await Task.WhenAny(a, w).ConfigureAwait(false);
            if (await done.ConfigureAwait(false)) return true;
            // One queue is completed (disposing): keep draining the other until it completes too.
            var rest = done == a ? w : a;
            if (!await rest.ConfigureAwait(false)) return false;
        }
    }

    /// <summary>Applies and commits the writes in one transaction; completes them, or on failure rolls back and reports false.</summary>
    private bool TryCommit(IReadOnlyList<WriteOp> batch)
    {
        try
        {
            using (var transaction = _writeConnection.BeginTransaction())
            {
                foreach (var op in batch) op.Apply(_writeConnection, transaction);
                transaction.Commit();
            }
            foreach (var op in batch) op.Complete();
            if (Volatile.Read(ref _writeFault) is { } fault)
            {
                Volatile.Write(ref _writeFault, null);
                _logger?.LogWarning("Store writes succeed again (they failed from {Since:O}: {Fault})", fault.Since, fault.Description);
            }
            return true;
        }
        catch (Exception ex)
        {
            // Whatever a write throws fails that write alone; the writer loop itself must never end, or every later
            // write would wait forever.
            if (batch.Count == 1) batch[0].Fail(ex);
            Interlocked.Increment(ref _writesFailed);
            if (ex is not SqliteException record || !IsRecordWriteFault(record))
            {
                // Not the record's fault: the store cannot write. Said in /health until a write succeeds again. The
                // message is not logged (a constraint message can quote a value); its type and SQLite code are.
                var description = Describe(ex);
                if (Volatile.Read(ref _writeFault) is null)
                {
                    Volatile.Write(ref _writeFault, new StoreWriteFault(description, _time.GetUtcNow()));
                    _logger?.LogError("Store writes fail: {Fault}; webhooks are answered 503 and processing waits until they succeed again", description);
                }
            }
            return false;
        }
    }

    internal static string Describe(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } e => $"SQLite error {e.SqliteErrorCode}: the database is locked by another connection",
        SqliteException { SqliteErrorCode: 10 } e => $"SQLite error {e.SqliteErrorCode}: disk I/O error",
        SqliteException { SqliteErrorCode: 13 } e => $"SQLite error {e.SqliteErrorCode}: the database or the disk is full",
        SqliteException { SqliteErrorCode: 14 } e => $"SQLite error {e.SqliteErrorCode}: the database file cannot be opened",
        SqliteException e => $"SQLite error {e.SqliteErrorCode} ({e.SqliteExtendedErrorCode})",
        _ => $"unexpected {ex.GetType().Name}",
    };

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, $"PRAGMA busy_timeout = {_busyTimeoutMs};");
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    private abstract class WriteOp
    {
        public abstract void Apply(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception ex);
    }

    private sealed class WriteOp<T>(Func<SqliteConnection, SqliteTransaction, T> apply) : WriteOp
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private bool _failed;

        public Task<T> Task => _done.Task;

        public override void Apply(SqliteConnection connection, SqliteTransaction transaction) => _result = apply(connection, transaction);

        public override void Complete()
        {
            if (!_failed) _done.TrySetResult(_result!);
        }

        public override void Fail(Exception ex)
        {
            _failed = true;
            _done.TrySetException(ex);
        }
    }
}
