using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.Tests;

public sealed class WebhookTests
{
    private static string VipCart(string deliveryId = "d-1") =>
        Webhooks.Sample("vip-cart-abandoned.json", j => j["delivery_id"] = deliveryId);

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> SendAsync(HostApp app, HttpRequestMessage request)
    {
        using var client = app.CreateClient();
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<long> InboxTotalAsync(HostApp app) => (await app.HealthAsync()).GetProperty("inbox_total").GetInt64();

    [Fact]
    public async Task Journey_GoodSecret_Accepted202AndStored()
    {
        using var app = new HostApp();

        var (status, body, _) = await SendAsync(app, Webhooks.Journey(VipCart()));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal(1, await InboxTotalAsync(app));
    }

    [Theory]
    [InlineData(null, "missing-credential")]
    [InlineData("", "missing-credential")]
    [InlineData("test-journey-secret-012345678X", "bad-credential")]
    [InlineData("short", "bad-credential")]
    public async Task Journey_MissingOrWrongSecret_Rejected401AndNothingStored(string? secret, string problem)
    {
        using var app = new HostApp();

        var (status, body, contentType) = await SendAsync(app, Webhooks.Journey(VipCart(), secret));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.EndsWith("/" + problem, body.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await InboxTotalAsync(app));
    }

    [Fact]
    public async Task Journey_Redelivery_AnsweredDuplicateAndEscalatedOnce()
    {
        using var app = new HostApp();

        var first = await SendAsync(app, Webhooks.Journey(VipCart("same-id")));
        var second = await SendAsync(app, Webhooks.Journey(VipCart("same-id")));
        var health = await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal("duplicate", second.Body.GetProperty("status").GetString());
        Assert.Equal(1, health.GetProperty("inbox_total").GetInt64());
        Assert.Equal(1, health.GetProperty("sent").GetInt64());
        Assert.Single(app.Preview.Messages);
    }

    [Theory]
    [InlineData("text/plain", "{}", HttpStatusCode.UnsupportedMediaType, "unsupported-media-type")]
    [InlineData("application/json", "{\"customer\": {", HttpStatusCode.BadRequest, "malformed-json")]
    [InlineData("application/json", "[1, 2]", (HttpStatusCode)422, "invalid-payload")]
    [InlineData("application/json", "{\"delivery_id\": \"x\", \"customer\": {\"id\": \"c1\"}}", (HttpStatusCode)422, "invalid-payload")]
    [InlineData("application/json", "{\"customer\": {\"id\": \"c1\"}, \"event\": {\"name\": \"checkout_abandoned\"}}", (HttpStatusCode)422, "invalid-payload")]
    public async Task Journey_BadInput_PreciseProblemAndNothingStored(string contentType, string body, HttpStatusCode expected, string problem)
    {
        using var app = new HostApp();

        var (status, response, mediaType) = await SendAsync(app, Webhooks.Journey(body, contentType: contentType));

        Assert.Equal(expected, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.EndsWith("/" + problem, response.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(response.GetProperty("detail").GetString()));
        Assert.Equal(0, await InboxTotalAsync(app));
    }

    [Fact]
    public async Task Journey_OversizedBody_Rejected413()
    {
        using var app = new HostApp();
        var big = Webhooks.Sample("vip-cart-abandoned.json", j => j["customer"]!["notes"] = new string('x', 70_000));

        var (status, body, _) = await SendAsync(app, Webhooks.Journey(big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("65536", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await InboxTotalAsync(app));
    }

    private static string ReportingBody(string eventId = "01HREPORT0000000000000001") => new JsonObject
    {
        ["event_id"] = eventId,
        ["object_type"] = "email",
        ["metric"] = "bounced",
        ["timestamp"] = HostApp.Start.ToUnixTimeSeconds(),
        ["data"] = new JsonObject { ["identifiers"] = new JsonObject { ["id"] = "cus_1001", ["cio_id"] = "a3f00012" }, ["delivery_id"] = "dlv_1" },
    }.ToJsonString();

    [Fact]
    public async Task Reporting_ValidSignature_Accepted()
    {
        using var app = new HostApp();

        var (status, _, _) = await SendAsync(app, Webhooks.Reporting(ReportingBody(), HostApp.Start));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, await InboxTotalAsync(app));
    }

    [Fact]
    public async Task Reporting_SignatureOverDifferentBody_Rejected()
    {
        using var app = new HostApp();
        var request = Webhooks.Reporting(ReportingBody(), HostApp.Start);
        // Same signature, body re-serialised with different spacing: signatures are over the raw bytes.
        request.Content = new StringContent(JsonNode.Parse(ReportingBody())!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), System.Text.Encoding.UTF8, "application/json");

        var (status, body, _) = await SendAsync(app, request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.EndsWith("/bad-credential", body.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await InboxTotalAsync(app));
    }

    [Theory]
    [InlineData(-301, "stale-timestamp")]
    [InlineData(301, "stale-timestamp")]
    [InlineData(-300, null)]
    [InlineData(300, null)]
    [InlineData(-299, null)]
    [InlineData(0, null)]
    public async Task Reporting_TimestampWindow_IsEnforced(int offsetSeconds, string? problem)
    {
        using var app = new HostApp();

        var (status, body, _) = await SendAsync(app, Webhooks.Reporting(ReportingBody(), HostApp.Start.AddSeconds(offsetSeconds)));

        if (problem is null)
        {
            Assert.Equal(HttpStatusCode.Accepted, status);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.EndsWith("/" + problem, body.GetProperty("type").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reporting_MissingSignature_Rejected()
    {
        using var app = new HostApp();

        var (status, body, _) = await SendAsync(app, Webhooks.Reporting(ReportingBody(), HostApp.Start, sign: false));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("X-CIO-Signature", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reporting_SameEventId_StoredOnce()
    {
        using var app = new HostApp();

        await SendAsync(app, Webhooks.Reporting(ReportingBody("01HSAME"), HostApp.Start));
        var (status, body, _) = await SendAsync(app, Webhooks.Reporting(ReportingBody("01HSAME"), HostApp.Start));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("duplicate", body.GetProperty("status").GetString());
        Assert.Equal(1, await InboxTotalAsync(app));
    }

    private static JsonObject Track(string messageId, string userId = "cus_1001") => new()
    {
        ["type"] = "track",
        ["messageId"] = messageId,
        ["userId"] = userId,
        ["event"] = "checkout_abandoned",
        ["timestamp"] = "2026-11-28T13:30:00Z",
        ["properties"] = new JsonObject { ["checkout_id"] = "chk_" + messageId, ["cart_value"] = 20 },
    };

    [Fact]
    public async Task Pipelines_SignedBatch_EachEventStoredOnceAcrossRedelivery()
    {
        using var app = new HostApp();
        var batch = new JsonObject { ["batch"] = new JsonArray(Track("m1"), Track("m2"), Track("m3")) }.ToJsonString();
        var redelivered = new JsonObject { ["batch"] = new JsonArray(Track("m3"), Track("m4")) }.ToJsonString();

        var first = await SendAsync(app, Webhooks.Pipelines(batch));
        var second = await SendAsync(app, Webhooks.Pipelines(redelivered));

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(3, first.Body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, second.Body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, second.Body.GetProperty("duplicates").GetInt32());
        Assert.Equal(4, await InboxTotalAsync(app));
    }

    [Fact]
    public async Task Pipelines_SnakeCaseKeysAndSingleEvent_Accepted()
    {
        using var app = new HostApp();
        var body = new JsonObject { ["type"] = "identify", ["message_id"] = "m-snake", ["user_id"] = "cus_9", ["traits"] = new JsonObject { ["vip"] = true } }.ToJsonString();

        var (status, _, _) = await SendAsync(app, Webhooks.Pipelines(body));

        Assert.Equal(HttpStatusCode.Accepted, status);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-secret-wrong-secret-123", HttpStatusCode.Unauthorized)]
    public async Task Pipelines_BadSignature_Rejected(string? secret, HttpStatusCode expected)
    {
        using var app = new HostApp();
        var body = Track("m1").ToJsonString();
        var request = Webhooks.Pipelines(body, secret);

        var (status, _, _) = await SendAsync(app, request);

        Assert.Equal(expected, status);
        Assert.Equal(0, await InboxTotalAsync(app));
    }

    [Theory]
    [InlineData(1000, HttpStatusCode.Accepted)]
    [InlineData(1001, (HttpStatusCode)422)]
    public async Task Pipelines_BatchAtTheLimit_Accepted_OneOver_RefusedWhole(int events, HttpStatusCode expected)
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["CustomerIo:MaxBodyBytes"] = "1048576" });
        var batch = new JsonObject { ["batch"] = new JsonArray([.. Enumerable.Range(0, events).Select(i => (JsonNode)Track($"m{i}"))]) }.ToJsonString();

        var (status, body, _) = await SendAsync(app, Webhooks.Pipelines(batch));

        Assert.Equal(expected, status);
        Assert.Equal(expected == HttpStatusCode.Accepted ? events : 0, await InboxTotalAsync(app));
        if (expected == HttpStatusCode.Accepted) Assert.Equal(events, body.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Pipelines_BatchOverLimitOrEventWithoutId_RejectedWhole()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["CustomerIo:MaxBodyBytes"] = "1048576" });
        var tooMany = new JsonObject { ["batch"] = new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode)new JsonObject { ["type"] = "track", ["messageId"] = $"m{i}", ["event"] = "x" }).ToArray()) };
        var missingId = new JsonObject { ["batch"] = new JsonArray(Track("ok1"), new JsonObject { ["type"] = "track", ["event"] = "x" }) };

        var a = await SendAsync(app, Webhooks.Pipelines(tooMany.ToJsonString()));
        var b = await SendAsync(app, Webhooks.Pipelines(missingId.ToJsonString()));

        Assert.Equal((HttpStatusCode)422, a.Status);
        Assert.Contains("1000", a.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode)422, b.Status);
        Assert.Contains("event 1's \"messageId\" is missing", b.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await InboxTotalAsync(app));
    }

    [Fact]
    public async Task Source_WithoutSecret_IsSwitchedOff()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["CustomerIo:PipelinesSecret"] = "" });

        var (status, body, _) = await SendAsync(app, Webhooks.Pipelines(Track("m1").ToJsonString(), "anything-anything-anything"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("CustomerIo:PipelinesSecret", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
