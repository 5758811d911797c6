using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Pipeline;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The inbox worker's step on a real store: one batch of at most 50 records, claimed, decided and completed.</summary>
public sealed class InboxWorkerTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rp-inbox-").FullName;
    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private SqliteStore _store = null!;
    private PlaybookCatalog _catalog = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteStore(Path.Combine(_dir, "inbox.db"), _time);
        _catalog = new PlaybookCatalog(RepoPaths.Playbooks, NullLogger<PlaybookCatalog>.Instance, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _catalog.Dispose();
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private InboxWorker Worker() => new(_store.Inbox, new SignalProcessor(_catalog, _store, _time, NullLogger<SignalProcessor>.Instance),
        new InboxSignal(), new OutboxSignal(), new StoreOptions { Owner = "inbox-test" }, _time, NullLogger<InboxWorker>.Instance);

    private async Task AcceptAsync(int count)
    {
        var items = Enumerable.Range(0, count).Select(i => new InboxItem(SignalSource.Journey, $"batch-{i}",
            System.Text.Encoding.UTF8.GetBytes(Webhooks.Sample("vip-cart-abandoned.json", j =>
            {
                j["delivery_id"] = $"batch-{i}";
                j["customer"]!["id"] = $"cus_batch_{i}";
                j["event"]!["data"]!["cart_value"] = 20.0;   // under the gate: decided, not escalated
            })))).ToList();
        Assert.Equal(count, (await _store.Inbox.AcceptAsync(items, CancellationToken.None)).Accepted);
    }

    private async Task<long> PendingAsync() =>
        (await _store.Health.StatsAsync(3, HostApp.Start, _time.GetUtcNow(), CancellationToken.None)).InboxPending;

    [Theory]
    [InlineData(49, new long[] { 0 })]
    [InlineData(50, new long[] { 0 })]
    [InlineData(51, new long[] { 1, 0 })]
    [InlineData(101, new long[] { 51, 1, 0 })]
    public async Task EachStep_TakesOneBatchOfAtMost50(int backlog, long[] pendingAfterEachStep)
    {
        await AcceptAsync(backlog);
        var worker = Worker();

        var after = new List<long>();
        foreach (var _ in pendingAfterEachStep)
        {
            Assert.True(await worker.ProcessBatchAsync(CancellationToken.None));
            after.Add(await PendingAsync());
        }
        var idle = await worker.ProcessBatchAsync(CancellationToken.None);

        Assert.Equal(pendingAfterEachStep, after);
        Assert.False(idle);
        Assert.Equal(backlog, worker.Processed);
    }
}
