using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// A rolling upgrade: a newer host writes a delivery of a kind this version does not know (as this version's Digest was to
/// the one before it). This host leaves it to the hosts that know it — it never claims it, never fails reading it — and goes
/// on with its own work.
/// </summary>
public sealed class DeliveryKindUpgradeTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"rp-kinds-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private SqliteStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteStore(_path, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(f);
    }

    [Fact]
    public async Task ADeliveryOfAKindFromANewerHost_IsNeitherClaimedNorRead_TheOthersGoOn()
    {
        var now = _time.GetUtcNow();
        await _store.Database.Write((connection, transaction) =>
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO deliveries (id, escalation_id, kind, target, body, state, attempts, due_at, created_at)
                VALUES ('FUTURE', 'E1', 'Carrier', 'C07VIPSAVES', X'7B7D', 'Pending', 0, $t - 1000, $t - 1000)
                """;
            insert.Parameters.AddWithValue("$t", now.ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
            return true;
        }, CancellationToken.None);
        await _store.Deliveries.AddAsync([new NewDelivery("MINE", "E1", DeliveryKind.ThreadReply, "C07VIPSAVES", "{}"u8.ToArray(), now)], now, CancellationToken.None);

        var claimed = await _store.Deliveries.ClaimAsync("host-a", now, now.AddMinutes(5), CancellationToken.None);
        await _store.Deliveries.MarkSentAsync("host-a", "MINE", "C07VIPSAVES", "1.1", now, now, CancellationToken.None);
        var next = await _store.Deliveries.ClaimAsync("host-a", now, now.AddMinutes(5), CancellationToken.None);
        var nextAt = await _store.Deliveries.NextClaimAsync(CancellationToken.None);

        Assert.Equal("MINE", claimed?.Id);
        Assert.Null(next);
        Assert.Null(nextAt);
        Assert.Equal(["MINE"], (await _store.Deliveries.OfEscalationAsync("E1", CancellationToken.None)).Select(d => d.Id));
        Assert.Null(await _store.Deliveries.GetAsync("FUTURE", CancellationToken.None));
        Assert.Null(await _store.Deliveries.ClaimAsync("host-b", now, now.AddMinutes(5), CancellationToken.None, DeliveryLane.CustomerIo));
        Assert.True(DeliveryKinds.TryRead("Digest", out var digest) && digest == DeliveryKind.Digest);
        Assert.False(DeliveryKinds.TryRead("3", out _));
        Assert.False(DeliveryKinds.TryRead("", out _));
        // Stored as written, so another spelling is another (unknown) kind.
        Assert.False(DeliveryKinds.TryRead("digest", out _));
        Assert.False(DeliveryKinds.TryRead("POST", out _));
    }

    [Fact]
    public void EachLane_WakesOnItsOwnSignal()
    {
        var signal = new OutboxSignal();

        Assert.Same(signal.Signal, signal.For(DeliveryLane.Slack));
        Assert.Same(signal.CustomerIo, signal.For(DeliveryLane.CustomerIo));
        Assert.NotSame(signal.Signal, signal.CustomerIo);
    }
}
