using System.Net;
using Npgsql;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Tests.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Issue #11's fleet on PostgreSQL: three host processes on one database, webhooks spread over them as a load balancer
/// spreads them (a request a host cannot answer is sent to another, as Customer.io retries), one fake Slack that answers
/// 429 to a channel's second message within its interval. Hosts are killed (SIGKILL) or stopped (SIGTERM) mid-run and
/// started again. Each time: every accepted webhook decided exactly once, every escalation posted exactly once, no 429
/// (the pacing is the fleet's, in the database), and nothing left held when the run is over.
/// </summary>
[Trait("Category", "Slow")] // real processes on the real clock; every wait bounded
[Trait("Category", "Postgres")]
public sealed class FleetTests : IAsyncLifetime
{
    private const int Webhooks = 1500;
    private const int EscalateEvery = 50;   // 30 escalations, paced one per 300 ms per channel: the rest are skipped by the gate
    private PostgresTestDatabase _db = null!;
    private PlaybookCopy _playbooks = null!;
    private FakeSlackServer _slack = null!;
    private readonly HostRun?[] _hosts = new HostRun?[3];

    public async Task InitializeAsync()
    {
        _db = await PostgresTestDatabase.CreateAsync();
        _playbooks = PlaybookCopy.Unthrottled();
        // Slack's limit as the fake enforces it: one message per 250 ms per channel, no burst. Each host waits 300 ms.
        _slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = 4 });
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) host?.Dispose();
        await _slack.DisposeAsync();
        _playbooks.Dispose();
        await _db.DropAsync();
    }

    private Dictionary<string, string> Env(int host) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Playbooks__Directory"] = _playbooks.Path,
        ["Playbooks__Watch"] = "false",
        ["Store__Postgres"] = _db.ConnectionString,
        ["Store__Owner"] = $"host-{host}",
        ["Store__Lease"] = "00:00:10",
        ["CustomerIo__JourneySecret"] = HostApp.JourneySecret,
        ["Slack__BotToken"] = "xoxb-test",
        ["Slack__ApiBaseUrl"] = _slack.ApiBaseUrl.ToString(),
        ["Delivery__PerChannelInterval"] = "00:00:00.300",
    };

    private async Task StartAsync(int host) => _hosts[host] = await HostRun.StartListeningAsync(Env(host));

    private static string Body(int i) => RetentionPlaybooks.Host.Tests.Webhooks.Sample("vip-cart-abandoned.json", j =>
    {
        j["delivery_id"] = $"fleet-{i}";
        j["customer"]!["id"] = $"cus_fleet_{i}";
        j["event"]!["data"]!["checkout_id"] = $"chk_fleet_{i}";
        j["event"]!["data"]!["cart_value"] = i % EscalateEvery == 0 ? 184.0 : 20.0;
        j["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    });

    /// <summary>Sends webhook <paramref name="i"/> to its host, or to the next one while a host cannot take it (stopped,
    /// killed, restarting); true once a host accepted it (202, or 200 for a delivery it already holds).</summary>
    private async Task<bool> SendAsync(int i, HttpClient http)
    {
        var body = Body(i);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var host = _hosts[(i + attempt) % 3];
            if (host?.BaseAddress is not { } url || host.Process.HasExited)
            {
                await Task.Delay(20);
                continue;
            }
            try
            {
                using var request = RetentionPlaybooks.Host.Tests.Webhooks.Journey(body);
                request.RequestUri = new Uri(url, "/webhooks/customerio/journey");
                using var response = await http.SendAsync(request);
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // That host is going or gone: the next one takes it.
            }
            await Task.Delay(20);
        }
        return false;
    }

    /// <summary>Sends every webhook, 16 at a time; <paramref name="at"/> runs once when the given share has been sent.</summary>
    private async Task LoadAsync(params (int AfterSent, Func<Task> Then)[] at)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var next = 0;
        var sent = 0;
        var accepted = 0;
        var events = at.OrderBy(a => a.AfterSent).ToList();
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) - 1 is var i && i < Webhooks)
            {
                if (await SendAsync(i, http)) Interlocked.Increment(ref accepted);
                Interlocked.Increment(ref sent);
            }
        }
        var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(Worker)).ToList();
        foreach (var (afterSent, then) in events)
        {
            for (var round = 0; round < 6000 && Volatile.Read(ref sent) < afterSent; round++) await Task.Delay(10);
            await then();
        }
        await Task.WhenAll(workers);
        Assert.Equal(Webhooks, accepted);
    }

    private async Task<long> ScalarAsync(string sql) => Convert.ToInt64(await _db.ScalarAsync<object>(sql), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Until every webhook is decided and every post sent (bounded, real time).</summary>
    private async Task WaitDoneAsync()
    {
        for (var i = 0; i < 1200; i++)
        {
            if (await ScalarAsync("SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL") == 0
                && await ScalarAsync("SELECT COUNT(*) FROM deliveries WHERE kind = 'Post' AND state <> 'Sent'") == 0
                && _slack.Messages.Count(m => m.ThreadTs is null) >= Webhooks / EscalateEvery) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the fleet did not finish: {await ScalarAsync("SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL")} webhooks undecided, "
            + $"{await ScalarAsync("SELECT COUNT(*) FROM deliveries WHERE kind = 'Post' AND state <> 'Sent'")} posts unsent");
    }

    private async Task AssertExactlyOnceAsync()
    {
        Assert.Equal(Webhooks, await ScalarAsync("SELECT COUNT(*) FROM inbox"));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM inbox WHERE quarantine_reason IS NOT NULL"));
        // Every webhook decided by the one playbook it triggers, once: no record completed by two hosts.
        Assert.Equal(Webhooks, await ScalarAsync("SELECT COUNT(*) FROM decisions WHERE playbook = 'vip-cart-abandonment'"));
        Assert.Equal(Webhooks, await ScalarAsync("SELECT COUNT(DISTINCT inbox_id) FROM decisions WHERE playbook = 'vip-cart-abandonment'"));
        Assert.Equal(Webhooks / EscalateEvery, await ScalarAsync("SELECT COUNT(*) FROM escalations"));
        var posts = _slack.Messages.Where(m => m.ThreadTs is null).Select(m => m.MetadataPayloadString("escalation_id")).ToList();
        Assert.Equal(Webhooks / EscalateEvery, posts.Count);
        Assert.Equal(posts.Count, posts.Distinct().Count());
        Assert.Equal(0, _slack.Workspace.RateLimitedCount);
    }

    [Fact]
    public async Task ThreeHosts_OneKilledTwiceMidRun_AndRestarted_DecideEachWebhookOnce_PostEachEscalationOnce_NoRateLimit()
    {
        for (var h = 0; h < 3; h++) await StartAsync(h);

        await LoadAsync(
            (Webhooks / 3, async () => { await _hosts[2]!.KillAsync(); await StartAsync(2); }),
            (2 * Webhooks / 3, async () => { await _hosts[2]!.KillAsync(); await StartAsync(2); }));
        await WaitDoneAsync();

        await AssertExactlyOnceAsync();
    }

    [Fact]
    public async Task RollingRestart_EachHostStoppedWithSigtermMidSendUnderLoad_FinishesTheSend_ExitsCleanly_HoldsNothing_LosesNothing()
    {
        // Every post answered 400 ms late: a host told to stop is caught in the middle of a send.
        _slack.DelayNext(1000, TimeSpan.FromMilliseconds(400), "C07VIPSAVES");
        for (var h = 0; h < 3; h++) await StartAsync(h);
        var stops = new List<(int Exit, string? InFlight, long HeldAfterExit)>();
        Func<Task> Roll(int host) => async () =>
        {
            // Stopped while it holds a send, when it comes to hold one within a few seconds.
            string? inFlight = null;
            for (var round = 0; round < 400 && inFlight is null; round++)
            {
                inFlight = await _db.ScalarAsync<string?>($"SELECT id FROM deliveries WHERE state = 'Sending' AND lease_owner = 'host-{host}' LIMIT 1");
                if (inFlight is null) await Task.Delay(10);
            }
            var exit = await _hosts[host]!.TerminateAsync(TimeSpan.FromSeconds(30));
            var held = await ScalarAsync($"SELECT (SELECT COUNT(*) FROM inbox WHERE lease_owner = 'host-{host}' AND processed_at IS NULL) "
                + $"+ (SELECT COUNT(*) FROM deliveries WHERE lease_owner = 'host-{host}' AND state = 'Sending') + (SELECT COUNT(*) FROM destinations WHERE held_by = 'host-{host}')");
            stops.Add((exit, inFlight, held));
            await StartAsync(host);
        };

        await LoadAsync((Webhooks / 4, Roll(0)), (Webhooks / 2, Roll(1)), (3 * Webhooks / 4, Roll(2)));
        await WaitDoneAsync();

        Assert.Equal([0, 0, 0], stops.Select(s => s.Exit));
        Assert.Equal([0L, 0L, 0L], stops.Select(s => s.HeldAfterExit));
        // At least one host was stopped with a post in flight; it finished that post (sent, not left in doubt) before exiting.
        var caught = stops.Where(s => s.InFlight is not null).Select(s => s.InFlight!).ToList();
        Assert.NotEmpty(caught);
        foreach (var id in caught)
        {
            Assert.Equal(1, await ScalarAsync($"SELECT COUNT(*) FROM deliveries WHERE id = '{id}' AND state = 'Sent' AND NOT in_doubt AND attempts = 1"));
        }
        await AssertExactlyOnceAsync();
    }
}
