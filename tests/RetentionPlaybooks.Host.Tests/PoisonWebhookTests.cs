using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// One bad webhook must never stop the others: absurd values read as missing, unreadable bodies are refused at the
/// door, and a record whose processing still fails is quarantined, reported, and stepped over.
/// </summary>
public sealed class PoisonWebhookTests
{
    private static string Delayed(string id, Action<JsonObject>? change = null) => Webhooks.Sample("delivery-delayed.json", j =>
    {
        j["delivery_id"] = id;
        j["customer"]!["id"] = "cus_" + id;
        j["event"]!["data"]!["order_id"] = "ord_" + id;
        change?.Invoke(j);
    });

    private static async Task<HttpStatusCode> PostAsync(HostApp app, string body)
    {
        using var client = app.CreateClient();
        using var response = await client.SendAsync(Webhooks.Journey(body));
        return response.StatusCode;
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("-10000000000000")]
    [InlineData("1764337320000000")]
    [InlineData("\"99999-01-01T00:00:00Z\"")]
    public async Task Journey_TimestampOutOfAnySaneRange_ReadsAsMissing_AndTheMessageShowsItsDefault(string newEta)
    {
        using var app = new HostApp();

        var status = await PostAsync(app, Delayed("eta", j =>
        {
            j["event"]!["data"]!["new_eta"] = JsonNode.Parse(newEta);
            j["customer"]!["last_refund_at"] = JsonNode.Parse(newEta);
        }));
        var health = await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(0, health.GetProperty("quarantined").GetInt64());
        var message = Assert.Single(app.Preview.Messages).Message.ToJsonString();
        Assert.Contains("not known", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("99999999999999999999")]
    [InlineData("-1e15")]
    public async Task Journey_SignalTimestampOutOfRange_Accepted_NotA500(string timestamp)
    {
        using var app = new HostApp();

        var status = await PostAsync(app, Delayed("ts", j => j["timestamp"] = JsonNode.Parse(timestamp)));
        var health = await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Single(app.Preview.Messages);
        Assert.Equal(0, health.GetProperty("quarantined").GetInt64());
    }

    [Fact]
    public async Task Journey_InvalidUtf8InAName_Refused400_NothingStored()
    {
        using var app = new HostApp();
        var text = Delayed("utf8", j => j["customer"]!["first_name"] = "AIKO");
        var bytes = Encoding.UTF8.GetBytes(text);
        var at = text.IndexOf("AIKO", StringComparison.Ordinal);
        bytes[at + 1] = 0xC3; // a lead byte followed by ASCII: not UTF-8
        bytes[at + 2] = 0x28;
        using var request = Webhooks.Journey("{}");
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new("application/json");

        using var client = app.CreateClient();
        using var response = await client.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid UTF-8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await app.HealthAsync()).GetProperty("inbox_total").GetInt64());
    }

    [Fact]
    public async Task StoredPoison_IsQuarantinedWithItsReason_AndTheWebhooksBehindItStillReachSlack()
    {
        using var app = new HostApp();
        var store = app.Services.GetRequiredService<IStore>();
        // Bodies a host before these checks accepted: not UTF-8 inside a string, and not JSON at all.
        var badUtf8 = Encoding.UTF8.GetBytes(Delayed("old-1", j => j["customer"]!["first_name"] = "AIKO"));
        var at = Encoding.UTF8.GetString(badUtf8).IndexOf("AIKO", StringComparison.Ordinal);
        badUtf8[at] = 0xFF;
        await store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "old-1", badUtf8), new InboxItem(SignalSource.Journey, "old-2", "{\"customer\": "u8.ToArray())], CancellationToken.None);

        var status = await PostAsync(app, Delayed("fresh"));
        var health = await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("post-purchase-risk", Assert.Single(app.Preview.Messages).Playbook);
        Assert.Equal(0, health.GetProperty("inbox_pending").GetInt64());
        Assert.Equal(2, health.GetProperty("quarantined").GetInt64());
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains(health.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("2 webhook(s) quarantined", StringComparison.Ordinal));

        using var client = app.CreateClient();
        var quarantined = await client.GetFromJsonAsync<JsonElement>("/quarantine");
        Assert.Equal(["old-2", "old-1"], quarantined.EnumerateArray().Select(q => q.GetProperty("delivery_id").GetString()));
        var reasons = quarantined.EnumerateArray().Select(q => q.GetProperty("reason").GetString()!).ToList();
        Assert.All(reasons, r => Assert.DoesNotContain("AIKO", r, StringComparison.Ordinal));
        Assert.StartsWith("JsonReaderException", reasons[0], StringComparison.Ordinal);
        Assert.Contains("while normalizing the payload", reasons[0], StringComparison.Ordinal);
        Assert.StartsWith("InvalidOperationException", reasons[1], StringComparison.Ordinal);
        var decisions = await client.GetFromJsonAsync<JsonElement>("/decisions?delivery_id=old-1");
        Assert.Equal("quarantined", decisions.GetProperty("decisions")[0].GetProperty("outcome").GetString());
    }
}
