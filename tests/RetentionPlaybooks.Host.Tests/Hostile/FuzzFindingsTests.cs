using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>
/// Defects the fuzzers found beyond the hostile run's list, each pinned with a minimal input. (The other one,
/// nesting just under the limit accepted and then "unreadable", is in
/// <see cref="ProtocolEdgeTests.Webhook_NestingJustUnderTheLimit_AcceptedBodiesAreProcessed"/>.)
/// </summary>
public sealed class FuzzFindingsTests
{
    /// <summary>
    /// A JSON escape for half a surrogate pair ("\ud800", "\udc00", a reversed pair) is valid JSON grammar and valid
    /// UTF-8 bytes, so it passes a UTF-8 check and JsonDocument.Parse — but System.Text.Json refuses to read it as a
    /// string (InvalidOperationException). Today: a 500 where the door reads the string (event name, event_id,
    /// messageId, timestamp), or 202 and a wedged inbox where only processing reads it (first name, traits,
    /// identifiers). Like invalid UTF-8 it is text that is not Unicode: 400, nothing stored.
    /// </summary>
    public static TheoryData<string, string, string> LoneSurrogateCases() => new()
    {
        { "journey", "customer.first_name", "\"Ma\\ud800ria\"" },
        { "journey", "customer.vip_tier", "\"\\udc00\"" },
        { "journey", "event.name", "\"checkout_abandoned\\udc00\"" },
        { "journey", "timestamp", "\"\\ud800\"" },
        { "journey", "event.data.items.0.name", "\"\\ude00\\ud83d\"" },
        { "reporting", "event_id", "\"01HLONE\\ud800\"" },
        { "reporting", "data.identifiers.email", "\"maria\\ud83d@example.com\"" },
        { "reporting", "data.journey_id", "\"\\udfff\"" },
        { "pipelines", "messageId", "\"m-lone\\ude00\\ud83d\"" },
        { "pipelines", "context.traits.first_name", "\"\\ud800\\ud800\"" },
        { "pipelines", "properties.checkout_id", "\"chk\\udbff\"" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogateCases))]
    public async Task Webhook_LoneSurrogateEscape_Rejected400AndNothingStored(string endpoint, string path, string rawString)
    {
        using var app = new HostApp();
        var e = Enum.Parse<Endpoint>(endpoint, ignoreCase: true);
        var body = BodyWith(e, path, rawString);

        var reply = await HostileClient.SendAsync(app, Signed.For(e, body, app.Time.GetUtcNow()));

        Assert.False(reply.Is5xx, reply.ToString());
        Assert.True(reply.Status == 400, $"expected 400, got {reply}");
        Assert.Equal(0, await HostileClient.InboxTotalAsync(app));
    }

    [Fact]
    public async Task Journey_EscapedSurrogatePairAndOtherEscapes_Accepted202AndProcessed()
    {
        using var app = new HostApp();
        var body = BodyWith(Endpoint.Journey, "customer.first_name", "\"\\ud83d\\ude00 Ma\\u0000ria \\u202e \\ufeff\"");

        var reply = await HostileClient.SendAsync(app, Signed.For(Endpoint.Journey, body, app.Time.GetUtcNow()));
        var health = await HostileClient.DrainBoundedAsync(app);

        Assert.Equal(202, reply.Status);
        Assert.Equal(0, health.GetProperty("inbox_pending").GetInt64());
        var message = Assert.Single(app.Preview.Messages).Message.ToJsonString();
        Assert.Contains("\\uD83D\\uDE00", message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A seed body for the endpoint with one value replaced by raw JSON text (the path must exist).</summary>
    private static string BodyWith(Endpoint endpoint, string path, string rawValue)
    {
        JsonNode body = endpoint switch
        {
            Endpoint.Journey => Seeds.VipCart("lone"),
            Endpoint.Reporting => Seeds.Reporting("01HLONE"),
            _ => Seeds.Track("m-lone"),
        };
        JsonNode parent = body;
        var parts = path.Split('.');
        foreach (var part in parts[..^1]) parent = int.TryParse(part, out var i) ? parent[i]! : parent[part]!;
        var last = parts[^1];
        if (parent is JsonObject o) o[last] = "@@RAW@@";
        else parent[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = "@@RAW@@";
        return body.ToJsonString().Replace("\"@@RAW@@\"", rawValue, StringComparison.Ordinal);
    }
}
