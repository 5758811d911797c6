using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetentionPlaybooks.FakeSlack;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The host as a real process, killed without a graceful stop in the middle of a delivery, then restarted on
/// the same database: every accepted signal is delivered, and none twice. Runs on the real clock (a separate
/// process cannot share a fake one), with short pacing so it takes seconds.
/// </summary>
[Trait("Category", "Slow")] // real processes, locks, disks or clocks; every wait bounded
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task KillDuringDelivery_ThenRestart_LosesNothingAndDuplicatesNothing()
    {
        using var playbooks = PlaybookCopy.Unthrottled();
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = 5 });
        var db = Path.Combine(playbooks.Path, "crash.db");
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Playbooks__Directory"] = playbooks.Path,
            ["Playbooks__Watch"] = "false",
            ["Store__Sqlite"] = db,
            ["CustomerIo__JourneySecret"] = HostApp.JourneySecret,
            ["Slack__BotToken"] = "xoxb-test",
            ["Slack__ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Delivery__PerChannelInterval"] = "00:00:00.250",
            ["Delivery__RetryBaseDelay"] = "00:00:00.250",
        };
        // The first post is stored by Slack but answered only after 30 s: the host is killed while waiting.
        slack.DelayNext(1, TimeSpan.FromSeconds(30));

        using var first = await HostRun.StartListeningAsync(env);
        try
        {
            using var http = first.Client();
            for (var i = 0; i < 6; i++)
            {
                var body = Webhooks.Sample("vip-cart-abandoned.json", j =>
                {
                    j["delivery_id"] = $"crash-{i}";
                    j["customer"]!["id"] = $"cus_crash_{i}";
                    j["event"]!["data"]!["checkout_id"] = $"chk_crash_{i}";
                    j["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                });
                using var response = await http.SendAsync(Webhooks.Journey(body));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await slack.WaitForMessagesAsync(1, wait.Token);
        }
        finally
        {
            await first.KillAsync();
        }
        Assert.Single(slack.Messages);

        using var second = await HostRun.StartListeningAsync(env);
        try
        {
            using var http = second.Client();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await slack.WaitForMessagesAsync(6, wait.Token);
            var health = await HostRun.WaitDrainedAsync(http);
            Assert.Equal(6, health.GetProperty("inbox_total").GetInt64());
            Assert.Equal(6, health.GetProperty("sent").GetInt64());
        }
        finally
        {
            await second.KillAsync();
        }

        var ids = slack.Messages.Select(m => m.MetadataPayloadString("escalation_id")).ToList();
        Assert.Equal(6, ids.Count);
        Assert.Equal(6, ids.Distinct().Count());
        Assert.True(slack.RequestCount("conversations.history") >= 1, "the in-doubt send was not checked against Slack");
    }

}
