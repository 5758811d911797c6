using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Giving the leases back on a graceful stop never fails the stop: a store already gone is logged and left to the
/// leases' own expiry; only the stop's own cancellation ends it.</summary>
public sealed class LeaseReleaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]    // the stop cancelled too: still not thrown, for the failure is the store's
    public async Task AStoreThatCannotBeReached_IsLogged_NotThrown(bool stopCancelled)
    {
        var time = new FakeTimeProvider(Now);
        var path = Path.Combine(Path.GetTempPath(), $"rp-release-{Guid.NewGuid():N}.db");
        var store = new SqliteStore(path, time);
        await store.DisposeAsync();
        using var logs = new LogCapture();
        var release = new LeaseRelease(store, new StoreOptions { Owner = "host-a" }, new DeliveryOptions(), time, new Logger<LeaseRelease>(new LoggerFactory([logs])));

        using var stop = new CancellationTokenSource();
        if (stopCancelled) await stop.CancelAsync();

        await release.StopAsync(stop.Token);

        Assert.Contains(logs.Lines, l => l.Contains("could not give back the leases of host-a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheStopsOwnCancellation_EndsIt()
    {
        var time = new FakeTimeProvider(Now);
        var path = Path.Combine(Path.GetTempPath(), $"rp-release-{Guid.NewGuid():N}.db");
        await using var store = new SqliteStore(path, time);
        var release = new LeaseRelease(store, new StoreOptions { Owner = "host-a" }, new DeliveryOptions(), time, NullLogger<LeaseRelease>.Instance);
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => release.StopAsync(stopped.Token));
    }
}
