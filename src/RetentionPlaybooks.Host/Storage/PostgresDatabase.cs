using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// The shared database of a fleet: PostgreSQL through a pooled <see cref="NpgsqlDataSource"/>, migrated at start-up under an
/// advisory lock. Unlike SQLite there is no single writer: every host writes at once, each write its own READ COMMITTED
/// transaction, and what must not race is settled by row locks (claims: <c>FOR UPDATE SKIP LOCKED</c>), unique indexes and
/// transaction-scoped advisory locks (the guardrails' re-check). Times are bigint milliseconds, as in the SQLite store, and
/// always the caller's (the injected clock), never the server's. This type only opens, retries and reports faults.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private const int Attempts = 5;

    private readonly NpgsqlDataSource _source;
    private readonly ILogger? _logger;
    // As in SqliteDatabase: one fault per kind of write, each cleared only by a success of its own kind.
    private StoreWriteFault? _acceptFault;
    private StoreWriteFault? _writeFault;
    private long _writesFailed;

    private PostgresDatabase(NpgsqlDataSource source, TimeProvider time, ILogger? logger)
    {
        _source = source;
        Time = time;
        _logger = logger;
    }

    /// <summary>Connects and brings the schema to <see cref="PostgresSchema.CurrentVersion"/>; throws when PostgreSQL cannot be
    /// reached (<see cref="NpgsqlException"/>) or the database is newer (<see cref="SchemaTooNewException"/>).</summary>
    /// <remarks><paramref name="connectTimeout"/> (Store:BusyTimeout): at most this long to get a connection, so that a webhook is
    /// answered 503 before Customer.io's 4 s run out when PostgreSQL is gone.</remarks>
    public static PostgresDatabase Open(string connectionString, TimeProvider time, TimeSpan? connectTimeout = null, ILogger? logger = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (connectTimeout is { } wait) builder.ConnectionStringBuilder.Timeout = Math.Min(builder.ConnectionStringBuilder.Timeout, Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));
        var source = builder.Build();
        try
        {
            using var connection = source.OpenConnection();
            PostgresSchema.Apply(connection, time.GetUtcNow());
        }
        catch
        {
            source.Dispose();
            throw;
        }
        return new PostgresDatabase(source, time, logger);
    }

    public TimeProvider Time { get; }

    /// <summary>Seconds to wait for a connection (the connection string's Timeout, shortened by Open's connectTimeout).</summary>
    internal int ConnectTimeoutSeconds => new NpgsqlConnectionStringBuilder(_source.ConnectionString).Timeout;

    public StoreWriteHealth WriteHealth => new(Earliest(Volatile.Read(ref _acceptFault), Volatile.Read(ref _writeFault)), Interlocked.Read(ref _writesFailed));

    private static StoreWriteFault? Earliest(StoreWriteFault? a, StoreWriteFault? b) => a is null ? b : b is null ? a : a.Since <= b.Since ? a : b;

    /// <summary>Errors caused by what is written — class 22 (data exception: a NUL in text, a value out of range) and class 23
    /// (integrity constraint) — not by the store's state.</summary>
    internal static bool IsRecordWriteFault(Exception ex) => ex is PostgresException { SqlState: [ '2', '2' or '3', ..] };

    /// <summary>Serialization failures and deadlocks: the transaction is rolled back and may simply be run again.</summary>
    private static bool IsTransient(Exception ex) => ex is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken ct = default)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await read(connection).ConfigureAwait(false);
    }

    /// <summary>Runs a write in its own transaction, committed before the task completes.</summary>
    public Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> apply, CancellationToken ct) => RunAsync(apply, false);

    /// <summary>A webhook's or a click's insert (its faults are told apart in /health, as in the SQLite store).</summary>
    public Task<T> WriteAcceptAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> apply, CancellationToken ct) => RunAsync(apply, true);

    /// <summary>Runs <paramref name="apply"/> in a transaction of its own, again after a serialization failure or deadlock, and
    /// keeps /health's fault and count. <paramref name="recordFaultsCount"/> false: a record's fault is not counted (a group of
    /// inserts that will be tried again one by one, where the bad one counts).</summary>
    internal async Task<T> RunAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> apply, bool accept, bool recordFaultsCount = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                T result;
                // Once begun, a write is not cancelled: a signal that was accepted must be stored or fail loudly.
                await using (var connection = await _source.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false))
                await using (var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    result = await apply(connection, transaction).ConfigureAwait(false);
                    await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                }
                Cleared(ref accept ? ref _acceptFault : ref _writeFault, accept ? "webhook" : "processing and delivery");
                return result;
            }
            catch (Exception ex) when (IsTransient(ex) && attempt < Attempts)
            {
                // Another host's transaction won a lock both wanted; this one's work was rolled back whole: run it again.
            }
            catch (Exception ex)
            {
                var recordFault = IsRecordWriteFault(ex);
                if (recordFaultsCount || !recordFault) Interlocked.Increment(ref _writesFailed);
                if (!recordFault)
                {
                    // The message is not logged (a constraint message can quote a value); the SQLSTATE is.
                    var description = Describe(ex);
                    ref var slot = ref accept ? ref _acceptFault : ref _writeFault;
                    var first = Volatile.Read(ref _acceptFault) is null && Volatile.Read(ref _writeFault) is null;
                    if (Volatile.Read(ref slot) is null) Volatile.Write(ref slot, new StoreWriteFault(description, Time.GetUtcNow()));
                    if (first) _logger?.LogError("Store writes fail: {Fault}; webhooks are answered 503 and processing waits until they succeed again", description);
                }
                throw;
            }
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
        PostgresException { SqlState: PostgresErrorCodes.DiskFull } e => $"PostgreSQL error {e.SqlState}: the disk is full",
        PostgresException { SqlState: ['0', '8', ..] } e => $"PostgreSQL error {e.SqlState}: the connection failed",
        PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction } e => $"PostgreSQL error {e.SqlState}: the server is read-only (a standby?)",
        PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow } e => $"PostgreSQL error {e.SqlState}: the server is shutting down or starting",
        PostgresException e => $"PostgreSQL error {e.SqlState}",
        NpgsqlException { InnerException: System.Net.Sockets.SocketException s } => $"PostgreSQL cannot be reached ({s.SocketErrorCode})",
        NpgsqlException { InnerException: TimeoutException } => "PostgreSQL did not answer in time",
        NpgsqlException => "PostgreSQL cannot be reached",
        _ => $"unexpected {ex.GetType().Name}",
    };

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) => new(sql, connection, transaction);

    /// <summary>Binds the parameters by name (<c>@name</c> in the SQL); null is bound as SQL NULL of the value's type where known.</summary>
    public static void Bind(NpgsqlCommand command, params (string Name, object? Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in parameters) command.Parameters.Add(Parameter(name, value));
    }

    private static NpgsqlParameter Parameter(string name, object? value) => value switch
    {
        null => new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = DBNull.Value },
        Typed t => new NpgsqlParameter(name, t.Type) { Value = t.Value ?? DBNull.Value },
        _ => new NpgsqlParameter(name, value),
    };

    /// <summary>A value whose SQL type is given (a null bigint, a null bytea).</summary>
    public sealed record Typed(object? Value, NpgsqlDbType Type);

    public static Typed Long(long? value) => new(value, NpgsqlDbType.Bigint);

    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? at) => at is { } a ? a.ToUnixTimeMilliseconds() : null;

    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? At(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : At(reader.GetInt64(ordinal));

    public static string? TextOf(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
