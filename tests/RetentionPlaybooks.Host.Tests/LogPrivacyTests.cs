using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Customer data is PII: whatever happens to a webhook — escalated, skipped, refused, quarantined, failed in Slack — no log line holds it.</summary>
public sealed class LogPrivacyTests
{
    // Values that appear nowhere but in the payloads, so any occurrence in a log is a leak.
    private static readonly string[] Secrets = ["Qwxzylophine", "qwxzy@leak.example", "+15559876543", "cus_qwxzy42", "chk_qwxzy77", "a3fqwxzy", "Qwxzyboulevard"];

    private static string Cart(string deliveryId, double value = 184) => Webhooks.Sample("vip-cart-abandoned.json", j =>
    {
        j["delivery_id"] = deliveryId;
        j["customer"]!["id"] = "cus_qwxzy42";
        j["customer"]!["cio_id"] = "a3fqwxzy";
        j["customer"]!["first_name"] = "Qwxzylophine";
        j["customer"]!["email"] = "qwxzy@leak.example";
        j["customer"]!["phone"] = "+15559876543";
        j["customer"]!["address"] = "1 Qwxzyboulevard";
        j["event"]!["data"]!["checkout_id"] = "chk_qwxzy77";
        j["event"]!["data"]!["cart_value"] = value;
    });

    [Fact]
    public async Task Logs_OfEveryPath_HoldNoCustomerValue()
    {
        var capture = new LogCapture();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(HostApp.Start);
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = time, Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"] });
        using var app = new HostApp(settings: new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
        }, time: time) { Logs = capture };
        using var client = app.CreateClient();
        slack.FailNext(2, 503);

