using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>
/// Correctly authenticated bodies whose numbers and dates are out of range, or whose bytes are not UTF-8. None
/// may get a 5xx, none may wedge the inbox: out-of-range values read as missing, invalid UTF-8 is refused at the
/// door with 400 and nothing stored.
/// </summary>
public sealed class PoisonWebhookTests
{
    /// <summary>The VIP cart sample with one raw JSON value put in place of last_refund_at's "".</summary>
    private static string VipCartWithRefund(string deliveryId, string rawValue) =>
        Seeds.VipCart(deliveryId).ToJsonString().Replace("\"last_refund_at\":\"\"", "\"last_refund_at\":" + rawValue, StringComparison.Ordinal);

    private static string WithTimestamp(JsonObject body, string rawValue)
    {
        body["timestamp"] = "@@TS@@";
        return body.ToJsonString().Replace("\"@@TS@@\"", rawValue, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ProcessedDecisionsAsync(HostApp app, string deliveryId, string source = "journey")
    {
        await HostileClient.DrainBoundedAsync(app);
        var decisions = await HostileClient.DecisionsAsync(app, deliveryId, source);
        Assert.True(decisions is not null, $"{source} delivery {deliveryId} was not stored");
        Assert.True(decisions.Value.GetProperty("processed").GetBoolean(), $"{source} delivery {deliveryId} was not processed: {decisions}");
        return decisions.Value;
    }

    private static string? EscalationOf(JsonElement decisions, string playbook) =>
        decisions.GetProperty("decisions").EnumerateArray()
            .Where(d => d.GetProperty("playbook").GetString() == playbook && d.GetProperty("outcome").GetString() == "escalated")
            .Select(d => d.GetProperty("escalation_id").GetString())
            .FirstOrDefault();

    [Theory]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("-10000000000000")]
    [InlineData("10000000000000000")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("\"1e300\"")]
    public async Task Journey_OutOfRangeLastRefundAt_Accepted202ProcessedAndExclusionReadsMissing(string rawValue)
    {
        using var app = new HostApp();

        var reply = await HostileClient.SendAsync(app, Signed.For(Endpoint.Journey, VipCartWithRefund("refund-oor", rawValue), app.Time.GetUtcNow()));

        Assert.Equal(202, reply.Status);
        var decisions = await ProcessedDecisionsAsync(app, "refund-oor");
        // "customer.last_refund_at within 30d" on a missing value is false: not excluded, so the VIP cart escalates.
        var escalation = EscalationOf(decisions, "vip-cart-abandonment");
        Assert.True(escalation is not null, "expected an escalation: " + decisions);
        Assert.Contains(app.Preview.Messages, m => m.EscalationId == escalation);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("-10000000000000")]
    [InlineData("99999999999999999999")]
    public async Task Journey_OutOfRangeNewEta_ProcessedAndTemplateShowsDefault(string rawValue)
    {
        using var app = new HostApp();
        var body = Seeds.DeliveryDelayed("eta-oor").ToJsonString().Replace("\"new_eta\":\"2026-12-02T18:00:00Z\"", "\"new_eta\":" + rawValue, StringComparison.Ordinal);

        var reply = await HostileClient.SendAsync(app, Signed.For(Endpoint.Journey, body, app.Time.GetUtcNow()));

        Assert.Equal(202, reply.Status);
        var decisions = await ProcessedDecisionsAsync(app, "eta-oor");
        var escalation = EscalationOf(decisions, "post-purchase-risk");
        Assert.True(escalation is not null, "expected an escalation: " + decisions);
        var message = Assert.Single(app.Preview.Messages, m => m.EscalationId == escalation).Message.ToJsonString();
        Assert.Contains("not known", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999999999999999999")]
    [InlineData("-1e15")]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("9223372036854775807")]
    [InlineData("\"99999999999999999999\"")]
    public async Task Journey_OutOfRangeEnvelopeTimestamp_Accepted202AndProcessed(string rawValue)
    {
        using var app = new HostApp();
        var body = WithTimestamp(Seeds.VipCart("ts-oor"), rawValue);

        var reply = await HostileClient.SendAsync(app, Signed.For(Endpoint.Journey, body, app.Time.GetUtcNow()));

        Assert.False(reply.Is5xx, reply.ToString());
        Assert.Equal(202, reply.Status);
        var decisions = await ProcessedDecisionsAsync(app, "ts-oor");
        Assert.NotNull(EscalationOf(decisions, "vip-cart-abandonment"));
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("1764337320000000")]
    [InlineData("99999999999999999999")]
    public async Task Reporting_OutOfRangeTimestamp_Accepted202AndProcessed(string rawValue)
    {
        using var app = new HostApp();
        var body = WithTimestamp(Seeds.Reporting("01HPOISONTS"), rawValue);

        var reply = await HostileClient.SendAsync(app, Signed.For(Endpoint.Reporting, body, app.Time.GetUtcNow()));

        Assert.Equal(202, reply.Status);
        await ProcessedDecisionsAsync(app, "01HPOISONTS", "reporting");
    }

    [Theory]
    [InlineData("track", "1e300")]
    [InlineData("track", "1764337320000000")]
    [InlineData("track", "\"1764337320000000\"")]
    [InlineData("track", "-1e15")]
    [InlineData("identify", "1e300")]
    [InlineData("identify", "1764337320000000")]
    [InlineData("identify", "99999999999999999999")]
    public async Task Pipelines_OutOfRangeTimestamp_Accepted202AndProcessed(string type, string rawValue)
    {
        using var app = new HostApp();
        var body = WithTimestamp(type == "track" ? Seeds.Track("m-poison") : Seeds.Identify("m-poison"), rawValue);

        var reply = await HostileClient.SendAsync(app, Signed.For(Endpoint.Pipelines, body, app.Time.GetUtcNow()));

        Assert.Equal(202, reply.Status);
        await ProcessedDecisionsAsync(app, "m-poison", "pipelines");
    }

    public static TheoryData<string, string> InvalidUtf8Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var bytes in new[] { "FF", "C328", "EDA080", "C0AF", "E282", "F888808080", "80", "F4908080" })
        {
            data.Add("journey first_name", bytes);
        }
        data.Add("journey key", "FF");
        data.Add("journey event name", "EDB080");
        data.Add("journey delivery_id", "C3");
        data.Add("journey cart item", "FE");
        data.Add("reporting identifiers", "FF");
        data.Add("reporting data", "EDA080");
        data.Add("pipelines traits", "FF");
        data.Add("pipelines batch event", "C328");
        data.Add("pipelines properties key", "80");
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8Cases))]
    public async Task Webhook_InvalidUtf8InBody_Rejected400AndNothingStored(string where, string hex)
    {
        using var app = new HostApp();
        var bad = Convert.FromHexString(hex);
        var now = app.Time.GetUtcNow();
        var (endpoint, body) = where switch
        {
            "journey first_name" => (Endpoint.Journey, Bytes.Replace(Seeds.VipCart("utf8").ToJsonString(), "Maria", [.. "Ma"u8, .. bad, .. "ia"u8])),
            "journey key" => (Endpoint.Journey, Bytes.Replace(Seeds.VipCart("utf8").ToJsonString(), "\"vip_tier\"", [.. "\"vip_"u8, .. bad, .. "\""u8])),
            "journey event name" => (Endpoint.Journey, Bytes.Replace(Seeds.VipCart("utf8").ToJsonString(), "checkout_abandoned", [.. "checkout_abandoned"u8, .. bad])),
            "journey delivery_id" => (Endpoint.Journey, Bytes.Replace(Seeds.VipCart("utf8").ToJsonString(), "\"utf8\"", [.. "\"utf8"u8, .. bad, .. "\""u8])),
            "journey cart item" => (Endpoint.Journey, Bytes.Replace(Seeds.VipCart("utf8").ToJsonString(), "Burr grinder", [.. "Burr "u8, .. bad])),
            "reporting identifiers" => (Endpoint.Reporting, Bytes.Replace(Seeds.Reporting("01HUTF8").ToJsonString(), "maria@", [.. "maria"u8, .. bad, .. "@"u8])),
            "reporting data" => (Endpoint.Reporting, Bytes.Replace(Seeds.Reporting("01HUTF8").ToJsonString(), "j-1", [.. "j-"u8, .. bad])),
            "pipelines traits" => (Endpoint.Pipelines, Bytes.Replace(Seeds.Track("m-utf8").ToJsonString(), "Maria", [.. "Ma"u8, .. bad, .. "ia"u8])),
            "pipelines batch event" => (Endpoint.Pipelines, Bytes.Replace(new JsonObject { ["batch"] = new JsonArray(Seeds.Track("m-ok"), Seeds.Identify("m-utf8")) }.ToJsonString(), "paused", [.. "pau"u8, .. bad, .. "sed"u8])),
            _ => (Endpoint.Pipelines, Bytes.Replace(Seeds.Track("m-utf8").ToJsonString(), "\"checkout_id\"", [.. "\"checkout_"u8, .. bad, .. "id\""u8])),
        };

        var reply = await HostileClient.SendAsync(app, Signed.For(endpoint, body, now));

        Assert.False(reply.Is5xx, reply.ToString());
        Assert.Equal(400, reply.Status);
        Assert.Equal(0, await HostileClient.InboxTotalAsync(app));
    }

    [Fact]
    public async Task Inbox_BurstOfPoisonBodies_LaterValidVipCartStillReachesPreview()
    {
        using var playbooks = PlaybookCopy.Unthrottled();
        using var app = new HostApp(playbooks.Path);
        var now = app.Time.GetUtcNow();
        var poison = new List<(Endpoint, byte[])>();
        var n = 0;
        string Id() => "poison-" + n++;
        foreach (var v in new[] { "1e300", "-1e300", "-10000000000000" }) poison.Add((Endpoint.Journey, Encoding.UTF8.GetBytes(VipCartWithRefund(Id(), v))));
        foreach (var v in new[] { "1e300", "-10000000000000" })
        {
            poison.Add((Endpoint.Journey, Encoding.UTF8.GetBytes(Seeds.DeliveryDelayed(Id()).ToJsonString().Replace("\"new_eta\":\"2026-12-02T18:00:00Z\"", "\"new_eta\":" + v, StringComparison.Ordinal))));
        }
        foreach (var v in new[] { "99999999999999999999", "-1e15", "1e300" }) poison.Add((Endpoint.Journey, Encoding.UTF8.GetBytes(WithTimestamp(Seeds.VipCart(Id()), v))));
        poison.Add((Endpoint.Journey, Bytes.Replace(Seeds.VipCart(Id()).ToJsonString(), "Maria", [0x4D, 0xC3, 0x28, 0xFF])));
        poison.Add((Endpoint.Reporting, Encoding.UTF8.GetBytes(WithTimestamp(Seeds.Reporting(Id()), "1e300"))));
        foreach (var v in new[] { "1e300", "1764337320000000" })
        {
            poison.Add((Endpoint.Pipelines, Encoding.UTF8.GetBytes(WithTimestamp(Seeds.Track(Id()), v))));
            poison.Add((Endpoint.Pipelines, Encoding.UTF8.GetBytes(WithTimestamp(Seeds.Identify(Id()), v))));
        }
        poison.Add((Endpoint.Pipelines, Bytes.Replace(Seeds.Track(Id()).ToJsonString(), "Maria", [0xED, 0xA0, 0x80])));

        var replies = new List<Reply>();
        foreach (var (endpoint, body) in poison) replies.Add(await HostileClient.SendAsync(app, Signed.For(endpoint, body, now)));
        var valid = await HostileClient.SendAsync(app, Signed.For(Endpoint.Journey, Seeds.VipCart("after-the-poison").ToJsonString(), now));
        var health = await HostileClient.DrainBoundedAsync(app);

        Assert.All(replies, r => Assert.False(r.Is5xx, r.ToString()));
        Assert.Equal(202, valid.Status);
        Assert.Equal(0, health.GetProperty("inbox_pending").GetInt64());
        var decisions = await HostileClient.DecisionsAsync(app, "after-the-poison");
        var escalation = EscalationOf(decisions!.Value, "vip-cart-abandonment");
        Assert.True(escalation is not null, "the valid VIP cart did not escalate: " + decisions);
        Assert.Contains(app.Preview.Messages, m => m.EscalationId == escalation);
    }
}
