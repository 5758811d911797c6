using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeCustomerIo;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Write-back to Customer.io over HTTP against the fake Track API and the fake Slack, on one fake clock: the hold and the
/// escalation event on escalation, the outcome event (and the hold ended where the playbook says so) on Saved or Lost —
/// each once, whatever Slack retries or people double-click; 429, 5xx and timeouts retried, 4xx parked, nothing lost; and
/// a Customer.io outage never holds up a Slack post.
/// </summary>
public sealed class WriteBackTests : IAsyncLifetime
{
    private const string SiteId = "site-1234";
    private const string ApiKey = "track-key-abcdefghijklmnop";
    private const string Customer = "cus_wb_1";
    private FakeTrackApi _track = null!;
    private PlaybookCopy _playbooks = null!;
    private CaseHost _host = null!;

    public async Task InitializeAsync()
    {
        _track = await FakeTrackApi.StartAsync(SiteId, ApiKey);
        // A lost cart ends the hold at once, so the normal promotions may resume.
        _playbooks = new PlaybookCopy().Replace("vip-cart-abandonment.yaml", "hold_promotions: 72h\n", "hold_promotions: 72h\nhold_ends_on: [lost]\n");
        _host = await CaseHost.StartAsync(_playbooks.Path, new Dictionary<string, string?>
        {
            ["CustomerIo:SiteId"] = SiteId,
            ["CustomerIo:TrackApiKey"] = ApiKey,
            ["CustomerIo:TrackApiBaseUrl"] = _track.BaseUrl.ToString(),
            ["CustomerIo:TrackApiTimeout"] = "00:00:01",
            ["Delivery:RetryMaxDelay"] = "00:00:05",
        });
        await KnownPersonAsync(Customer);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _playbooks.Dispose();
        await _track.DisposeAsync();
    }

    private IStore Store => _host.Store;