        async Task<HttpStatusCode> Send(HttpRequestMessage request)
        {
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        var statuses = new List<HttpStatusCode>
        {
            await Send(Webhooks.Journey(Cart("leak-1"))),                                   // escalates; Slack fails twice first
            await Send(Webhooks.Journey(Cart("leak-1"))),                                   // a redelivery
            await Send(Webhooks.Journey(Cart("leak-2", value: 3))),                         // skipped by a gate
            await Send(Webhooks.Journey(Cart("leak-3"))),                                   // suppressed by the cooldown
            await Send(Webhooks.Journey(Cart("leak-4").Replace("\"delivery_id\"", "\"delivery_id\":\"x\",\"delivery_id\"", StringComparison.Ordinal))),
            await Send(Webhooks.Journey(Cart("leak-5")[..^5])),                            // malformed JSON
            await Send(Webhooks.Reporting(new JsonObject
            {
                ["event_id"] = "01HLEAK", ["object_type"] = "email", ["metric"] = "bounced", ["timestamp"] = HostApp.Start.ToUnixTimeSeconds(),
                ["data"] = new JsonObject { ["identifiers"] = new JsonObject { ["id"] = "cus_qwxzy42", ["email"] = "qwxzy@leak.example" } },
            }.ToJsonString(), HostApp.Start)),
            await Send(Webhooks.Pipelines(new JsonObject
            {
                ["type"] = "identify", ["messageId"] = "m-leak", ["userId"] = "cus_qwxzy42",
                ["traits"] = new JsonObject { ["first_name"] = "Qwxzylophine", ["email"] = "qwxzy@leak.example" },
            }.ToJsonString())),
        };
        // A body an older host stored that cannot be processed: quarantined, and logged as such.
        var poison = Encoding.UTF8.GetBytes(Cart("leak-6"));
        poison[Encoding.UTF8.GetString(poison).IndexOf("Qwxzylophine", StringComparison.Ordinal) + 3] = 0xFF;
        await app.Services.GetRequiredService<IStore>().Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "leak-6", poison)], CancellationToken.None);
        await Send(Webhooks.Journey(Cart("leak-7")));
        await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Accepted, (HttpStatusCode)422, HttpStatusCode.BadRequest, HttpStatusCode.Accepted, HttpStatusCode.Accepted], statuses);
        Assert.Single(slack.Messages);
        var lines = capture.Lines;
        Assert.Contains(lines, l => l.Contains("quarantined", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("not delivered", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(") sent to ", StringComparison.Ordinal));
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    private const string SlackSecret = "test-slack-signing-secret-0123456789";

    private static void AssertNoCustomerValue(IReadOnlyList<string> lines)
    {
        var leaks = lines.Where(l => Secrets.Any(secret => l.Contains(secret, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(leaks.Count == 0, "customer values logged:\n" + string.Join("\n", leaks));
    }

    [Fact]
    public async Task Logs_OfSlackClicks_HoldNoCustomerValue_EvenInFieldsTheHostIgnores()
    {
        var capture = new LogCapture();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(HostApp.Start);
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = time, Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = null });
        using var app = new HostApp(settings: new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Slack:SigningSecret"] = SlackSecret,
        }, time: time) { Logs = capture };
        using var client = app.CreateClient();
        var url = new Uri(client.BaseAddress!, "/slack/interactivity");
        using (var sent = await client.SendAsync(Webhooks.Journey(Cart("click-1"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        await app.DrainAsync(TimeSpan.FromSeconds(1));
        var posted = Assert.Single(slack.Messages);
        var escalation = posted.MetadataPayloadString("escalation_id")!;

        async Task<HttpStatusCode> Signed(JsonObject payload)
        {
            var body = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));
            var at = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
            request.Headers.Add("X-Slack-Request-Timestamp", at);
            request.Headers.Add("X-Slack-Signature", FakeSlackInteractivity.Sign(SlackSecret, at, body));
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        JsonObject Click(string actionId, string value, int n) => new()
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = "T0FAKETEAM", ["domain"] = "fake" },
            // Fields the host does not read, each holding a customer value.
            ["user"] = new JsonObject { ["id"] = "U07LEAD", ["username"] = "Qwxzylophine", ["name"] = "qwxzy@leak.example", ["team_id"] = "T0FAKETEAM" },
            ["state"] = new JsonObject { ["values"] = new JsonObject { ["note"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "call +15559876543 at 1 Qwxzyboulevard" } } } },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = posted.Ts, ["channel_id"] = "C07VIPSAVES", ["is_ephemeral"] = false },
            ["channel"] = new JsonObject { ["id"] = "C07VIPSAVES", ["name"] = "cus_qwxzy42" },
            ["message"] = new JsonObject { ["ts"] = posted.Ts, ["text"] = "Qwxzylophine chk_qwxzy77 a3fqwxzy" },
            ["response_url"] = new Uri(slack.ApiBaseUrl, $"../actions/T0FAKETEAM/{n}/response").ToString(),
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = actionId, ["block_id"] = "actions", ["type"] = "button", ["value"] = value,
                ["action_ts"] = $"{time.GetUtcNow().ToUnixTimeSeconds()}.{n:D6}", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Qwxzylophine" },
            }),
        };

        var statuses = new List<HttpStatusCode>
        {
            // The fake's own click: its message field is the posted message, which names the customer.
            await ClickStatus(slack.ClickAsync(client, url, new FakeSlackClick("C07VIPSAVES", posted.Ts, BlockActionReader.AcknowledgeId, escalation, "U07LEAD"), SlackSecret)),
            await Signed(Click(BlockActionReader.SavedId, escalation, 1)),
            // An action id that is not one of ours, holding a customer value: refused or ignored, never quoted.
            await Signed(Click("qwxzy@leak.example", escalation, 2)),
            // A second acknowledgement: its clicker is told through response_url, a URL that can post to the channel.
            await Signed(Click(BlockActionReader.AcknowledgeId, escalation, 3)),
        };
        for (var i = 0; i < 2000 && (await app.Services.GetRequiredService<IStore>().Actions.PendingAsync(1, CancellationToken.None)).Count > 0; i++) await Task.Delay(5);
        await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"answered {s}"));
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Equal(HttpStatusCode.OK, statuses[1]);
        var applied = await app.Services.GetRequiredService<IStore>().Actions.AllAsync(100, CancellationToken.None);
        Assert.True(applied.Count >= 2, $"{applied.Count} clicks stored");
        var lines = capture.Lines;
        Assert.Contains(lines, l => l.Contains("Interactivity", StringComparison.Ordinal));
        AssertNoCustomerValue(lines);
        Assert.NotEmpty(slack.Interactivity.Responses);
        Assert.DoesNotContain(lines, l => l.Contains("/actions/T0FAKETEAM/", StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode> ClickStatus(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return response.StatusCode;
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(422)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Logs_OfWriteBackFailures_HoldNoCustomerValue_WhenCustomerIoEchoesItBack(int status)
    {
        var capture = new LogCapture();
        await using var track = await EchoingTrackApi.StartAsync(status);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(HostApp.Start);
        // A real Slack lane: with the preview sink for Slack, write-back goes to the preview sink too.
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = time, Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = null });
        using var app = new HostApp(settings: new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["CustomerIo:SiteId"] = "site-1234",
            ["CustomerIo:TrackApiKey"] = "track-key-abcdefghijklmnop",
            ["CustomerIo:TrackApiBaseUrl"] = track.BaseUrl.ToString(),
            // Long on the fake clock, which steps below: a slow first answer (a cold server) is not a timeout.
            ["CustomerIo:TrackApiTimeout"] = "00:01:00",
            ["Delivery:RetryMaxDelay"] = "00:00:05",
        }, time: time) { Logs = capture };
        using var client = app.CreateClient();
        await app.HealthAsync();
        // The start-up credential check first (real time, bounded), so the clock stepping below cannot time it out.
        for (var i = 0; i < 2000 && !capture.Lines.Any(l => l.Contains("credentials accepted", StringComparison.Ordinal)); i++) await Task.Delay(5);
        Assert.Equal(1, track.Checks);

        using (var sent = await client.SendAsync(Webhooks.Journey(Cart("wb-leak-1"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        // The hold and the event each refused: a 4xx parks them at once; a 5xx is retried (the clock steps), so a few rounds.
        var calls = status >= 500 ? 6 : 2;
        for (var i = 0; i < 2000 && track.Failed < calls; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        Assert.True(track.Failed >= calls, $"{track.Failed} write-back calls answered {status}");
        // Each outcome logged (without the customer) once it is recorded.
        for (var i = 0; i < 2000 && !capture.Lines.Any(l => l.Contains($"http_{status}", StringComparison.Ordinal)); i++) await Task.Delay(5);
        Assert.Contains(track.Bodies, b => b.Contains("cus_qwxzy42", StringComparison.Ordinal));
        var lines = capture.Lines;
        Assert.Contains(lines, l => l.Contains($"http_{status}", StringComparison.Ordinal));
        AssertNoCustomerValue(lines);
    }

    /// <summary>
    /// A Track API that answers every write with <c>status</c> and an error body quoting the path and the request body back,
    /// as an API refusing a value may. The start-up credential check (GET accounts/region) is answered 200.
    /// </summary>
    private sealed class EchoingTrackApi : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _failed;
        private int _checks;

        private EchoingTrackApi(WebApplication app, Uri baseUrl)
        {
            _app = app;
            BaseUrl = baseUrl;
        }

        public Uri BaseUrl { get; }

        public int Failed => Volatile.Read(ref _failed);

        public int Checks => Volatile.Read(ref _checks);

        public ConcurrentQueue<string> Bodies { get; } = new();

        public static async Task<EchoingTrackApi> StartAsync(int status)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            EchoingTrackApi? self = null;
            app.Run(async context =>
            {
                var request = context.Request;
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                context.Response.ContentType = "application/json";
                if (request.Method == "GET" && request.Path.Value!.EndsWith("/accounts/region", StringComparison.Ordinal))
                {
                    await context.Response.WriteAsync("""{"url":"https://track.customer.io","data_center":"us"}""", context.RequestAborted);
                    Interlocked.Increment(ref self!._checks);
                    return;
                }
                var echo = $"{request.Method} {request.Path}{request.QueryString} {body}";
                self!.Bodies.Enqueue(echo);
                Interlocked.Increment(ref self._failed);
                context.Response.StatusCode = status;
                context.Response.Headers["X-Echo"] = Uri.EscapeDataString(request.Path.Value!);
                await context.Response.WriteAsync(new JsonObject { ["meta"] = new JsonObject { ["error"] = "refused: " + echo } }.ToJsonString(), context.RequestAborted);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            self = new EchoingTrackApi(app, new Uri(address.TrimEnd('/') + "/api/v1/"));
            return self;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
