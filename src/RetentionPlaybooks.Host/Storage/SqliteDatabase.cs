using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// The embedded database: one SQLite file in WAL mode, created on first run and migrated to the current schema. All
/// writes go through one writer loop that commits whatever is queued in a single transaction (group commit), so
/// thousands of webhooks a second are each durable before they are answered, without lock contention; reads use pooled
/// connections. The SQL of each aggregate lives in its own store type; this type only queues, commits and reports.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    // Webhook inserts have their own queue, drained first: a large pipeline write never holds up an answer for long.
    private readonly Channel<WriteOp> _accepts = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<WriteOp> _writes = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    // The writer is a thread of its own, not a thread-pool loop: its commits block on the disk, and a pool thread held there
    // is one fewer for answering webhooks (the pool starts with one per core: two on a 2-core machine).
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Set by every queued write; the writer waits on it when both queues are empty.
    private readonly ManualResetEventSlim _work = new(false);
    private readonly SqliteConnection _writeConnection;
    private readonly int _busyTimeoutMs;
    private readonly ILogger? _logger;
    // One fault per queue: a full database can still take a write that needs no new page (a claim, a mark), which must not
    // clear the fault of the webhooks it keeps refusing — each kind of write is cleared only by a success of its own kind.
    private StoreWriteFault? _acceptFault;
    private StoreWriteFault? _writeFault;
    private long _writesFailed;

    public SqliteDatabase(string path, TimeProvider time, bool fullSync = true, TimeSpan? busyTimeout = null, long? maxSizeBytes = null, ILogger? logger = null)
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
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "SQLite writer" };
        _writer.Start();
    }

    public TimeProvider Time => _time;

    public string DatabasePath => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    /// <summary>Whether writes are failing now (the database locked, the disk full, an I/O error) and how many failed since start.</summary>
    public StoreWriteHealth WriteHealth => new(Earliest(Volatile.Read(ref _acceptFault), Volatile.Read(ref _writeFault)), Interlocked.Read(ref _writesFailed));

    private static StoreWriteFault? Earliest(StoreWriteFault? a, StoreWriteFault? b) => a is null ? b : b is null ? a : a.Since <= b.Since ? a : b;

    /// <summary>SQLite errors caused by what is written (constraint, too big, type mismatch, out of range), not by the store's state.</summary>
    internal static bool IsRecordWriteFault(Exception ex) => ex is SqliteException { SqliteErrorCode: 18 or 19 or 20 or 25 };

    /// <summary>Reads on a pooled connection of its own (WAL: never blocked by the writer).</summary>
    public Task<T> Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = Open();
        return Task.FromResult(read(connection));
    }

    /// <summary>Queues a write; it is committed with whatever else is queued, and its task completes when it is durable.</summary>
    public Task<T> Write<T>(Func<SqliteConnection, SqliteTransaction, T> apply, CancellationToken ct) => Write(_writes, apply, false, ct);

    /// <summary>A webhook's insert: its own queue, drained before the other writes.</summary>
    public Task<T> WriteAccept<T>(Func<SqliteConnection, SqliteTransaction, T> apply, CancellationToken ct) => Write(_accepts, apply, true, ct);

    private Task<T> Write<T>(Channel<WriteOp> queue, Func<SqliteConnection, SqliteTransaction, T> apply, bool accept, CancellationToken ct)
    {
        var op = new WriteOp<T>(apply) { IsAccept = accept };
        if (!queue.Writer.TryWrite(op)) throw new ObjectDisposedException(nameof(SqliteDatabase));
        _work.Set();
        // The write is not cancelled once queued: a signal that was accepted must be stored or fail loudly.
        return ct.CanBeCanceled ? op.Task.WaitAsync(ct) : op.Task;
    }

    private void WriteLoop()
    {
        try
        {
            var batch = new List<WriteOp>(MaxBatch);
            while (WaitForWork())
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
            _writerDone.TrySetResult();
        }
        catch (Exception ex)
        {
            // Not reached (TryCommit catches what a write throws); if it were, disposing would say so rather than hang.
            _writerDone.TrySetException(ex);
        }
    }

    /// <summary>Blocks the writer thread until a write is queued; false once both queues are completed and empty.</summary>
    private bool WaitForWork()
    {
        while (true)
        {
            // Reset before looking: a write queued after the look sets the event again, so the wait cannot miss it.
            _work.Reset();
            if (_accepts.Reader.TryPeek(out _) || _writes.Reader.TryPeek(out _)) return true;
            if (_accepts.Reader.Completion.IsCompleted && _writes.Reader.Completion.IsCompleted) return false;
            _work.Wait();
        }
    }

    /// <summary>Applies and commits the writes in one transaction; completes them, or on failure rolls back and reports false.</summary>
    private bool TryCommit(IReadOnlyList<WriteOp> batch)
    {
        try
        {
            // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock is taken first, so another process's
            // writer waits (busy_timeout) instead of failing with a stale snapshot half-way through.
            using (var transaction = _writeConnection.BeginTransaction())
            {
                foreach (var op in batch) op.Apply(_writeConnection, transaction);
                transaction.Commit();
            }
            // The fault is cleared before the writes are completed, so whoever sees a write succeed also sees /health
            // say so (completing first let a caller read the old fault in between).
            if (batch.Any(op => op.IsAccept)) Cleared(ref _acceptFault, "webhook");
            if (batch.Any(op => !op.IsAccept)) Cleared(ref _writeFault, "processing and delivery");
            foreach (var op in batch) op.Complete();
            return true;
        }
        catch (Exception ex)
        {
            // Whatever a write throws fails that write alone; the writer loop itself must never end, or every later
            // write would wait forever. The fault is recorded before the write is failed, so whoever sees the failure
            // also sees it in /health.
            Interlocked.Increment(ref _writesFailed);
            if (!IsRecordWriteFault(ex))
            {
                // Not the record's fault: the store cannot write. Said in /health until a write succeeds again. The
                // message is not logged (a constraint message can quote a value); its type and SQLite code are.
                var description = Describe(ex);
                var fault = new StoreWriteFault(description, _time.GetUtcNow());
                var first = Volatile.Read(ref _acceptFault) is null && Volatile.Read(ref _writeFault) is null;
                if (batch.Any(op => op.IsAccept) && Volatile.Read(ref _acceptFault) is null) Volatile.Write(ref _acceptFault, fault);
                if (batch.Any(op => !op.IsAccept) && Volatile.Read(ref _writeFault) is null) Volatile.Write(ref _writeFault, fault);
                if (first) _logger?.LogError("Store writes fail: {Fault}; webhooks are answered 503 and processing waits until they succeed again", description);
            }
            if (batch.Count == 1) batch[0].Fail(ex);
            return false;
        }
    }

    private void Cleared(ref StoreWriteFault? slot, string kind)
    {
        if (Volatile.Read(ref slot) is not { } fault) return;
        Volatile.Write(ref slot, null);
        _logger?.LogWarning("Store {Kind} writes succeed again (they failed from {Since:O}: {Fault})", kind, fault.Since, fault.Description);
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

    public async ValueTask DisposeAsync()
    {
        _accepts.Writer.TryComplete();
        _writes.Writer.TryComplete();
        _work.Set();
        await _writerDone.Task.ConfigureAwait(false);
        _writeConnection.Dispose();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, $"PRAGMA busy_timeout = {_busyTimeoutMs};");
        return connection;
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }

    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? At(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : At(reader.GetInt64(ordinal));

    public static string? TextOf(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, null, sql);
        command.ExecuteNonQuery();
    }

    private abstract class WriteOp
    {
        /// <summary>A webhook's or a click's accept (the queue that is committed first).</summary>
        public bool IsAccept { get; init; }

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
