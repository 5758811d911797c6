using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>
/// Edges of the webhook contract: blank ids, duplicate keys, charsets, empty batches and deep nesting each get a
/// precise 4xx (never a 5xx, never "duplicate") and store nothing.
/// </summary>
public sealed class ProtocolEdgeTests
{
    private static async Task AssertRejectedAsync(HostApp app, Reply reply, int status, string? detailContains = null)
    {
        Assert.False(reply.Is5xx, reply.ToString());
        Assert.True(status == reply.Status, $"expected {status}, got {reply}");
        Assert.Equal("application/problem+json", reply.MediaType);
        if (detailContains is not null) Assert.Contains(detailContains, reply.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await HostileClient.InboxTotalAsync(app));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("   ")]
    [InlineData("\t")]
    [InlineData("\r\n")]
    [InlineData("\u00a0")]
    [InlineData("\u2003")]
    public async Task Journey_WhitespaceOnlyDeliveryId_Rejected422(string deliveryId)
    {
        using var app = new HostApp();
        var body = Seeds.VipCart("x");
        body["delivery_id"] = deliveryId;

        var reply = await HostileClient.SendAsync(app, Signed.For(Endpoint.Journey, body.ToJsonString(), app.Time.GetUtcNow()));

        await AssertRejectedAsync(app, reply, 422, "delivery_id");
    }

    public static TheoryData<string, string, string> DuplicateKeyCases() => new()
    {
        { "journey", "{\"delivery_id\":\"a\",\"delivery_id\":\"b\",\"customer\":{\"id\":\"c1\"},\"event\":{\"name\":\"checkout_abandoned\",\"data\":{}}}", "delivery_id" },
        { "journey", "{\"delivery_id\":\"a\",\"delivery\\u005fid\":\"b\",\"customer\":{\"id\":\"c1\"},\"event\":{\"name\":\"checkout_abandoned\",\"data\":{}}}", "delivery_id" },
        { "journey", "{\"delivery_id\":\"a\",\"customer\":{\"id\":\"c1\",\"first_name\":\"A\",\"first_name\":\"<!channel>\"},\"event\":{\"name\":\"checkout_abandoned\",\"data\":{}}}", "first_name" },
        { "journey", "{\"delivery_id\":\"a\",\"customer\":{\"id\":\"c1\"},\"event\":{\"name\":\"checkout_abandoned\",\"data\":{\"cart_value\":1,\"cart_value\":999}}}", "cart_value" },
        { "journey", "{\"delivery_id\":\"a\",\"customer\":{\"id\":\"c1\"},\"event\":{\"name\":\"checkout_abandoned\",\"data\":{\"items\":[{\"sku\":\"A\",\"sku\":\"B\"}]}}}", "sku" },
        { "journey", "{\"delivery_id\":\"a\",\"customer\":{\"id\":\"c1\"},\"customer\":{\"id\":\"c2\"},\"event\":{\"name\":\"checkout_abandoned\",\"data\":{}}}", "customer" },
        { "reporting", "{\"event_id\":\"01HA\",\"event_id\":\"01HB\",\"object_type\":\"email\",\"metric\":\"bounced\",\"timestamp\":1795870800,\"data\":{}}", "event_id" },
        { "reporting", "{\"event_id\":\"01HA\",\"object_type\":\"email\",\"metric\":\"bounced\",\"timestamp\":1795870800,\"data\":{\"identifiers\":{\"id\":\"c1\",\"id\":\"c2\"}}}", "id" },
        { "pipelines", "{\"type\":\"track\",\"messageId\":\"m1\",\"messageId\":\"m2\",\"userId\":\"c1\",\"event\":\"checkout_abandoned\"}", "messageId" },
        { "pipelines", "{\"batch\":[{\"type\":\"identify\",\"messageId\":\"m1\",\"userId\":\"c1\",\"traits\":{\"vip\":true,\"vip\":false}}]}", "vip" },
        { "pipelines", "{\"batch\":[{\"type\":\"identify\",\"messageId\":\"m1\",\"userId\":\"c1\"}],\"batch\":[]}", "batch" },
    };

