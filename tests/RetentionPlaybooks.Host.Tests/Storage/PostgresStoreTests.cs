using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Tests.Storage;

/// <summary>
/// Where PostgreSQL differs from SQLite's single writer: many writers at once. Several store instances (each its own pool, as
/// hosts are) claiming side by side with no pause between claims, and starting together on an empty database. The contract
/// suite (<see cref="PostgresStoreContractTests"/>) covers everything both engines share.
/// </summary>
[Trait("Category", "Postgres")] // needs RP_TEST_POSTGRES (tests/run starts a cluster); fails loudly without it
public sealed class PostgresStoreTests : IAsyncLifetime
{
    private const int Hosts = 4;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private readonly List<IStore> _stores = [];
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        await _database.DropAsync();
    }

    private PostgresStore Open()
    {
        var store = PostgresStore.Open(_database.ConnectionString, _time);
        lock (_stores) _stores.Add(store);
        return store;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public async Task Migrations_FourHostsStartingAtOnce_ApplyEachVersionOnce_AndAllOpen()
    {
        using var go = new ManualResetEventSlim();
        var opening = Enumerable.Range(0, Hosts).Select(_ => Task.Run(() =>
        {
            go.Wait();
            return Open();
        })).ToList();
        go.Set();

        var stores = await Task.WhenAll(opening);

        Assert.Equal(Hosts, stores.Length);
        Assert.Equal((long)PostgresSchema.CurrentVersion, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(PostgresSchema.CurrentVersion, await _database.ScalarAsync<int>("SELECT MAX(version) FROM schema_version"));
        // Every host writes to the one schema.
        var accepted = await Task.WhenAll(stores.Select((s, i) => s.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, $"k{i}", [1])], CancellationToken.None)));
        Assert.All(accepted, a => Assert.Equal(1, a.Accepted));
    }

    [Fact]
    public async Task Migrations_ADatabaseOfANewerVersion_IsRefused_NotWrittenTo()
    {
        await using (PostgresStore.Open(_database.ConnectionString, _time)) { }
        await _database.ExecuteAsync($"INSERT INTO schema_version (version, name, applied_at) VALUES ({PostgresSchema.CurrentVersion + 1}, 'from the future', 0)");

        var refused = Assert.Throws<SchemaTooNewException>(() => PostgresStore.Open(_database.ConnectionString, _time));

        Assert.Equal((PostgresSchema.CurrentVersion + 1, PostgresSchema.CurrentVersion), (refused.Found, refused.Known));
    }

    [Fact]
    public async Task Open_WhenPostgresCannotBeReached_ThrowsNpgsqlException()
    {
        // A port nothing listens on: bound (so no one else can take it) but never listening, for the whole test.
        using var reserved = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        reserved.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)reserved.LocalEndPoint!).Port;

        var ex = Assert.ThrowsAny<Npgsql.NpgsqlException>(() => PostgresStore.Open($"Host=127.0.0.1;Port={port};Username=nobody;Timeout=2", _time));

        Assert.Equal("PostgreSQL cannot be reached (ConnectionRefused)", PostgresDatabase.Describe(ex));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task FourHosts_ClaimingTheInboxWithoutPause_GetDisjointBatches_AndEveryRecordOnce()
    {
        var stores = Enumerable.Range(0, Hosts).Select(_ => Open()).ToList();
        for (var i = 0; i < 8; i++)
        {
            await stores[0].Inbox.AcceptAsync(Enumerable.Range(0, 250).Select(n => new InboxItem(SignalSource.Journey, $"b{i}-{n}", [1])).ToList(), CancellationToken.None);
        }
        var claims = new ConcurrentBag<(int Host, long Id)>();
        using var go = new ManualResetEventSlim();

        async Task Drain(int host)
        {
            go.Wait();
            while (true)
            {
                var batch = await stores[host].Inbox.ClaimAsync($"host-{host}", 13, Now, Now + Lease, CancellationToken.None);
                if (batch.Count == 0) return;
                foreach (var r in batch) claims.Add((host, r.Id));
                Assert.Equal(batch.Count, await stores[host].Inbox.CompleteAsync($"host-{host}", batch.Select(r => new ProcessingResult(r.Id, [], [], [])).ToList(), Now, CancellationToken.None));
            }
        }

        var draining = Enumerable.Range(0, Hosts).Select(h => Task.Run(() => Drain(h))).ToList();
        go.Set();
        await Task.WhenAll(draining);

        Assert.Equal(2000, claims.Count);
        Assert.Equal(2000, claims.Select(c => c.Id).Distinct().Count());
        Assert.True(claims.Select(c => c.Host).Distinct().Count() > 1, "the hosts claimed side by side");
    }

    [Fact]
    public async Task FourHosts_ClaimingDeliveriesAtTheSameInstant_TakeEachOnce_AndEachDestinationOnce()
    {
        var stores = Enumerable.Range(0, Hosts).Select(_ => Open()).ToList();
        var targets = Enumerable.Range(0, 40).Select(t => $"C{t:D2}").ToList();
        // Three deliveries per destination, all due now: at one instant a destination can go to one host only.
        await stores[0].Deliveries.AddAsync(
            targets.SelectMany(t => Enumerable.Range(0, 3).Select(n => new NewDelivery($"01{t}{n}", $"01E{t}{n}", DeliveryKind.Post, t, [1], Now))).ToList(),
            Now, CancellationToken.None);
        var claims = new ConcurrentBag<(int Host, DeliveryItem Item)>();
        using var go = new ManualResetEventSlim();

        // A new owner each claim (many workers): an owner's own sending delivery and held destination would be given back to it.
        async Task Claim(int host)
        {
            go.Wait();
            for (var n = 0; await stores[host].Deliveries.ClaimAsync($"host-{host}-{n}", Now, Now + Lease, CancellationToken.None) is { } item; n++) claims.Add((host, item));
        }

        var claiming = Enumerable.Range(0, Hosts).Select(h => Task.Run(() => Claim(h))).ToList();
        go.Set();
        await Task.WhenAll(claiming);

        // One delivery per destination (held until its attempt ends), each claimed by one host.
        Assert.Equal(targets, claims.Select(c => c.Item.Target).Order());
        Assert.Equal(targets.Count, claims.Select(c => c.Item.Id).Distinct().Count());
        foreach (var (host, item) in claims)
        {
            Assert.Equal(Now + Lease, await stores[0].Deliveries.DestinationFreeAtAsync(item.Target, CancellationToken.None));
            Assert.Equal((DeliveryState.Sending, 1), (item.State, item.Attempts));
        }
    }

    [Fact]
    public async Task FourHosts_CompletingBatchesOfTheSameCustomersInOtherOrders_EscalateEachCustomerOnce_WithoutDeadlock()
    {
        var stores = Enumerable.Range(0, Hosts).Select(_ => Open()).ToList();
        var playbook = RetentionPlaybooks.Compilation.PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks).Playbooks.Single(p => p.Id == "vip-cart-abandonment");
        var channel = playbook.Channels.Single(c => c.Name == "vip-saves");
        var customers = Enumerable.Range(0, 6).Select(c => $"cus_{c}").ToList();
        var inboxes = new List<IReadOnlyList<long>>();
        for (var h = 0; h < Hosts; h++)
        {
            var accepted = await stores[h].Inbox.AcceptAsync(customers.Select(c => new InboxItem(SignalSource.Journey, $"h{h}-{c}", [1])).ToList(), CancellationToken.None);
            Assert.Equal(customers.Count, (await stores[h].Inbox.ClaimAsync($"host-{h}", customers.Count, Now, Now + Lease, CancellationToken.None)).Count);
            inboxes.Add(accepted.Ids);
        }
        // Each host's batch holds every customer, in its own order (reversed, rotated): taken in batch order, the locks would deadlock.
        List<ProcessingResult> Batch(int host) => customers.Select((c, i) => (Customer: c, Inbox: inboxes[host][i]))
            .OrderBy(x => (customers.IndexOf(x.Customer) * (host % 2 == 0 ? 1 : -1) + host + customers.Count) % customers.Count)
            .Select(x =>
            {
                var e = new NewEscalation($"01H{host}{x.Customer}", x.Inbox, playbook.Id, x.Customer, channel.Name, $"C-{x.Customer}", null, [1], Now, Now,
                    new GuardrailRecheck(playbook, channel));
                return new ProcessingResult(x.Inbox, [new DecisionRecord(x.Inbox, playbook.Id, "escalated", "escalated", channel.Name, e.Id)], [e], []);
            }).ToList();
        using var go = new ManualResetEventSlim();

        var completing = Enumerable.Range(0, Hosts).Select(h => Task.Run(async () =>
        {
            go.Wait();
            return await stores[h].Inbox.CompleteAsync($"host-{h}", Batch(h), Now, CancellationToken.None);
        })).ToList();
        go.Set();

        Assert.All(await Task.WhenAll(completing), completed => Assert.Equal(customers.Count, completed));
        Assert.Equal((long)customers.Count, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM escalations"));
        Assert.Equal((long)customers.Count, await _database.ScalarAsync<long>("SELECT COUNT(DISTINCT customer_id) FROM escalations"));
        Assert.Equal((long)customers.Count * (Hosts - 1), await _database.ScalarAsync<long>("SELECT COUNT(*) FROM decisions WHERE outcome = 'suppressed'"));
    }

    [Fact]
    public async Task AWriteThatFailsOnTheStoresState_IsInWriteHealth_WithTheSqlState_AndClearedByTheNextSuccess()
    {
        var store = Open();
        Assert.Null(store.Health.WriteHealth.Failing);
        // The table gone: every insert fails on the database's state, not on the record.
        await _database.ExecuteAsync("ALTER TABLE inbox RENAME TO inbox_away");

        var failed = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "k", [1])], CancellationToken.None));

        Assert.False(store.Inbox.IsRecordFault(failed));
        var fault = store.Health.WriteHealth.Failing;
        Assert.Equal(("PostgreSQL error 42P01", Now), (fault?.Description, fault?.Since));
        Assert.Equal(1, store.Health.WriteHealth.FailedSinceStart);
        await _database.ExecuteAsync("ALTER TABLE inbox_away RENAME TO inbox");
        Assert.Equal(1, (await store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "k", [1])], CancellationToken.None)).Accepted);
        Assert.Null(store.Health.WriteHealth.Failing);
    }

    [Fact]
    public async Task ARecordsFault_ANulInACustomerId_IsTheRecordsFault_NotTheStores()
    {
        var store = Open();
        var id = (await store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "k", [1])], CancellationToken.None)).Ids.Single();
        await store.Inbox.ClaimAsync("host-a", 10, Now, Now + Lease, CancellationToken.None);

        var failed = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => store.Inbox.CompleteAsync("host-a", [new ProcessingResult(id, [], [], [("cus\0nul", "{}")])], Now, CancellationToken.None));

        Assert.True(store.Inbox.IsRecordFault(failed));
        Assert.Null(store.Health.WriteHealth.Failing);
        Assert.Equal(1, await store.Inbox.CompleteAsync("host-a", [ProcessingResult.Quarantined(id, "PostgresException 22021 while writing the results")], Now, CancellationToken.None));
    }

    [Fact]
    public async Task Accepts_ManyAtOnce_AreCommittedInGroups_EachDeliveryStoredOnce_TheSameKeyTwiceOneDuplicate()
    {
        var store = Open();
        using var go = new ManualResetEventSlim();
        // 400 webhooks at once, every fourth key sent twice: grouped commits must still store each key once and tell the
        // second of a pair it was a duplicate, even when both land in one group.
        var keys = Enumerable.Range(0, 400).Select(i => $"g-{(i % 4 == 3 ? i - 1 : i)}").ToList();
        var accepting = keys.Select(k => Task.Run(async () =>
        {
            go.Wait();
            return await store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, k, [1, 2])], CancellationToken.None);
        })).ToList();
        go.Set();

        var results = await Task.WhenAll(accepting);

        Assert.Equal(300, results.Sum(r => r.Accepted));
        Assert.Equal(100, results.Sum(r => r.Duplicates));
        Assert.All(results, r => Assert.Equal(1, r.Accepted + r.Duplicates));
        var ids = results.SelectMany(r => r.Ids).ToList();
        Assert.Equal(300, ids.Distinct().Count());
        Assert.Equal(300L, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM inbox"));
        Assert.Equal(300L, await _database.ScalarAsync<long>("SELECT COUNT(DISTINCT delivery_key) FROM inbox"));
        Assert.Equal(0, store.Health.WriteHealth.FailedSinceStart);
    }

    [Fact]
    public async Task Accepts_ABadRecordAmongManyAtOnce_FailsAlone_AsTheRecordsFault_TheOthersAreStored_AndItCountsOnce()
    {
        var store = Open();
        using var go = new ManualResetEventSlim();
        // A NUL in the key is refused by PostgreSQL (22021). Whether it lands in a group or alone, it fails by itself.
        var keys = Enumerable.Range(0, 200).Select(i => i == 100 ? "bad\0key" : $"ok-{i}").ToList();
        var accepting = keys.Select(k => Task.Run(async () =>
        {
            go.Wait();
            try
            {
                return (Result: await store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, k, [1])], CancellationToken.None), Error: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (Result: (AcceptResult?)null, Error: ex);
            }
        })).ToList();
        go.Set();

        var outcomes = await Task.WhenAll(accepting);

        var failed = Assert.Single(outcomes, o => o.Error is not null);
        Assert.Same(outcomes[100].Error, failed.Error);
        Assert.True(store.Inbox.IsRecordFault(failed.Error!));
        Assert.Equal(199, outcomes.Sum(o => o.Result?.Accepted ?? 0));
        Assert.Equal(199L, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM inbox"));
        Assert.Null(store.Health.WriteHealth.Failing);
        Assert.Equal(1, store.Health.WriteHealth.FailedSinceStart);
    }

    [Fact]
    public async Task Accepts_WhenTheStoreCannotWrite_AllQueuedFailAtOnce_AsTheStoresFault_AndTheNextAreStored()
    {
        var store = Open();
        await _database.ExecuteAsync("ALTER TABLE inbox RENAME TO inbox_away");
        using var go = new ManualResetEventSlim();
        var accepting = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            go.Wait();
            return await Record.ExceptionAsync(() => store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, $"away-{i}", [1])], CancellationToken.None));
        })).ToList();
        go.Set();

        var errors = await Task.WhenAll(accepting);

        Assert.All(errors, e => Assert.False(store.Inbox.IsRecordFault(Assert.IsType<Npgsql.PostgresException>(e))));
        Assert.Equal("PostgreSQL error 42P01", store.Health.WriteHealth.Failing?.Description);
        // Each group fails once, whatever its size: never more failures than inserts, at least one.
        Assert.InRange(store.Health.WriteHealth.FailedSinceStart, 1, 100);
        await _database.ExecuteAsync("ALTER TABLE inbox_away RENAME TO inbox");
        Assert.Equal(1, (await store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "back", [1])], CancellationToken.None)).Accepted);
        Assert.Null(store.Health.WriteHealth.Failing);
    }

    [Fact]
    public async Task Dispose_CommitsTheAcceptsAlreadyQueued_BeforeTheConnectionsClose()
    {
        var store = PostgresStore.Open(_database.ConnectionString, _time);
        var accepting = Enumerable.Range(0, 300).Select(i => store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, $"q-{i}", [1])], CancellationToken.None)).ToList();

        await store.DisposeAsync();

        var results = await Task.WhenAll(accepting);
        Assert.Equal(300, results.Sum(r => r.Accepted));
        Assert.Equal(300L, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM inbox"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "late", [1])], CancellationToken.None));
    }
}
