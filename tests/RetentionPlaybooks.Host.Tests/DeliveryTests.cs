using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The host against the fake Slack over real HTTP, sharing one fake clock.</summary>
public sealed class DeliveryTests
{
    private static readonly string[] Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"];

    private static async Task<(HostApp App, FakeSlackServer Slack)> StartAsync(string? playbooks = null)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(HostApp.Start);
        var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = time, Channels = Channels, PerChannelRate = 1 });
        var app = new HostApp(playbooks, new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
        }, time);
        return (app, slack);
    }

    /// <summary>A VIP cart that escalates to vip-saves, for a distinct customer and checkout.</summary>
    private static string Cart(int i, double value = 184) => Webhooks.Sample("vip-cart-abandoned.json", j =>
    {
        j["delivery_id"] = $"d-{i}";
        j["customer"]!["id"] = $"cus_{i}";
        j["event"]!["data"]!["checkout_id"] = $"chk_{i}";
        j["event"]!["data"]!["cart_value"] = value;
    });

    private static async Task PostAsync(HostApp app, string body)
    {
        using var client = app.CreateClient();
        using var response = await client.SendAsync(Webhooks.Journey(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Escalation_PostsRenderedBodyWithMetadata_AndRecordsChannelAndTs()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;

        await PostAsync(app, Cart(1));
        var health = await app.DrainAsync(TimeSpan.FromSeconds(1));

        var message = Assert.Single(slack.Messages);
        Assert.Equal("C07VIPSAVES", message.Channel);
        Assert.Equal("VIP cart abandoned: $184.00 · owner <@U07RETLEAD>", message.Text);
        Assert.Equal("retention_escalation", message.Metadata!["event_type"]!.GetValue<string>());
        var id = message.MetadataPayloadString("escalation_id")!;
        var stored = await app.Services.GetRequiredService<IStore>().Deliveries.GetAsync(id, CancellationToken.None);
        Assert.Equal(DeliveryState.Sent, stored!.State);
        Assert.Equal(message.Ts, stored.SlackTs);
        Assert.Equal(message.Channel, stored.SlackChannel);
        Assert.Equal(1, health.GetProperty("sent").GetInt64());
    }

    [Fact]
    public async Task Burst_HundredEscalationsToOneChannel_PacedOnePerSecond_NoneLostNo429()
    {
        using var playbooks = PlaybookCopy.Unthrottled();
        var (app, slack) = await StartAsync(playbooks.Path);
        await using var _ = slack;
        using var __ = app;

        for (var i = 0; i < 100; i++) await PostAsync(app, Cart(i));
        await app.DrainAsync(TimeSpan.FromMilliseconds(250), maxRounds: 5000);

        var messages = slack.MessagesIn("C07VIPSAVES");
        Assert.Equal(100, messages.Count);
        Assert.Equal(100, messages.Select(m => m.MetadataPayloadString("escalation_id")).Distinct().Count());
        Assert.Equal(0, slack.RateLimitedCount);
        var gaps = messages.Zip(messages.Skip(1), (a, b) => b.PostedAt - a.PostedAt).ToList();
        Assert.All(gaps, g => Assert.True(g >= TimeSpan.FromSeconds(1), $"two posts {g.TotalMilliseconds} ms apart"));
    }

    [Fact]
    public async Task RateLimitStorm_HonoursRetryAfter_DelaysButNeitherDropsNorDuplicates()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        slack.RateLimitNext(6, TimeSpan.FromSeconds(3));

        await PostAsync(app, Cart(1));
        await PostAsync(app, Webhooks.Sample("subscription-cancel-requested.json", j => j["delivery_id"] = "sub-1"));
        await app.DrainAsync(TimeSpan.FromMilliseconds(500), maxRounds: 5000);

        Assert.Equal(6, slack.RateLimitedCount);
        Assert.Equal(2, slack.Messages.Count);
        Assert.Equal(2, slack.Messages.Select(m => m.MetadataPayloadString("escalation_id")).Distinct().Count());
        // After a 429 the host waits Retry-After before trying the channel again: 6 × 3 s at least overall.
        Assert.True(slack.Messages.Max(m => m.PostedAt) - HostApp.Start >= TimeSpan.FromSeconds(9));
    }

    [Fact]
    public async Task Outage_ServerErrors_RetriedUntilSlackRecovers()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        slack.Outage(true);

        await PostAsync(app, Cart(1));
        await PostAsync(app, Cart(2));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await slack.WaitForRequestsAsync("chat.postMessage", 1, timeout.Token);
        // Step the clock past the longest backoff until each next attempt has been made (bounded): every attempt is
        // one the clock made due, not one a busy machine happened to fit into a real-time window.
        for (var attempts = 2; attempts <= 8; attempts++)
        {
            var next = slack.WaitForRequestsAsync("chat.postMessage", attempts, timeout.Token);
            while (!next.IsCompleted)
            {
                app.Time.Advance(TimeSpan.FromMinutes(5));
                await Task.WhenAny(next, Task.Delay(20, timeout.Token));
            }
            await next;
        }
        var during = await app.WaitUntilAsync(h => h.GetProperty("failing_deliveries").GetInt64() == 2);
        slack.Outage(false);
        await app.DrainAsync(TimeSpan.FromSeconds(30), maxRounds: 5000);

        // The two posts wait (and, the clock having moved hours on, their SLA reminders, which wait for their posts).
        Assert.InRange(during.GetProperty("outbox_pending").GetInt64(), 2, 6);
        Assert.Equal(0, during.GetProperty("sent").GetInt64());
        Assert.Equal("degraded", during.GetProperty("status").GetString());
        Assert.Contains(during.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("failed 3 or more attempts in a row", StringComparison.Ordinal));
        Assert.Equal("ok", (await app.HealthAsync()).GetProperty("status").GetString());
        var posts = slack.Messages.Where(m => m.ThreadTs is null).ToList();   // not the SLA reminders in their threads
        Assert.Equal(2, posts.Count);
        Assert.Equal(2, posts.Select(m => m.MetadataPayloadString("escalation_id")).Distinct().Count());
    }

    [Fact]
    public async Task LostResponse_AfterSlackPosted_IsNotPostedTwice()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        slack.LoseResponseNext(1);

        await PostAsync(app, Cart(1));
        await app.DrainAsync(TimeSpan.FromSeconds(1), maxRounds: 5000);

        Assert.Single(slack.Messages);
        Assert.Equal(1, slack.RequestCount("chat.postMessage"));
        Assert.True(slack.RequestCount("conversations.history") >= 1);
    }

    [Fact]
    public async Task PoisonBurst_ThenValidCarts_TheCartsReachSlack_AndThePoisonIsQuarantinedOrRefused()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        using var client = app.CreateClient();
        var store = app.Services.GetRequiredService<IStore>();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            // Absurd values: accepted, processed, read as missing.
            var absurd = Webhooks.Sample("vip-cart-abandoned.json", j =>
            {
                j["delivery_id"] = $"absurd-{i}";
                j["customer"]!["id"] = $"cus_absurd_{i}";
                j["customer"]!["last_refund_at"] = i % 2 == 0 ? 1e300 : -10000000000000;
                j["timestamp"] = i % 2 == 0 ? -1e15 : 1e20;
                j["event"]!["data"]!["cart_value"] = 1e300;
            });
            using (var response = await client.SendAsync(Webhooks.Journey(absurd))) statuses.Add(response.StatusCode);
            // Text that is not Unicode: refused at the door.
            var surrogate = Webhooks.Sample("vip-cart-abandoned.json", j => j["delivery_id"] = $"surrogate-{i}").Replace("\"Maria\"", "\"Ma\\ud800ria\"", StringComparison.Ordinal);
            using (var response = await client.SendAsync(Webhooks.Journey(surrogate))) statuses.Add(response.StatusCode);
        }
        // What an older host stored before the door checked: processing fails on it.
        await store.Inbox.AcceptAsync([.. Enumerable.Range(0, 5).Select(i => new InboxItem(SignalSource.Journey, $"stored-{i}", "{\"customer\": {\"id\": \"x\"\"}}"u8.ToArray()))], CancellationToken.None);
        for (var i = 1; i <= 3; i++) await PostAsync(app, Cart(i));
        var health = await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.BadRequest));
        Assert.Equal(3, slack.MessagesIn("C07VIPSAVES").Count);
        Assert.Equal(3, slack.Messages.Count);
        Assert.Equal(5, health.GetProperty("quarantined").GetInt64());
        Assert.Equal(0, health.GetProperty("inbox_pending").GetInt64());
        Assert.Equal(0, health.GetProperty("outbox_pending").GetInt64());
    }

    /// <summary>One cart escalates; Slack posts it and the answer is lost. Returns once the post has reached Slack.</summary>
    private static async Task PostAndLoseTheAnswerAsync(HostApp app, FakeSlackServer slack)
    {
        slack.LoseResponseNext(1);
        await PostAsync(app, Cart(1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await slack.WaitForRequestsAsync("chat.postMessage", 1, timeout.Token);
    }

    [Fact]
    public async Task LostResponse_InABusyChannel_IsFoundOnALaterHistoryPage_AndNotPostedTwice()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        await PostAndLoseTheAnswerAsync(app, slack);
        // Before the host looks, the channel moves on: the lost post is now more than two pages deep.
        slack.PostByOthers("C07VIPSAVES", 450);
        await app.DrainAsync(TimeSpan.FromSeconds(1), maxRounds: 5000);

        Assert.Equal(1, slack.RequestCount("chat.postMessage"));
        Assert.Single(slack.MessagesIn("C07VIPSAVES"), m => m.MetadataPayloadString("escalation_id") is not null);
        Assert.True(slack.RequestCount("conversations.history") >= 3, $"{slack.RequestCount("conversations.history")} history page(s) read");
        var sent = await app.Services.GetRequiredService<IStore>().Health.StatsAsync(3, HostApp.Start, HostApp.Start, CancellationToken.None);
        Assert.Equal(1, sent.Sent);
    }

    [Fact]
    public async Task LostResponse_WhenHistoryCannotBeRead_IsParkedNotResent()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        await PostAndLoseTheAnswerAsync(app, slack);
        slack.SetMethodError("conversations.history", "missing_scope");
        await app.DrainAsync(TimeSpan.FromSeconds(1), maxRounds: 5000);

        Assert.Equal(1, slack.RequestCount("chat.postMessage"));
        using var client = app.CreateClient();
        var dead = await client.GetFromJsonAsync<JsonArray>("/dead-letters");
        var letter = Assert.Single(dead!);
        Assert.Contains("in doubt", letter!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("missing_scope", letter["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LostResponse_OnADirectMessage_IsFoundThroughTheDmChannel()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        slack.LoseResponseNext(1);

        await PostAsync(app, Cart(1, value: 620));
        await app.DrainAsync(TimeSpan.FromSeconds(1), maxRounds: 5000);

        var message = Assert.Single(slack.Messages);
        Assert.Equal("D07RETLEAD", message.Channel);
        Assert.Equal(1, slack.RequestCount("chat.postMessage"));
        Assert.True(slack.RequestCount("conversations.open") >= 1);
    }

    [Fact]
    public async Task PermanentError_ParksADeadLetter_AndIsNotRetried()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        slack.SetPermanentError("C07VIPSAVES", "channel_not_found");

        await PostAsync(app, Cart(1));
        var health = await app.DrainAsync(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 50; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(2);
        }

        Assert.Equal(1, health.GetProperty("dead_letters").GetInt64());
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal(1, slack.RequestCount("chat.postMessage"));
        var dead = Assert.Single(await app.Services.GetRequiredService<IStore>().Deliveries.DeadLettersAsync(10, CancellationToken.None));
        Assert.Equal("channel_not_found", dead.LastError);
        using var client = app.CreateClient();
        var report = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/dead-letters")).RootElement;
        var entry = Assert.Single(report.EnumerateArray());
        Assert.Equal("vip-cart-abandonment", entry.GetProperty("playbook").GetString());
        Assert.Equal("channel_not_found", entry.GetProperty("error").GetString());
        Assert.DoesNotContain("Maria", report.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cooldown_SecondCartFromTheSameCustomer_IsSuppressedAndRecorded()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        var second = Webhooks.Sample("vip-cart-abandoned.json", j =>
        {
            j["delivery_id"] = "d-second";
            j["event"]!["data"]!["checkout_id"] = "chk_other";
        });

        await PostAsync(app, Cart(1).Replace("cus_1", "cus_same", StringComparison.Ordinal));
        await PostAsync(app, second.Replace("cus_1001", "cus_same", StringComparison.Ordinal));
        await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Single(slack.Messages);
        var store = app.Services.GetRequiredService<IStore>();
        var decision = Assert.Single(await store.Decisions.DecisionsAsync(2, CancellationToken.None));
        Assert.Equal("suppressed", decision.Outcome);
        Assert.StartsWith("cooldown: this customer was escalated", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decisions_SkippedSignal_RecordsTheGateThatFailed()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;

        await PostAsync(app, Cart(1, value: 40));
        await app.DrainAsync();

        Assert.Empty(slack.Messages);
        var decision = Assert.Single(await app.Services.GetRequiredService<IStore>().Decisions.DecisionsAsync(1, CancellationToken.None));
        Assert.Equal("skipped", decision.Outcome);
        Assert.Equal("gate \"event.cart_value >= 150\" did not hold: event.cart_value = 40, needs >= 150", decision.Reason);
    }
}
