using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetentionPlaybooks.FakeSlack;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Two host processes on one SQLite database, webhooks spread over both, one fake Slack that refuses (429) a channel's
/// second message within its interval: every webhook is decided once, every escalation posted once, and the channel's
/// pacing holds across the two processes — it is the store's, not either process's. Real processes on the real clock.
/// </summary>
[Trait("Category", "Slow")] // real processes, locks, disks or clocks; every wait bounded
public sealed class TwoHostsTests
{
    [Fact]
    public async Task TwoHostsOnOneDatabase_DecideEachWebhookOnce_PostEachEscalationOnce_AndShareTheChannelsPacing()
    {
        using var playbooks = PlaybookCopy.Unthrottled();
        // Slack's limit as the fake enforces it: one message per 250 ms per channel, no burst. Each host waits 300 ms.
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = 4 });
        var db = Path.Combine(playbooks.Path, "shared.db");
        Dictionary<string, string> Env(string owner) => new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Playbooks__Directory"] = playbooks.Path,
            ["Playbooks__Watch"] = "false",
            ["Store__Sqlite"] = db,
            ["Store__Owner"] = owner,
            ["Store__BusyTimeout"] = "00:00:10",
            ["CustomerIo__JourneySecret"] = HostApp.JourneySecret,
            ["Slack__BotToken"] = "xoxb-test",
            ["Slack__ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Delivery__PerChannelInterval"] = "00:00:00.300",
        };
        using var a = await HostRun.StartListeningAsync(Env("host-a"));
        using var b = await HostRun.StartListeningAsync(Env("host-b"));
        const int Count = 40;
        try
        {
            using var httpA = a.Client();
            using var httpB = b.Client();
            var sends = Enumerable.Range(0, Count).Select(async i =>
            {
                var body = Webhooks.Sample("vip-cart-abandoned.json", j =>
                {
                    j["delivery_id"] = $"two-{i}";
                    j["customer"]!["id"] = $"cus_two_{i}";
                    j["event"]!["data"]!["checkout_id"] = $"chk_two_{i}";
                    j["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                });
                using var response = await (i % 2 == 0 ? httpA : httpB).SendAsync(Webhooks.Journey(body));
                return response.StatusCode;
            });
            Assert.All(await Task.WhenAll(sends), s => Assert.Equal(HttpStatusCode.Accepted, s));

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await slack.WaitForMessagesAsync(Count, wait.Token);
            var healthA = await HostRun.WaitDrainedAsync(httpA);
            await HostRun.WaitDrainedAsync(httpB);

            var ids = slack.Messages.Select(m => m.MetadataPayloadString("escalation_id")).ToList();
            Assert.Equal(Count, ids.Count);
            Assert.Equal(Count, ids.Distinct().Count());
            Assert.Equal(0, slack.Workspace.RateLimitedCount);                 // the two processes never posted within one interval
            Assert.Equal(Count, slack.RequestCount("chat.postMessage"));       // and never had to retry
            Assert.Equal(Count, healthA.GetProperty("inbox_total").GetInt64());
            Assert.Equal(Count, healthA.GetProperty("sent").GetInt64());
            for (var i = 0; i < Count; i++)
            {
                var decisions = await httpA.GetFromJsonAsync<JsonElement>($"/decisions?delivery_id=two-{i}");
                var only = Assert.Single(decisions.GetProperty("decisions").EnumerateArray());
                Assert.Equal("escalated", only.GetProperty("outcome").GetString());
            }
        }
        finally
        {
            await a.KillAsync();
            await b.KillAsync();
        }
    }

}
