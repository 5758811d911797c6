using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

public sealed class OutboxWorkerTests : IAsyncDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"rp-outbox-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private readonly SqliteStore _store;

    public OutboxWorkerTests() => _store = new SqliteStore(_db, _time);

    private OutboxWorker Worker() => new(_store.Deliveries, new DeliverySenders(new PreviewSender(_time, TextWriter.Null)), new OutboxSignal(), new DeliveryOptions(),
        new StoreOptions { Owner = StoreSeeding.Owner }, _time, NullLogger<OutboxWorker>.Instance);

    private Task EnqueueAsync(string id, DateTimeOffset at) =>
        _store.QueueAsync(_time, id, body: "{\"channel\":\"C07VIPSAVES\",\"text\":\"t\",\"blocks\":[]}"u8.ToArray(), evaluatedAt: at);

    /// <summary>Regression: an escalation that fell due while the worker was looking elsewhere used to mean "no timer", so it slept until the next webhook.</summary>
    [Fact]
    public async Task NextWake_EscalationAlreadyDue_MeansNow()
    {
        await EnqueueAsync("a", HostApp.Start);
        var later = HostApp.Start.AddSeconds(10);

        var wake = await Worker().NextWakeAsync(later, CancellationToken.None);

        Assert.Equal(later, wake);
    }

    [Fact]
    public async Task NextWake_NothingPending_IsNull()
    {
        Assert.Null(await Worker().NextWakeAsync(HostApp.Start, CancellationToken.None));
    }

    [Fact]
    public async Task NextWake_ChannelJustUsed_WaitsForItsInterval()
    {
        await EnqueueAsync("a", HostApp.Start);
        await EnqueueAsync("b", HostApp.Start);
        var worker = Worker();

        Assert.True(await worker.DeliverOneAsync(CancellationToken.None));
        var wake = await worker.NextWakeAsync(HostApp.Start, CancellationToken.None);

        Assert.Equal(HostApp.Start.AddSeconds(1), wake);
        Assert.False(await worker.DeliverOneAsync(CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_db);
    }
}