    /// <summary>The person exists in Customer.io already (they came from a Journey): the hold is an update, never a creation.</summary>
    private async Task KnownPersonAsync(string id)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_track.BaseUrl, $"customers/{Uri.EscapeDataString(id)}"))
        {
            Content = new StringContent("{\"first_seen\":1}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SiteId}:{ApiKey}")));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The write-back calls: not the host's credential check at start-up, not the test's own set-up.</summary>
    private IReadOnlyList<FakeTrackCall> OurCalls => [.. _track.Calls.Where(c => c.Method != "GET" && c.Body?["first_seen"] is null)];

    /// <summary>A VIP cart escalated and posted in Slack; <paramref name="waitForWriteBack"/>: and its write-back made too.</summary>
    private async Task<(string Escalation, string Ts, DateTimeOffset CreatedAt)> EscalateAsync(string customer = Customer, int i = 1, bool waitForWriteBack = true)
    {
        var body = Webhooks.Sample("vip-cart-abandoned.json", j =>
        {
            j["delivery_id"] = $"wb-{i}";
            j["customer"]!["id"] = customer;
            j["event"]!["data"]!["checkout_id"] = $"chk_wb_{i}";
        });
        using var response = await _host.Client.SendAsync(Webhooks.Journey(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        if (waitForWriteBack)
        {
            await _host.App.DrainAsync(TimeSpan.FromMilliseconds(250));
        }
        else
        {
            // Slack's side only: the clock moves in small steps while a post waits for its channel's pacing.
            for (var round = 0; round < 2000 && _host.Slack.MessagesIn("C07VIPSAVES").Count(m => m.ThreadTs is null) < i; round++)
            {
                if ((await _host.App.HealthAsync()).GetProperty("outbox_pending").GetInt64() > 0) _host.Time.Advance(TimeSpan.FromMilliseconds(250));
                await Task.Delay(5);
            }
        }
        var message = _host.Slack.MessagesIn("C07VIPSAVES").Last(m => m.ThreadTs is null);
        var escalation = message.MetadataPayloadString("escalation_id")!;
        var post = (await Store.Deliveries.OfEscalationAsync(escalation, CancellationToken.None))[0];
        return (escalation, message.Ts, post.CreatedAt);
    }

    private Task ClickAsync(string ts, string actionId, string escalation, string user, string? actionTs = null) =>
        _host.ClickAsync("C07VIPSAVES", ts, actionId, escalation, user, actionTs);

    private static long Unix(DateTimeOffset at) => at.ToUnixTimeSeconds();

    [Fact]
    public async Task OnEscalation_TheHoldAndTheEvent_AreWrittenOnce_WithBasicAuth_AndNoCustomerDataBeyondTheId()
    {
        var (escalation, _, created) = await EscalateAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        await _host.App.DrainAsync(TimeSpan.FromMilliseconds(250));

        var calls = OurCalls;
        Assert.Equal(["POST customers/cus_wb_1/events", "PUT customers/cus_wb_1"], calls.Select(c => $"{c.Method} {c.Path}").Order(StringComparer.Ordinal));
        Assert.All(calls, c => Assert.Equal((SiteId, true, 200), (c.SiteId, c.Authorized, c.Status)));
        var person = _track.Person(Customer)!;
        Assert.Equal(Unix(created + TimeSpan.FromHours(72)).ToString(System.Globalization.CultureInfo.InvariantCulture), person.Attribute(WriteBack.HoldUntil));
        Assert.Equal("vip-cart-abandonment", person.Attribute(WriteBack.HoldPlaybook));
        var escalated = Assert.Single(person.Events);
        Assert.Equal((WriteBack.EscalatedEvent, Unix(created)), (escalated.Name, escalated.Timestamp));
        Assert.Equal(26, escalated.Id!.Length);
        Assert.Equal(("vip-cart-abandonment", escalation, "vip-saves", "retention-lead"),
            (escalated.Data["playbook"]!.GetValue<string>(), escalated.Data["escalation_id"]!.GetValue<string>(), escalated.Data["channel"]!.GetValue<string>(), escalated.Data["owner"]!.GetValue<string>()));
        Assert.Equal(Unix(created + TimeSpan.FromHours(2)), escalated.Data["sla_due_at"]!.GetValue<long>());
        // The sample's name, email and cart are the customer's: none of them goes to Customer.io (it has them already).
        var sent = string.Join("\n", calls.Select(c => c.Body!.ToJsonString()));
        Assert.DoesNotContain("Maria", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("@", sent, StringComparison.Ordinal);
        Assert.Empty(_track.Violations);
        Assert.Equal(2, (await _host.App.HealthAsync()).GetProperty("write_back_sent").GetInt64());
    }

    [Fact]
    public async Task Saved_ThenADoubleClickAndASlackRetry_WriteOneOutcomeEvent_WithTheTimesAgainstTheSla_AndTheHoldStays()
    {
        var (escalation, ts, created) = await EscalateAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(12));
        var acknowledgedAt = _host.Time.GetUtcNow();   // the clock stands still until the click is applied
        await ClickAsync(ts, BlockActionReader.AcknowledgeId, escalation, "U07LEAD");
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        await ClickAsync(ts, BlockActionReader.SavedId, escalation, "U07LEAD", actionTs: "1700000000.000100");
        await ClickAsync(ts, BlockActionReader.SavedId, escalation, "U07LEAD", actionTs: "1700000000.000100");   // Slack's retry
        await ClickAsync(ts, BlockActionReader.SavedId, escalation, "U07OTHER");                                // someone else, later

        var outcomes = _track.Person(Customer)!.Events.Where(e => e.Name == WriteBack.OutcomeEvent).ToList();
        var outcome = Assert.Single(outcomes);
        Assert.Equal("saved", outcome.Data["outcome"]!.GetValue<string>());
        Assert.Null(outcome.Data["reason"]);
        Assert.Equal((long)(acknowledgedAt - created).TotalSeconds, outcome.Data["seconds_to_acknowledge"]!.GetValue<long>());
        Assert.InRange(outcome.Data["seconds_to_acknowledge"]!.GetValue<long>(), 12 * 60, 12 * 60 + 5);
        Assert.True(outcome.Data["sla_met"]!.GetValue<bool>());
        Assert.Equal(escalation, outcome.Data["escalation_id"]!.GetValue<string>());
        Assert.Equal(184m, outcome.Data["value"]!.GetValue<decimal>());   // the sample's cart
        // Saved keeps the hold: only lost ends it for this playbook.
        Assert.Equal(Unix(created + TimeSpan.FromHours(72)).ToString(System.Globalization.CultureInfo.InvariantCulture), _track.Person(Customer)!.Attribute(WriteBack.HoldUntil));
        Assert.Equal(1, OurCalls.Count(c => c.Method == "PUT"));
    }

    [Fact]
    public async Task TheWholeLoop_WebhookPostAcknowledgeUpdateSaved_WritesEachOnce_AndTheReportCountsOneSave()
    {
        var (escalation, ts, created) = await EscalateAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(7));
        var acknowledgedAt = _host.Time.GetUtcNow();
        await ClickAsync(ts, BlockActionReader.AcknowledgeId, escalation, "U07LEAD");
        await ClickAsync(ts, BlockActionReader.SavedId, escalation, "U07LEAD");

        using var response = await _host.Client.GetAsync("/report");
        var totals = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("totals");

        Assert.Equal(2, _host.Slack.Updates.Count(u => u.Ts == ts));   // acknowledged, then saved, in place
        Assert.Equal(1, OurCalls.Count(c => c.Method == "PUT"));  // the hold, once
        Assert.Single(_track.Person(Customer)!.Events, e => e.Name == WriteBack.OutcomeEvent);
        Assert.Equal((1, 1, 0), (totals.GetProperty("escalated").GetInt64(), totals.GetProperty("saved").GetInt64(), totals.GetProperty("open").GetInt64()));
        Assert.Equal((acknowledgedAt - created).TotalSeconds, totals.GetProperty("median_seconds_to_acknowledge").GetDouble(), 3);
        Assert.Equal(1, totals.GetProperty("holds_written").GetInt64());
        Assert.Equal(184m, totals.GetProperty("value_saved").GetDecimal());
    }

    [Fact]
    public async Task Lost_WithAReason_WritesTheOutcome_AndEndsTheHold_WhenThePlaybookSaysSo()
    {
        var (escalation, ts, _) = await EscalateAsync();
        _host.Time.Advance(TimeSpan.FromHours(3));
        var lostAt = _host.Time.GetUtcNow();
        await ClickAsync(ts, BlockActionReader.LostId, $"{escalation}|price", "U07LEAD");

        var person = _track.Person(Customer)!;
        var outcome = Assert.Single(person.Events, e => e.Name == WriteBack.OutcomeEvent);
        Assert.Equal(("lost", "price"), (outcome.Data["outcome"]!.GetValue<string>(), outcome.Data["reason"]!.GetValue<string>()));
        Assert.Null(outcome.Data["seconds_to_acknowledge"]);
        Assert.False(outcome.Data["sla_met"]!.GetValue<bool>());   // nobody acted within the 2h SLA
        Assert.Equal(Unix(lostAt).ToString(System.Globalization.CultureInfo.InvariantCulture), person.Attribute(WriteBack.HoldUntil));
        Assert.Equal(2, OurCalls.Count(c => c.Method == "PUT"));
    }

    [Fact]
    public async Task RateLimited_ServerErrors_AndTimeouts_AreRetried_NothingLost_NothingTwice()
    {
        _track.RateLimitNext(1, TimeSpan.FromSeconds(7));
        _track.FailNext(2, 503);
        var (escalation, _, created) = await EscalateAsync(waitForWriteBack: false);
        // Until the 429 is recorded (bounded; the clock stands still).
        DeliveryItem? limited = null;
        for (var i = 0; i < 2000 && limited is null; i++)
        {
            var calls = await Store.Deliveries.OfEscalationAsync(escalation, CancellationToken.None);
            limited = calls.FirstOrDefault(d => d.Kind == DeliveryKind.CustomerIo && d.State == DeliveryState.Pending && d.LastError?.StartsWith("rate limited", StringComparison.Ordinal) == true);
            if (limited is null) await Task.Delay(5);
        }
        // Retry-After 7 s: the lane's next claim is exactly then, for the hold and the event behind it.
        var next = await Store.Deliveries.NextClaimAsync(CancellationToken.None, DeliveryLane.CustomerIo, _host.App.Services.GetRequiredService<WriteBackWorker>().Worker.Rate);
        var beforeRetryAfter = OurCalls.Count;
        for (var i = 0; i < 40 && _track.Person(Customer)!.Events.Count == 0; i++) await _host.App.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(1, beforeRetryAfter);
        // The limited call is due 7 s after its attempt (made within a second of the post), and nothing of the lane goes before.
        Assert.InRange(limited!.DueAt - created, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(8));
        Assert.Equal(limited.DueAt, next);
        var statuses = OurCalls.Select(c => c.Status).ToList();
        Assert.Equal([429, 503, 503, 200, 200], statuses);   // whichever of the two calls each answer met
        Assert.Single(_track.Person(Customer)!.Events);
        Assert.NotNull(_track.Person(Customer)!.Attribute(WriteBack.HoldUntil));
        Assert.Equal(0, (await _host.App.HealthAsync()).GetProperty("dead_letters").GetInt64());
    }

    [Fact]
    public async Task ATimeout_IsRetried_AndTheRepeatedEventIsDroppedByItsId()
    {
        // The event's first answer is held back past the client's 1 s timeout: Customer.io has it, we do not know.
        _track.DelayNext(2, TimeSpan.FromSeconds(3));
        await EscalateAsync();
        for (var i = 0; i < 40 && (await _host.App.HealthAsync()).GetProperty("write_back_pending").GetInt64() > 0; i++)
        {
            await _host.App.DrainAsync(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }

        var person = _track.Person(Customer)!;
        Assert.Single(person.Events);
        Assert.Contains(OurCalls, c => c.DuplicateEvent);
        Assert.Equal(0, (await _host.App.HealthAsync()).GetProperty("write_back_pending").GetInt64());
    }

    [Fact]
    public async Task ABadRequest_IsParkedAsADeadLetter_AndTheOtherCallsGoOn()
    {
        _track.FailNext(1, 400);
        var (escalation, _, _) = await EscalateAsync();

        Assert.Contains(OurCalls, c => c.Status == 400);
        var deliveries = await Store.Deliveries.OfEscalationAsync(escalation, CancellationToken.None);
        var dead = Assert.Single(deliveries, d => d.State == DeliveryState.Dead);
        Assert.Equal(DeliveryKind.CustomerIo, dead.Kind);
        Assert.Contains("400", dead.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, dead.LastError!, StringComparison.Ordinal);
        Assert.Equal(1, _track.Person(Customer)!.Events.Count + (_track.Person(Customer)!.Attribute(WriteBack.HoldUntil) is null ? 0 : 1));   // the other call went on
        var health = await _host.App.HealthAsync();
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal(1, health.GetProperty("dead_letters").GetInt64());
    }

    [Fact]
    public async Task WithoutTrackCredentials_TheWriteBackGoesToThePreviewSink_AndTheHostSaysSoAtStartUp()
    {
        var logs = new LogCapture();
        using var app = new HostApp(time: new FakeTimeProvider(HostApp.Start)) { Logs = logs };
        using var client = app.CreateClient();
        using var response = await client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));
        await app.DrainAsync();

        var calls = app.Preview.WriteBacks;
        Assert.Equal(["POST", "PUT"], calls.Select(c => c["method"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Contains(calls, c => c["body"]?["name"]?.GetValue<string>() == WriteBack.EscalatedEvent);
        Assert.Contains(logs.Lines, l => l.Contains("No Customer.io Track API credentials", StringComparison.Ordinal));
        Assert.Equal(2, (await app.HealthAsync()).GetProperty("write_back_sent").GetInt64());
        // The preview page lists them: what would be written, not whom for.
        using var page = await client.GetAsync("/preview");
        var html = await page.Content.ReadAsStringAsync();
        var section = html[html.IndexOf("<section id=\"write-back\">", StringComparison.Ordinal)..];
        Assert.Contains($"event {WriteBack.EscalatedEvent}", section, StringComparison.Ordinal);
        Assert.Contains($"attributes {WriteBack.HoldUntil} = ", section, StringComparison.Ordinal);
        Assert.DoesNotContain("cus_1001", section, StringComparison.Ordinal);
        Assert.DoesNotContain("customers/", section, StringComparison.Ordinal);
        // Nothing to pace in this process's memory.
        Assert.Equal(new DeliveryRate(TimeSpan.Zero, TimeSpan.Zero), app.Services.GetRequiredService<WriteBackWorker>().Worker.Rate);
    }

    [Fact]
    public async Task WithTrackCredentialsButNoSlackToken_TheWriteBackStillGoesToCustomerIo_TheMessagesToThePreview()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?>
        {
            ["CustomerIo:SiteId"] = SiteId,
            ["CustomerIo:TrackApiKey"] = ApiKey,
            ["CustomerIo:TrackApiBaseUrl"] = _track.BaseUrl.ToString(),
        }, time: new FakeTimeProvider(HostApp.Start));
        using var client = app.CreateClient();
        using var response = await client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json", j => j["customer"]!["id"] = Customer)));
        await app.DrainAsync(TimeSpan.FromMilliseconds(10));

        Assert.Single(app.Preview.Messages);
        Assert.Empty(app.Preview.WriteBacks);
        Assert.Equal(WriteBack.EscalatedEvent, Assert.Single(_track.Person(Customer)!.Events).Name);
        Assert.NotNull(_track.Person(Customer)!.Attribute(WriteBack.HoldUntil));
    }

    [Fact]
    public void TheTrackApi_IsPacedAtItsIntervalWithoutBurst_SoNoSecondHoldsMoreThan100Calls()
    {
        var worker = _host.App.Services.GetRequiredService<WriteBackWorker>().Worker;

        Assert.Equal(DeliveryLane.CustomerIo, worker.Lane);
        Assert.Equal(new DeliveryRate(TimeSpan.FromMilliseconds(10), TimeSpan.Zero), worker.Rate);
    }

    [Fact]
    public async Task ACustomerIoOutage_NeverHoldsUpSlack()
    {
        // Every Track call hangs past the client's timeout.
        _track.DelayNext(100, TimeSpan.FromSeconds(30));
        await EscalateAsync("cus_wb_a", 1, waitForWriteBack: false);
        await EscalateAsync("cus_wb_b", 2, waitForWriteBack: false);

        Assert.Equal(2, _host.Slack.MessagesIn("C07VIPSAVES").Count(m => m.ThreadTs is null));
        Assert.True((await _host.App.HealthAsync()).GetProperty("write_back_pending").GetInt64() > 0);
        Assert.Empty(_track.Person(Customer)!.Events);
    }
}
