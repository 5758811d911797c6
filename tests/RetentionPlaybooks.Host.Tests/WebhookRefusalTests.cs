using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Hosts for the refusal table: one with the three webhook secrets set, and two with some left out (a host with
/// none at all does not start).</summary>
public sealed class WebhookRefusalHosts : IDisposable
{
    internal HostApp Open { get; } = new();

    internal HostApp PipelinesOnly { get; } = new(settings: new Dictionary<string, string?>
    {
        ["CustomerIo:JourneySecret"] = "",
        ["CustomerIo:ReportingSigningKey"] = "",
    });

    internal HostApp NoPipelines { get; } = new(settings: new Dictionary<string, string?> { ["CustomerIo:PipelinesSecret"] = "" });

    public void Dispose()
    {
        Open.Dispose();
        PipelinesOnly.Dispose();
        NoPipelines.Dispose();
    }
}

/// <summary>
/// Every way each webhook is refused, with the exact problem an operator reads in Customer.io's delivery log: the status,
/// the type and the detail that says what to fix. Nothing refused is stored. And the edges that are taken: each Data
/// Pipelines type, a delivery key of exactly the longest length, the same messageId twice in a batch.
/// </summary>
public sealed class WebhookRefusalTests(WebhookRefusalHosts hosts) : IClassFixture<WebhookRefusalHosts>
{
    private static string Journey(Action<JsonObject>? change = null) => Webhooks.Sample("vip-cart-abandoned.json", change);

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static string Reporting(object? eventId = null, object? metric = null)
    {
        var body = new JsonObject { ["object_type"] = "email", ["timestamp"] = 1795870800 };
        if (eventId is not null) body["event_id"] = JsonValue.Create(eventId);
        if (metric is not null) body["metric"] = JsonSerializer.SerializeToNode(metric);
        return body.ToJsonString();
    }

    private HttpRequestMessage SignedReporting(string body) => Webhooks.Reporting(body, hosts.Open.Time.GetUtcNow());

    public static TheoryData<string> Cases() =>
    [
        "journey-nul-delivery-id", "journey-control-delivery-id", "journey-control-first-delivery-id", "pipelines-nul-message-id",
        "journey-disabled", "journey-no-secret", "journey-wrong-secret", "journey-no-delivery-id", "journey-blank-delivery-id", "journey-long-delivery-id",
        "reporting-disabled", "reporting-no-timestamp", "reporting-no-signature", "reporting-wrong-key", "reporting-not-object", "reporting-no-event-id",
        "reporting-blank-event-id", "reporting-no-metric", "reporting-metric-not-text",
        "pipelines-disabled", "pipelines-no-signature", "pipelines-wrong-secret", "pipelines-not-object", "pipelines-batch-not-array",
        "pipelines-batch-empty", "pipelines-event-not-object", "pipelines-no-message-id", "pipelines-bad-type", "pipelines-no-type",
    ];

    private (HostApp Host, HttpRequestMessage Request, HttpStatusCode Status, string Type, string Detail) Case(string name)
    {
        var open = hosts.Open;
        const string deliveryHint = "send {{ event.id }} or another id unique to this delivery, so redeliveries are recognised";
        const HttpStatusCode unprocessable = (HttpStatusCode)422;
        var track = new { type = "track", messageId = "m-1", userId = "cus_1", @event = "Order Completed" };
        return name switch
        {
            "journey-disabled" => (hosts.PipelinesOnly, Webhooks.Journey(Journey()), HttpStatusCode.NotFound, "source-disabled",
                "Journey webhooks are not enabled on this host: CustomerIo:JourneySecret is not set"),
            "journey-no-secret" => (open, Webhooks.Journey(Journey(), secret: null), HttpStatusCode.Unauthorized, "missing-credential", "the request has no X-Webhook-Secret header"),
            "journey-wrong-secret" => (open, Webhooks.Journey(Journey(), secret: HostApp.JourneySecret + "x"), HttpStatusCode.Unauthorized, "bad-credential",
                "the X-Webhook-Secret header does not match"),
            "journey-no-delivery-id" => (open, Webhooks.Journey(Journey(j => j.Remove("delivery_id"))), unprocessable, "invalid-payload", $"\"delivery_id\" is missing: {deliveryHint}"),
            "journey-blank-delivery-id" => (open, Webhooks.Journey(Journey(j => j["delivery_id"] = "  ")), unprocessable, "invalid-payload", $"\"delivery_id\" is blank: {deliveryHint}"),
            "journey-long-delivery-id" => (open, Webhooks.Journey(Journey(j => j["delivery_id"] = new string('d', 1001))), unprocessable, "invalid-payload",
                "\"delivery_id\" is 1001 characters long; at most 1000 are accepted"),
            "journey-nul-delivery-id" => (open, Webhooks.Journey(Journey(j => j["delivery_id"] = "d\u00001")), unprocessable, "invalid-payload",
                "\"delivery_id\" holds a control character; send printable text"),
            "journey-control-delivery-id" => (open, Webhooks.Journey(Journey(j => j["delivery_id"] = "d\u001f")), unprocessable, "invalid-payload",
                "\"delivery_id\" holds a control character; send printable text"),
            "journey-control-first-delivery-id" => (open, Webhooks.Journey(Journey(j => j["delivery_id"] = "\u0001d")), unprocessable, "invalid-payload",
                "\"delivery_id\" holds a control character; send printable text"),
            "pipelines-nul-message-id" => (open, Webhooks.Pipelines(Json(new { type = "track", messageId = "m\u00004" })), unprocessable, "invalid-payload",
                "event 0's \"messageId\" holds a control character; send printable text"),
            "reporting-disabled" => (hosts.PipelinesOnly, SignedReporting(Reporting("e-1", "sent")), HttpStatusCode.NotFound, "source-disabled",
                "Reporting webhooks are not enabled on this host: CustomerIo:ReportingSigningKey is not set"),
            "reporting-no-timestamp" => (open, Without(SignedReporting(Reporting("e-1", "sent")), "X-CIO-Timestamp"), HttpStatusCode.Unauthorized, "missing-credential",
                "the request has no X-CIO-Timestamp header"),
            "reporting-no-signature" => (open, Webhooks.Reporting(Reporting("e-1", "sent"), open.Time.GetUtcNow(), sign: false), HttpStatusCode.Unauthorized, "missing-credential",
                "the request has no X-CIO-Signature header"),
            "reporting-wrong-key" => (open, Webhooks.Reporting(Reporting("e-1", "sent"), open.Time.GetUtcNow(), key: HostApp.ReportingKey + "x"), HttpStatusCode.Unauthorized,
                "bad-credential", "the X-CIO-Signature header does not match"),
            "reporting-not-object" => (open, SignedReporting("[1]"), unprocessable, "invalid-payload", "the body must be a JSON object"),
            "reporting-no-event-id" => (open, SignedReporting(Reporting(metric: "sent")), unprocessable, "invalid-payload", "\"event_id\" is missing: reporting webhooks carry one per event"),
            "reporting-blank-event-id" => (open, SignedReporting(Reporting(" ", "sent")), unprocessable, "invalid-payload", "\"event_id\" is blank: reporting webhooks carry one per event"),
            "reporting-no-metric" => (open, SignedReporting(Reporting("e-1")), unprocessable, "invalid-payload", "\"metric\" is missing or not a string"),
            "reporting-metric-not-text" => (open, SignedReporting(Reporting("e-1", 5)), unprocessable, "invalid-payload", "\"metric\" is missing or not a string"),
            "pipelines-disabled" => (hosts.NoPipelines, Webhooks.Pipelines(Json(track)), HttpStatusCode.NotFound, "source-disabled",
                "Data Pipelines webhooks are not enabled on this host: CustomerIo:PipelinesSecret is not set"),
            "pipelines-no-signature" => (open, Webhooks.Pipelines(Json(track), secret: null), HttpStatusCode.Unauthorized, "missing-credential", "the request has no X-Signature header"),
            "pipelines-wrong-secret" => (open, Webhooks.Pipelines(Json(track), secret: HostApp.PipelinesSecret + "x"), HttpStatusCode.Unauthorized, "bad-credential",
                "the X-Signature header does not match"),
            "pipelines-not-object" => (open, Webhooks.Pipelines(Json(new[] { track })), unprocessable, "invalid-payload",
                "the body must be a JSON object: one event, or {\"batch\": [...]}"),
            "pipelines-batch-not-array" => (open, Webhooks.Pipelines(Json(new { batch = track })), unprocessable, "invalid-payload", "\"batch\" must be an array of events"),
            "pipelines-batch-empty" => (open, Webhooks.Pipelines(Json(new { batch = Array.Empty<object>() })), unprocessable, "invalid-payload", "\"batch\" is empty; send at least one event"),
            "pipelines-event-not-object" => (open, Webhooks.Pipelines(Json(new { batch = new object[] { track, 7 } })), unprocessable, "invalid-payload", "event 1 is not a JSON object"),
            "pipelines-no-message-id" => (open, Webhooks.Pipelines(Json(new { type = "track", userId = "cus_1" })), unprocessable, "invalid-payload",
                "event 0's \"messageId\" is missing: Data Pipelines gives every event one"),
            "pipelines-bad-type" => (open, Webhooks.Pipelines(Json(new { type = "Track", messageId = "m-2" })), unprocessable, "invalid-payload",
                "event 0 has no valid \"type\" (track, identify, page, screen, group or alias)"),
            "pipelines-no-type" => (open, Webhooks.Pipelines(Json(new { messageId = "m-3" })), unprocessable, "invalid-payload",
                "event 0 has no valid \"type\" (track, identify, page, screen, group or alias)"),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static HttpRequestMessage Without(HttpRequestMessage request, string header)
    {
        request.Headers.Remove(header);
        return request;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HostApp app, HttpRequestMessage request)
    {
        using var client = app.CreateClient();
        using (request)
        {
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Refused_WithTheStatusTypeAndDetailThatSayWhatToFix_AndNothingStored(string name)
    {
        var (host, request, status, type, detail) = Case(name);
        var before = (await host.HealthAsync()).GetProperty("inbox_total").GetInt64();

        var (actual, body) = await SendAsync(host, request);

        Assert.Equal((status, "https://retentionplaybooks.dev/problems/" + type, detail),
            (actual, body.GetProperty("type").GetString(), body.GetProperty("detail").GetString()));
        Assert.Equal(before, (await host.HealthAsync()).GetProperty("inbox_total").GetInt64());
    }

    [Fact]
    public async Task DeliveryKey_OfExactlyTheLongestLength_IsTaken()
    {
        var key = new string('k', 999) + " ";   // a space is the first printable character

        var (status, body) = await SendAsync(hosts.Open, Webhooks.Journey(Journey(j => j["delivery_id"] = key)));

        Assert.Equal((HttpStatusCode.Accepted, 1), (status, body.GetProperty("accepted").GetInt32()));
    }

    [Fact]
    public async Task EveryDataPipelinesType_IsTaken()
    {
        string[] types = ["track", "identify", "page", "screen", "group", "alias"];
        var batch = types.Select(t => new { type = t, messageId = $"types-{t}", userId = "cus_1" }).ToArray();

        var (status, body) = await SendAsync(hosts.Open, Webhooks.Pipelines(Json(new { batch })));

        Assert.Equal((HttpStatusCode.Accepted, types.Length), (status, body.GetProperty("accepted").GetInt32()));
    }

    [Fact]
    public async Task ABatchsEvents_AreKeyedByMessageId_BeforeTheirSnakeCaseSpelling()
    {
        // Two spellings of the id: messageId is the one Data Pipelines sends, message_id the fallback. The same messageId
        // twice is one event, whatever the fallback says.
        var batch = new object[]
        {
            new Dictionary<string, string> { ["type"] = "track", ["messageId"] = "spelling-1", ["message_id"] = "a", ["userId"] = "cus_1" },
            new Dictionary<string, string> { ["type"] = "track", ["messageId"] = "spelling-1", ["message_id"] = "b", ["userId"] = "cus_1" },
            new Dictionary<string, string> { ["type"] = "track", ["message_id"] = "spelling-2", ["userId"] = "cus_1" },
        };

        var (status, body) = await SendAsync(hosts.Open, Webhooks.Pipelines(Json(new { batch })));
        var again = await SendAsync(hosts.Open, Webhooks.Pipelines(Json(new { type = "track", messageId = "spelling-2", userId = "cus_1" })));

        Assert.Equal((HttpStatusCode.Accepted, 2), (status, body.GetProperty("accepted").GetInt32()));
        Assert.Equal((HttpStatusCode.OK, "duplicate"), (again.Status, again.Body.GetProperty("status").GetString()));
    }
}
