using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.FakeCustomerIo;
using RetentionPlaybooks.FakeSlack;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// GET /metrics: behind the operator token like the other operator pages, the Prometheus text of the host's counters —
/// webhooks accepted and refused by source and reason, deliveries by kind and outcome, Slack's 429s, SLA breaches,
/// write-back failures — and the store's gauges; never a customer value.
/// </summary>
public sealed class MetricsTests
{
    private const string Token = "operator-token-0123456789abcdef";

    /// <summary>The Prometheus text of /metrics (as this machine, with no token set).</summary>
    private static async Task<string> ScrapeAsync(HostApp app)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Scrapes until <paramref name="ready"/> holds (at most 10 s) and returns the last scrape: the worker counts a
    /// delivery just after the store marks it, so a drained outbox can be seen a moment before its last count.</summary>
    private static async Task<string> ScrapeUntilAsync(HostApp app, Func<string, bool> ready)
    {
        var text = await ScrapeAsync(app);
        for (var i = 0; i < 200 && !ready(text); i++)
        {
            await Task.Delay(50);
            text = await ScrapeAsync(app);
        }
        return text;
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include every one of <paramref name="labels"/>.</summary>
    internal static double Value(string text, string name, params (string Key, string Value)[] labels)
    {
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var metric = brace >= 0 && brace < space ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            if (metric != name) continue;
            var labelText = brace >= 0 && brace < space ? line[(brace + 1)..line.LastIndexOf('}')] : "";
            if (!labels.All(l => labelText.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal))) continue;
            // Samples may carry a timestamp after the value.
            var fields = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ');
            sum += double.Parse(fields[0], CultureInfo.InvariantCulture);
        }
        return sum;
    }

    [Fact]
    public async Task Metrics_WithAToken_OnlyItsBearerReadsThem_AndWithoutOne_OnlyThisMachine()
    {
        using var withToken = new HostApp(settings: new Dictionary<string, string?> { ["Operator:Token"] = Token }) { RemoteAddress = IPAddress.Parse("203.0.113.9") };
        using var client = withToken.CreateClient();
        using var refused = await client.GetAsync("/metrics");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "0");
        using var wrongAnswer = await client.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var allowed = await client.SendAsync(right);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("rp_inbox_lag_seconds", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var withoutToken = new HostApp() { RemoteAddress = IPAddress.Parse("203.0.113.9") };
        using var remote = withoutToken.CreateClient();
        using var forbidden = await remote.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Webhooks_AcceptedAndRefused_AreCountedBySourceAndReason()
    {
        using var app = new HostApp();
        using var neighbour = new HostApp();
        using var client = app.CreateClient();
        var cart = Webhooks.Sample("vip-cart-abandoned.json", j => j["delivery_id"] = "m-1");

        using (var r = await client.SendAsync(Webhooks.Journey(cart, secret: null))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Journey(cart, secret: "not-the-secret"))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Journey(cart, secret: "not-the-secret"))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Journey("{\"delivery_id\": 1}"))) Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Pipelines("{\"type\":\"track\"}", secret: "wrong"))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Journey(cart))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Journey(cart))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Reporting("{\"event_id\":\"m-r1\",\"metric\":\"sent\",\"object_type\":\"email\",\"timestamp\":1795870800}", app.Time.GetUtcNow())))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }
        using (var r = await client.SendAsync(Webhooks.Pipelines("{\"type\":\"track\",\"event\":\"x\",\"messageId\":\"m-p1\",\"userId\":\"u1\"}"))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        var text = await ScrapeAsync(app);

        Assert.Equal(1, Value(text, "rp_webhooks_refused_total", ("source", "journey"), ("reason", "missing-credential")));
        Assert.Equal(2, Value(text, "rp_webhooks_refused_total", ("source", "journey"), ("reason", "bad-credential")));
        Assert.Equal(1, Value(text, "rp_webhooks_refused_total", ("source", "journey"), ("reason", "invalid-payload")));
        Assert.Equal(1, Value(text, "rp_webhooks_refused_total", ("source", "pipelines"), ("reason", "bad-credential")));
        Assert.Equal(5, Value(text, "rp_webhooks_refused_total"));
        Assert.Equal(1, Value(text, "rp_webhooks_accepted_total", ("source", "journey")));
        Assert.Equal(1, Value(text, "rp_webhooks_duplicate_total", ("source", "journey")));
        Assert.Equal(1, Value(text, "rp_webhooks_accepted_total", ("source", "reporting")));
        Assert.Equal(1, Value(text, "rp_webhooks_accepted_total", ("source", "pipelines")));
        // Another host in the same process counts its own: nothing here.
        var theirs = await ScrapeAsync(neighbour);
        Assert.Equal(0, Value(theirs, "rp_webhooks_refused_total"));
        Assert.Equal(0, Value(theirs, "rp_webhooks_accepted_total"));
    }

    [Fact]
    public async Task Webhooks_OversizedBody_IsCountedAsBodyTooLarge()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["CustomerIo:MaxBodyBytes"] = "1024" });
        using var client = app.CreateClient();
        var big = Webhooks.Sample("vip-cart-abandoned.json", j => j["padding"] = new string('x', 2000));

        using (var r = await client.SendAsync(Webhooks.Journey(big))) Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);

        Assert.Equal(1, Value(await ScrapeAsync(app), "rp_webhooks_refused_total", ("source", "journey"), ("reason", "body-too-large")));
    }

    [Fact]
    public async Task InboxLag_IsTheOldestUnprocessedWebhooksAge_ReadOncePerScrape()
    {
        using var app = new HostApp();
        var text = await ScrapeAsync(app);

        Assert.Equal(0, Value(text, "rp_inbox_lag_seconds"));
        Assert.Equal(0, Value(text, "rp_inbox_pending"));
        Assert.Contains("rp_outbox_pending", text, StringComparison.Ordinal);
        Assert.Contains("rp_write_back_pending", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlack429_IsCounted_AndTheDeliveriesByKindAndOutcome()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(HostApp.Start);
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = time, Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = 1 });
        using var app = new HostApp(settings: new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
        }, time: time);
        slack.RateLimitNext(2, TimeSpan.FromSeconds(3));
        using var client = app.CreateClient();
        using (var r = await client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json", j => j["delivery_id"] = "m-429")))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        await app.DrainAsync(TimeSpan.FromMilliseconds(500));
        var text = await ScrapeUntilAsync(app, t => Value(t, "rp_deliveries_total", ("kind", "post"), ("outcome", "sent")) > 0);

        Assert.Equal(2, slack.RateLimitedCount);
        Assert.Equal(2, Value(text, "rp_slack_rate_limited_total", ("method", "chat.postMessage")));
        Assert.Equal(2, Value(text, "rp_deliveries_total", ("kind", "post"), ("outcome", "rate_limited")));
        Assert.Equal(1, Value(text, "rp_deliveries_total", ("kind", "post"), ("outcome", "sent")));
        Assert.Equal(0, Value(text, "rp_sla_breaches_total"));
    }

    [Fact]
    public async Task ASlack429ToTheInDoubtLookup_IsCountedToo_ByItsMethod()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(HostApp.Start);
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = time, Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = null });
        using var app = new HostApp(settings: new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
        }, time: time);
        // The post lands but its answer is lost (in doubt), and the lookup that follows is told to wait.
        slack.LoseResponseNext(1, "C07VIPSAVES");
        using var client = app.CreateClient();
        using (var r = await client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json", j => j["delivery_id"] = "m-lookup-429")))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        await slack.WaitForRequestsAsync("chat.postMessage", 1, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        slack.RateLimitMethodNext("conversations.history", 1, TimeSpan.FromSeconds(3));
        await app.DrainAsync(TimeSpan.FromMilliseconds(500));
        var text = await ScrapeAsync(app);

        Assert.Equal(1, slack.RequestCount("chat.postMessage"));   // found by the lookup, never posted twice
        Assert.Equal(1, Value(text, "rp_slack_rate_limited_total", ("method", "conversations.history")));
        Assert.Equal(0, Value(text, "rp_slack_rate_limited_total", ("method", "chat.postMessage")));
    }

    [Fact]
    public async Task AnSlaBreach_IsCountedWhenTheBreachClockFires_Once()
    {
        await using var host = await CaseHost.StartAsync();
        await host.SendAsync(Webhooks.Sample("vip-cart-abandoned.json", j => j["delivery_id"] = "m-sla"));
        await host.DrainAsync();
        var posted = host.Time.GetUtcNow();
        // The reminder (at three quarters of the SLA) is a clock too, but not a breach.
        host.Time.Advance(TimeSpan.FromMinutes(91));
        await host.DrainAsync();
        var beforeSla = await ScrapeAsync(host.App);

        host.Time.Advance(posted + TimeSpan.FromHours(2) - host.Time.GetUtcNow());
        await host.DrainAsync();
        host.Time.Advance(TimeSpan.FromDays(1));
        await host.DrainAsync();
        var after = await ScrapeAsync(host.App);

        Assert.Equal(1, Value(beforeSla, "rp_deliveries_total", ("kind", "thread_reply"), ("outcome", "sent")));
        Assert.Equal(0, Value(beforeSla, "rp_sla_breaches_total"));
        Assert.Equal(1, Value(after, "rp_sla_breaches_total", ("playbook", "vip-cart-abandonment")));
        Assert.Equal(1, Value(after, "rp_deliveries_total", ("kind", "update"), ("outcome", "sent")));
        Assert.Equal(1, Value(after, "rp_deliveries_total", ("kind", "thread_reply"), ("outcome", "sent")));
    }

    [Fact]
    public async Task AWriteBackDeadLetter_IsCountedAsAWriteBackFailure()
    {
        await using var track = await FakeTrackApi.StartAsync("site-1234", "track-key-abcdefghijklmnop");
        await using var host = await CaseHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["CustomerIo:SiteId"] = "site-1234",
            ["CustomerIo:TrackApiKey"] = "track-key-abcdefghijklmnop",
            ["CustomerIo:TrackApiBaseUrl"] = track.BaseUrl.ToString(),
            ["CustomerIo:TrackApiTimeout"] = "00:00:01",
            ["Delivery:RetryMaxDelay"] = "00:00:05",
        });
        track.FailNext(1, 400);
        await host.SendAsync(Webhooks.Sample("vip-cart-abandoned.json", j => j["delivery_id"] = "m-wb"));
        await host.DrainAsync();
        var text = await ScrapeAsync(host.App);

        Assert.Equal(1, Value(text, "rp_write_back_failures_total", ("outcome", "dead")));
        Assert.Equal(1, Value(text, "rp_deliveries_total", ("kind", "customer_io"), ("outcome", "dead")));
        Assert.Equal(1, Value(text, "rp_dead_letters"));
    }

    [Fact]
    public async Task Metrics_NeverShowACustomerValue()
    {
        const string customerId = "cus_private_4242";
        const string email = "jane.private@example.com";
        using var app = new HostApp();
        using var client = app.CreateClient();
        var cart = Webhooks.Sample("vip-cart-abandoned.json", j =>
        {
            j["delivery_id"] = "m-private";
            j["customer"]!["id"] = customerId;
            j["customer"]!["email"] = email;
        });
        using (var r = await client.SendAsync(Webhooks.Journey(cart))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Journey(cart, secret: email))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Journey($"{{\"delivery_id\": \"{customerId}\", \"customer\": {{\"email\": \"{email}\"}}}}"))) Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        using (var r = await client.SendAsync(Webhooks.Pipelines($"{{\"type\":\"identify\",\"userId\":\"{customerId}\",\"traits\":{{\"email\":\"{email}\"}}}}"))) Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        await app.DrainAsync(TimeSpan.FromMilliseconds(500));
        var text = await ScrapeAsync(app);

        Assert.True(Value(text, "rp_webhooks_accepted_total") >= 1);
        Assert.DoesNotContain(customerId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("4242", text, StringComparison.Ordinal);
        Assert.DoesNotContain(email, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@", text.Split('\n').Where(l => !l.StartsWith('#')).Aggregate("", string.Concat), StringComparison.Ordinal);
    }
}
