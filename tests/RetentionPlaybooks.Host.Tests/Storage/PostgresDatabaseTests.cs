using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests.Storage;

/// <summary>
/// How the PostgreSQL store's writes fail and recover: a serialization failure or deadlock run again (five attempts at
/// most), a fault shown in /health from its first moment until a write of its kind succeeds (webhook inserts apart from
/// processing and delivery, the earlier shown), a record's own fault never shown as the store's, one error logged per outage;
/// and the connect timeout Store:BusyTimeout shortens. The faults are thrown by the write itself, on a real server.
/// </summary>
[Trait("Category", "Postgres")] // needs RP_TEST_POSTGRES (tests/run starts a cluster); fails loudly without it
public sealed class PostgresDatabaseTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private readonly LogCapture _logs = new();
    private PostgresTestDatabase _database = null!;
    private PostgresDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _db = PostgresDatabase.Open(_database.ConnectionString, _time, logger: _logs.CreateLogger("store"));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _database.DropAsync();
    }

    private static PostgresException Error(string sqlState) => new("injected", "ERROR", "ERROR", sqlState);

    /// <summary>A write that throws the given errors on its first attempts, then answers 7 (read in its transaction).</summary>
    private static Func<NpgsqlConnection, NpgsqlTransaction, Task<int>> Failing(List<int> attempts, params Exception[] errors) => async (connection, transaction) =>
    {
        attempts.Add(attempts.Count + 1);
        await using var command = new NpgsqlCommand("SELECT 7", connection, transaction);
        var seven = (int)(await command.ExecuteScalarAsync())!;
        if (attempts.Count <= errors.Length) throw errors[attempts.Count - 1];
        return seven;
    };

    private List<string> Errors => _logs.Lines.Where(l => l.StartsWith("Error ", StringComparison.Ordinal)).ToList();

    [Theory]
    [InlineData("40001")] // serialization failure
    [InlineData("40P01")] // deadlock
    public async Task Write_SerializationFailureOrDeadlock_RunAgain_NoFaultShown(string sqlState)
    {
        var attempts = new List<int>();

        Assert.Equal(7, await _db.WriteAsync(Failing(attempts, Error(sqlState), Error(sqlState)), CancellationToken.None));

        Assert.Equal([1, 2, 3], attempts);
        Assert.Equal(new StoreWriteHealth(null, 0), _db.WriteHealth);
        Assert.Empty(Errors);
    }

    [Fact]
    public async Task Write_DeadlockedEveryTime_GivesUpAfterFiveAttempts_AndShowsTheFault()
    {
        var attempts = new List<int>();

        var thrown = await Assert.ThrowsAsync<PostgresException>(() => _db.WriteAsync(Failing(attempts, Enumerable.Repeat<Exception>(Error("40P01"), 9).ToArray()), CancellationToken.None));

        Assert.Equal("40P01", thrown.SqlState);
        Assert.Equal([1, 2, 3, 4, 5], attempts);
        Assert.Equal(new StoreWriteHealth(new StoreWriteFault("PostgreSQL error 40P01", HostApp.Start), 1), _db.WriteHealth);
    }

    [Fact]
    public async Task Write_OtherErrors_NotRunAgain()
    {
        var attempts = new List<int>();

        await Assert.ThrowsAsync<PostgresException>(() => _db.WriteAsync(Failing(attempts, Error("53100")), CancellationToken.None));

        Assert.Equal([1], attempts);
    }

    [Fact]
    public async Task Faults_WebhookAndProcessingApart_TheEarlierShown_EachClearedByASuccessOfItsKind_OneErrorLogged()
    {
        var start = _time.GetUtcNow();
        await Assert.ThrowsAsync<PostgresException>(() => _db.WriteAcceptAsync(Failing([], Error("53100")), CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<PostgresException>(() => _db.WriteAsync(Failing([], Error("08006")), CancellationToken.None));
        // The webhook fault came first, and stays first while the later one stays too.
        await Assert.ThrowsAsync<PostgresException>(() => _db.WriteAcceptAsync(Failing([], Error("57P01")), CancellationToken.None));

        Assert.Equal(new StoreWriteHealth(new StoreWriteFault("PostgreSQL error 53100: the disk is full", start), 3), _db.WriteHealth);
        Assert.Single(Errors);
        Assert.Contains("PostgreSQL error 53100: the disk is full", Errors[0], StringComparison.Ordinal);

        // A webhook insert succeeds: only the processing fault is left.
        Assert.Equal(7, await _db.WriteAcceptAsync(Failing([]), CancellationToken.None));
        Assert.Equal(new StoreWriteHealth(new StoreWriteFault("PostgreSQL error 08006: the connection failed", start + TimeSpan.FromSeconds(3)), 3), _db.WriteHealth);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning ", StringComparison.Ordinal) && l.Contains("Store webhook writes succeed again", StringComparison.Ordinal));

        // A processing write succeeds: nothing is failing; the count since start stays.
        Assert.Equal(7, await _db.WriteAsync(Failing([]), CancellationToken.None));
        Assert.Equal(new StoreWriteHealth(null, 3), _db.WriteHealth);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning ", StringComparison.Ordinal) && l.Contains("Store processing and delivery writes succeed again", StringComparison.Ordinal));

        // A new outage is a new error in the log.
        await Assert.ThrowsAsync<PostgresException>(() => _db.WriteAsync(Failing([], Error("25006")), CancellationToken.None));
        Assert.Equal(2, Errors.Count);
    }

    [Fact]
    public async Task Faults_ProcessingFirst_ThenWebhook_TheProcessingFaultShown()
    {
        var start = _time.GetUtcNow();
        await Assert.ThrowsAsync<PostgresException>(() => _db.WriteAsync(Failing([], Error("08006")), CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<PostgresException>(() => _db.WriteAcceptAsync(Failing([], Error("53100")), CancellationToken.None));

        Assert.Equal(new StoreWriteFault("PostgreSQL error 08006: the connection failed", start), _db.WriteHealth.Failing);
        Assert.Single(Errors);
    }

    [Fact]
    public async Task RecordFault_NeverShownAsTheStores_CountedUnlessAskedNot()
    {
        // A NUL in text (22021) and a duplicate key (23505): the record's fault, not the store's.
        await Assert.ThrowsAsync<PostgresException>(() => _db.RunAsync(Failing([], Error("23505")), accept: true, recordFaultsCount: false));
        Assert.Equal(new StoreWriteHealth(null, 0), _db.WriteHealth);

        await Assert.ThrowsAsync<PostgresException>(() => _db.RunAsync(Failing([], Error("22021")), accept: false));
        Assert.Equal(new StoreWriteHealth(null, 1), _db.WriteHealth);
        Assert.Empty(Errors);

        // Not a record's fault: counted and shown even where record faults are not counted.
        await Assert.ThrowsAsync<PostgresException>(() => _db.RunAsync(Failing([], Error("53100")), accept: false, recordFaultsCount: false));
        Assert.Equal(2, _db.WriteHealth.FailedSinceStart);
        Assert.NotNull(_db.WriteHealth.Failing);
    }

    [Theory]
    [InlineData(15, 2.5, 3)]
    [InlineData(15, 0.2, 1)]
    [InlineData(15, 0, 1)]
    [InlineData(15, 60, 15)]
    [InlineData(4, 4, 4)]
    public async Task Open_ConnectTimeout_ShortensTheConnectionStringsNeverLengthens_AtLeastASecond(int configured, double busySeconds, int expected)
    {
        var connection = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Timeout = configured }.ConnectionString;

        await using var db = PostgresDatabase.Open(connection, _time, TimeSpan.FromSeconds(busySeconds));

        Assert.Equal(expected, db.ConnectTimeoutSeconds);
        await using var untouched = PostgresDatabase.Open(connection, _time);
        Assert.Equal(configured, untouched.ConnectTimeoutSeconds);
    }
}

/// <summary>What /health says for each kind of PostgreSQL failure, and which errors are a record's own (no server needed).</summary>
public sealed class PostgresFaultDescriptionTests
{
    [Theory]
    [InlineData("53100", "PostgreSQL error 53100: the disk is full")]
    [InlineData("08006", "PostgreSQL error 08006: the connection failed")]
    [InlineData("08001", "PostgreSQL error 08001: the connection failed")]
    [InlineData("25006", "PostgreSQL error 25006: the server is read-only (a standby?)")]
    [InlineData("57P01", "PostgreSQL error 57P01: the server is shutting down or starting")]
    [InlineData("57P03", "PostgreSQL error 57P03: the server is shutting down or starting")]
    [InlineData("42P01", "PostgreSQL error 42P01")]
    [InlineData("80006", "PostgreSQL error 80006")]
    public void Describe_PostgresErrors_BySqlState(string sqlState, string expected)
        => Assert.Equal(expected, PostgresDatabase.Describe(new PostgresException("a message that may quote a value", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void Describe_NetworkTimeoutAndOther()
    {
        Assert.Equal("PostgreSQL cannot be reached (ConnectionRefused)", PostgresDatabase.Describe(new NpgsqlException("x", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal("PostgreSQL did not answer in time", PostgresDatabase.Describe(new NpgsqlException("x", new TimeoutException())));
        Assert.Equal("PostgreSQL cannot be reached", PostgresDatabase.Describe(new NpgsqlException("x")));
        Assert.Equal("unexpected InvalidOperationException", PostgresDatabase.Describe(new InvalidOperationException("x")));
    }

    [Theory]
    [InlineData("22021", true)]
    [InlineData("22003", true)]
    [InlineData("23505", true)]
    [InlineData("23503", true)]
    [InlineData("24000", false)]
    [InlineData("21000", false)]
    [InlineData("32000", false)]
    [InlineData("53100", false)]
    [InlineData("40001", false)]
    public void IsRecordWriteFault_Classes22And23Only(string sqlState, bool expected)
        => Assert.Equal(expected, PostgresDatabase.IsRecordWriteFault(new PostgresException("x", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void IsRecordWriteFault_NotAPostgresError_False() => Assert.False(PostgresDatabase.IsRecordWriteFault(new NpgsqlException("x")));
}

/// <summary>
/// The PostgreSQL webhook inserts' group commit: requests queued while a commit runs go in the next transaction together,
/// up to the batch's rows (a request bigger than the batch alone); each gets its own result; a record's fault in a group
/// is retried request by request so only the bad one fails; a caller that gives up is not held by the commit.
/// </summary>
[Trait("Category", "Postgres")] // needs RP_TEST_POSTGRES (tests/run starts a cluster); fails loudly without it
public sealed class PostgresAcceptQueueTests : IAsyncLifetime
{
    private PostgresTestDatabase _database = null!;
    private PostgresDatabase _db = null!;
    private readonly List<int[]> _groups = [];
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _db = PostgresDatabase.Open(_database.ConnectionString, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _db.DisposeAsync();
        await _database.DropAsync();
    }

    /// <summary>Requests are their sizes (negative: a record the database refuses); the first commit waits for the test.</summary>
    private PostgresAcceptQueue<int, string> Queue() => new(_db, async (connection, transaction, requests) =>
    {
        lock (_groups) _groups.Add([.. requests]);
        _entered.TrySetResult();
        await _release.Task;
        await using var command = new NpgsqlCommand("SELECT 1", connection, transaction);
        await command.ExecuteScalarAsync();
        if (requests.Any(r => r < 0)) throw new PostgresException("duplicate key", "ERROR", "ERROR", "23505");
        return requests.Select(r => $"done {r}").ToList();
    }, size: r => Math.Abs(r), maxBatch: 5, committers: 1);

    [Fact]
    public async Task QueuedWhileACommitRuns_GroupedUpToTheBatch_EachItsOwnResult()
    {
        await using var queue = Queue();
        var first = queue.WriteAsync(1, CancellationToken.None);
        await _entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        int[] sizes = [2, 2, 2, 3, 1, 5, 7, 4];
        var rest = sizes.Select(s => queue.WriteAsync(s, CancellationToken.None)).ToList();
        _release.SetResult();

        Assert.Equal("done 1", await first);
        Assert.Equal(sizes.Select(s => $"done {s}"), await Task.WhenAll(rest));
        // [2,2] then 2 waits (6 > 5); [2,3] fills 5; [1] then 5 waits; [5]; 7 is bigger than a batch: alone; [4].
        Assert.Equal([[1], [2, 2], [2, 3], [1], [5], [7], [4]], _groups);
        Assert.Equal(new StoreWriteHealth(null, 0), _db.WriteHealth);
    }

    [Fact]
    public async Task ARecordsFaultInAGroup_RetriedOneByOne_OnlyTheBadOneFails_CountedOnce()
    {
        await using var queue = Queue();
        var first = queue.WriteAsync(1, CancellationToken.None);
        await _entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var good = queue.WriteAsync(1, CancellationToken.None);
        var bad = queue.WriteAsync(-1, CancellationToken.None);
        var alsoGood = queue.WriteAsync(2, CancellationToken.None);
        _release.SetResult();

        await first;
        Assert.Equal("done 1", await good);
        Assert.Equal("23505", (await Assert.ThrowsAsync<PostgresException>(() => bad)).SqlState);
        Assert.Equal("done 2", await alsoGood);
        Assert.Equal([[1], [1, -1, 2], [1], [-1], [2]], _groups);
        Assert.Equal(1, _db.WriteHealth.FailedSinceStart);
    }

    [Fact]
    public async Task ASingleRecordsFault_NotRetried()
    {
        await using var queue = Queue();
        _release.SetResult();

        await Assert.ThrowsAsync<PostgresException>(() => queue.WriteAsync(-3, CancellationToken.None));

        Assert.Equal([[-3]], _groups);
        Assert.Equal(1, _db.WriteHealth.FailedSinceStart);
    }

    [Fact]
    public async Task ACallerThatGivesUp_IsNotHeldByTheCommit_TheWriteStillCommits()
    {
        await using var queue = Queue();
        using var cancel = new CancellationTokenSource();
        var write = queue.WriteAsync(1, cancel.Token);
        await _entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(30)));
        _release.SetResult();
        Assert.Equal("done 2", await queue.WriteAsync(2, CancellationToken.None));
        Assert.Equal([[1], [2]], _groups);
    }
}