    [Theory]
    [MemberData(nameof(DuplicateKeyCases))]
    public async Task Webhook_DuplicateKeyAtAnyDepth_Rejected422NamingTheKey(string endpoint, string body, string key)
    {
        using var app = new HostApp();

        var reply = await HostileClient.SendAsync(app, Signed.For(Enum.Parse<Endpoint>(endpoint, ignoreCase: true), body, app.Time.GetUtcNow()));

        await AssertRejectedAsync(app, reply, 422, key);
    }

    [Theory]
    [InlineData("journey", "application/json; charset=utf-16")]
    [InlineData("journey", "application/json; charset=UTF-16LE")]
    [InlineData("journey", "application/json; charset=iso-8859-1")]
    [InlineData("journey", "application/json;charset=us-ascii")]
    [InlineData("journey", "application/json; charset=\"utf-16\"")]
    [InlineData("reporting", "application/json; charset=utf-16")]
    [InlineData("reporting", "application/json; charset=windows-1252")]
    [InlineData("pipelines", "application/json; charset=utf-16")]
    [InlineData("pipelines", "application/json; charset=UTF-32")]
    public async Task Webhook_CharsetOtherThanUtf8_Rejected415(string endpoint, string contentType)
    {
        using var app = new HostApp();
        var e = Enum.Parse<Endpoint>(endpoint, ignoreCase: true);
        var body = e switch { Endpoint.Journey => Seeds.VipCart("cs"), Endpoint.Reporting => Seeds.Reporting("01HCS"), _ => Seeds.Track("m-cs") };

        var reply = await HostileClient.SendAsync(app, Signed.For(e, body.ToJsonString(), app.Time.GetUtcNow(), contentType));

        await AssertRejectedAsync(app, reply, 415);
    }

    [Theory]
    [InlineData("journey", "application/json")]
    [InlineData("journey", "application/json; charset=utf-8")]
    [InlineData("journey", "application/json; charset=UTF-8")]
    [InlineData("journey", "application/json;charset=Utf-8")]
    [InlineData("journey", "application/json; charset=\"utf-8\"")]
    [InlineData("reporting", "application/json; charset=UTF-8")]
    [InlineData("pipelines", "application/json; charset=utf-8")]
    public async Task Webhook_Utf8OrNoCharset_Accepted202(string endpoint, string contentType)
    {
        using var app = new HostApp();
        var e = Enum.Parse<Endpoint>(endpoint, ignoreCase: true);
        var body = e switch { Endpoint.Journey => Seeds.VipCart("cs"), Endpoint.Reporting => Seeds.Reporting("01HCS"), _ => Seeds.Track("m-cs") };

        var reply = await HostileClient.SendAsync(app, Signed.For(e, body.ToJsonString(), app.Time.GetUtcNow(), contentType));

        Assert.Equal(202, reply.Status);
    }

    [Theory]
    [InlineData("{\"batch\": []}")]
    [InlineData("{\"batch\":[],\"type\":\"track\",\"messageId\":\"m1\"}")]
    public async Task Pipelines_EmptyBatch_Rejected422NotDuplicate(string body)
    {
        using var app = new HostApp();

        var reply = await HostileClient.SendAsync(app, Signed.For(Endpoint.Pipelines, body, app.Time.GetUtcNow()));

        await AssertRejectedAsync(app, reply, 422, "batch");
    }

