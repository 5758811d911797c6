using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>/health judging the store and the playbooks: what makes it degraded, and the figures it judged by.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Health_QuarantineOlderThanTheWindow_NoLongerDegrades_ButStaysCounted()
    {
        using var app = new HostApp();
        var store = app.Services.GetRequiredService<IStore>();
        await store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "old", "not json"u8.ToArray())], CancellationToken.None);
        app.Services.GetRequiredService<Delivery.InboxSignal>().Signal.Notify();
        await app.WaitUntilAsync(h => h.GetProperty("quarantined").GetInt64() == 1);

        app.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var health = await app.HealthAsync();

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(1, health.GetProperty("quarantined").GetInt64());
        Assert.Equal(0, health.GetProperty("quarantined_recently").GetInt64());
    }

    [Fact]
    public async Task Health_RejectedReload_IsDegraded_AndNamesTheFile()
    {
        using var playbooks = new PlaybookCopy();
        using var app = new HostApp(playbooks.Path);
        Assert.Equal("ok", (await app.HealthAsync()).GetProperty("status").GetString());

        playbooks.Replace("vip-cart-abandonment.yaml", "  - default: vip-saves", "  - default: vip-save");
        Assert.False(app.Services.GetRequiredService<PlaybookCatalog>().Reload());
        var health = await app.HealthAsync();

        Assert.Equal("degraded", health.GetProperty("status").GetString());
        var file = Assert.Single(health.GetProperty("rejected_reload_files").EnumerateArray()).GetString()!;
        Assert.EndsWith("vip-cart-abandonment.yaml", file, StringComparison.Ordinal);
        Assert.Contains(health.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("vip-cart-abandonment.yaml", StringComparison.Ordinal));
        Assert.Equal(4, health.GetProperty("playbooks").GetInt32());
    }

    [Fact]
    public async Task Health_InboxNotMoving_IsDegraded_WithTheAgeItJudgedBy()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(HostApp.Start);
        await using var store = new SqliteStore(Path.Combine(Path.GetTempPath(), $"rp-health-{Guid.NewGuid():N}.db"), time);
        var check = new Health.StoreHealthCheck(store.Health, new Configuration.HealthOptions(), time);
        await store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "waiting", "{}"u8.ToArray())], CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(60));
        var fresh = await check.CheckHealthAsync(new());
        time.Advance(TimeSpan.FromSeconds(1));
        var stuck = await check.CheckHealthAsync(new());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, fresh.Status);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, stuck.Status);
        Assert.Equal(61.0, stuck.Data["inbox_oldest_pending_seconds"]);
        Assert.Contains("the oldest unprocessed webhook is 61 s old (Health:MaxInboxAge 60 s)", stuck.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_DeliveryFailingAgainAndAgain_IsDegraded()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(HostApp.Start);
        await using var store = new SqliteStore(Path.Combine(Path.GetTempPath(), $"rp-health-{Guid.NewGuid():N}.db"), time);
        var check = new Health.StoreHealthCheck(store.Health, new Configuration.HealthOptions(), time);
        await store.QueueAsync(time, "01ESC");

        var states = new List<Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var now = time.GetUtcNow();
            Assert.Equal("01ESC", (await store.Deliveries.ClaimAsync(StoreSeeding.Owner, now, now.AddMinutes(5), CancellationToken.None))!.Id);
            await store.Deliveries.MarkRetryAsync(StoreSeeding.Owner, "01ESC", now, "http 503", countAttempt: true, inDoubt: false, now, CancellationToken.None);
            states.Add((await check.CheckHealthAsync(new())).Status);
        }

        Assert.Equal([Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded], states);
        var result = await check.CheckHealthAsync(new());
        Assert.Equal(1L, result.Data["failing_deliveries"]);
    }
}