    private static string Nested(int depth, string open, string close, string inner = "1") =>
        string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));

    public static TheoryData<string, string> TooDeepCases()
    {
        var arrays = Nested(10_000, "[", "]");
        var objects = Nested(5_000, "{\"a\":", "}");
        return new TheoryData<string, string>
        {
            { "journey", arrays },
            { "journey", objects },
            { "journey", "{\"delivery_id\":\"deep\",\"customer\":{\"id\":\"c1\",\"notes\":" + arrays + "},\"event\":{\"name\":\"checkout_abandoned\",\"data\":{}}}" },
            { "reporting", arrays },
            { "reporting", "{\"event_id\":\"01HDEEP\",\"object_type\":\"email\",\"metric\":\"bounced\",\"timestamp\":1795870800,\"data\":" + objects + "}" },
            { "pipelines", arrays },
            { "pipelines", "{\"batch\":" + arrays + "}" },
            { "pipelines", "{\"type\":\"identify\",\"messageId\":\"m-deep\",\"userId\":\"c1\",\"traits\":{\"x\":" + arrays + "}}" },
        };
    }

    [Theory]
    [MemberData(nameof(TooDeepCases))]
    public async Task Webhook_TooDeeplyNestedJson_Rejected400(string endpoint, string body)
    {
        using var app = new HostApp();

        var reply = await HostileClient.SendAsync(app, Signed.For(Enum.Parse<Endpoint>(endpoint, ignoreCase: true), body, app.Time.GetUtcNow()));

        await AssertRejectedAsync(app, reply, 400);
    }

    /// <summary>
    /// Nesting just under the parser's limit is accepted at the door, but the normalizer wraps reporting and Data
    /// Pipelines data in an envelope one or two levels deeper and parses it again. Whatever the door accepts must then
    /// be read and evaluated — not wedge, not throw, and not be recorded as "unreadable" (accepted with 202, then
    /// silently never evaluated). Found by the fuzzer: reporting data 62 levels deep, Pipelines properties 61 deep.
    /// </summary>
    [Theory]
    [InlineData("journey", 58)]
    [InlineData("journey", 60)]
    [InlineData("journey", 61)]
    [InlineData("journey", 62)]
    [InlineData("reporting", 58)]
    [InlineData("reporting", 59)]
    [InlineData("reporting", 60)]
    [InlineData("reporting", 61)]
    [InlineData("reporting", 62)]
    [InlineData("pipelines", 58)]
    [InlineData("pipelines", 59)]
    [InlineData("pipelines", 60)]
    [InlineData("pipelines", 61)]
    [InlineData("pipelines", 62)]
    public async Task Webhook_NestingJustUnderTheLimit_AcceptedBodiesAreProcessed(string endpoint, int depth)
    {
        using var app = new HostApp();
        var e = Enum.Parse<Endpoint>(endpoint, ignoreCase: true);
        var deep = Nested(depth, "[", "]");
        var body = e switch
        {
            Endpoint.Journey => "{\"delivery_id\":\"deep\",\"customer\":{\"id\":\"c1\",\"notes\":" + deep + "},\"event\":{\"name\":\"checkout_abandoned\",\"data\":{}}}",
            Endpoint.Reporting => "{\"event_id\":\"deep\",\"object_type\":\"email\",\"metric\":\"bounced\",\"timestamp\":1795870800,\"data\":{\"identifiers\":{\"id\":\"c1\"},\"campaign_id\":" + deep + "}}",
            _ => "{\"type\":\"track\",\"messageId\":\"deep\",\"userId\":\"c1\",\"event\":\"checkout_abandoned\",\"properties\":{\"y\":" + deep + "}}",
        };

        var reply = await HostileClient.SendAsync(app, Signed.For(e, body, app.Time.GetUtcNow()));

        Assert.False(reply.Is5xx, reply.ToString());
        Assert.True(reply.Status is 202 or 400, reply.ToString());
        var health = await HostileClient.DrainBoundedAsync(app);
        Assert.Equal(0, health.GetProperty("inbox_pending").GetInt64());
        if (reply.Status == 202)
        {
            var decisions = (await HostileClient.DecisionsAsync(app, "deep", endpoint))!.Value;
            Assert.True(decisions.GetProperty("processed").GetBoolean());
            Assert.DoesNotContain(decisions.GetProperty("decisions").EnumerateArray(), d => d.GetProperty("outcome").GetString() == "unreadable");
        }
    }

    /// <summary>A body sent without Content-Length (chunked): the limit is enforced while reading, not from the header.</summary>
    [Theory]
    [InlineData(60_000, 202)]
    [InlineData(65_536, 202)]
    [InlineData(65_537, 413)]
    [InlineData(300_000, 413)]
    public async Task Journey_ChunkedBodyWithoutContentLength_LimitEnforcedWhileReading(int size, int expected)
    {
        using var app = new HostApp();
        var body = Seeds.VipCart("chunked");
        body["customer"]!["notes"] = "";
        var padding = size - System.Text.Encoding.UTF8.GetByteCount(body.ToJsonString());
        body["customer"]!["notes"] = new string('x', padding);
        var bytes = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
        Assert.Equal(size, bytes.Length);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/customerio/journey") { Content = new StreamContent(new UnknownLengthStream(bytes)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.Add("X-Webhook-Secret", HostApp.JourneySecret);

        var reply = await HostileClient.SendAsync(app, request);

        Assert.False(reply.Is5xx, reply.ToString());
        Assert.True(reply.Status == expected, $"expected {expected}, got {reply}");
        Assert.Equal(expected == 202 ? 1 : 0, await HostileClient.InboxTotalAsync(app));
    }

    /// <summary>A stream that cannot tell its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }

    [Fact]
    public async Task Journey_SameDeliveryIdSentConcurrently_StoredOnceAndEscalatedOnce()
    {
        using var app = new HostApp();
        var body = Seeds.VipCart("concurrent").ToJsonString();

        var replies = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => HostileClient.SendAsync(app, Signed.For(Endpoint.Journey, body, app.Time.GetUtcNow()))));
        var health = await HostileClient.DrainBoundedAsync(app);

        Assert.Single(replies, r => r.Status == 202);
        Assert.Equal(29, replies.Count(r => r.Status == 200));
        Assert.Equal(1, health.GetProperty("inbox_total").GetInt64());
        Assert.Single(app.Preview.Messages);
    }

    /// <summary>The shipped playbooks plus one on a reporting metric (none ships one): an email bounce for a known customer.</summary>
    private static PlaybookCopy WithBouncePlaybook() => new PlaybookCopy()
        .Replace("data-model.yaml", "  nps_submitted:\n", "  email_bounced:\n    description: A message to the customer bounced (a reporting webhook).\n    properties:\n      delivery_id: string\n  nps_submitted:\n")
        .Write("email-bounce.yaml", """
            # yaml-language-server: $schema=../schemas/playbook.schema.json
            description: A bounced email means a customer we can no longer reach by email.
            trigger:
              event: email_bounced
            route:
              - default: cx-escalations
            owner: retention-lead
            sla: 1d
            guardrails: { cooldown: 30d, daily_cap: 50 }
            message:
              title: "Email bounced"
              next_step: Find another way to reach them.
            """);

    [Theory]
    [InlineData("reporting")]
    [InlineData("pipelines")]
    public async Task SameDeliveryIdSentConcurrently_StoredOnceAndDecidedOnce(string source)
    {
        using var playbooks = WithBouncePlaybook();
        using var app = new HostApp(playbooks.Path);
        var (endpoint, id, body, playbook) = source == "reporting"
            ? (Endpoint.Reporting, "01HCONCURRENTBOUNCE", Seeds.Reporting("01HCONCURRENTBOUNCE").ToJsonString(), "email-bounce")
            : (Endpoint.Pipelines, "m-concurrent", Seeds.Track("m-concurrent").ToJsonString(), "vip-cart-abandonment");

        var replies = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => HostileClient.SendAsync(app, Signed.For(endpoint, body, app.Time.GetUtcNow()))));
        var health = await HostileClient.DrainBoundedAsync(app);
        var decisions = await HostileClient.DecisionsAsync(app, id, source);

        Assert.Single(replies, r => r.Status == 202);
        Assert.Equal(29, replies.Count(r => r.Status == 200));
        Assert.Equal(1, health.GetProperty("inbox_total").GetInt64());
        Assert.True(decisions is not null, $"{source} delivery {id} was not stored");
        Assert.True(decisions.Value.GetProperty("processed").GetBoolean(), decisions.ToString());
        var escalated = Assert.Single(decisions.Value.GetProperty("decisions").EnumerateArray(), d => d.GetProperty("outcome").GetString() == "escalated");
        Assert.Equal(playbook, escalated.GetProperty("playbook").GetString());
        Assert.Single(app.Preview.Messages);
    }
}
