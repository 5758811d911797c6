using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>
/// A record that still throws during processing is taken out of the way (quarantined), not retried forever:
/// later webhooks are processed, GET /quarantine says which record and why without customer data, and /health
/// is degraded while any record is quarantined.
/// </summary>
public sealed class QuarantineTests
{
    /// <summary>An attribute-change playbook, so the processor reads the customer's last-seen attributes from the store.</summary>
    private static PlaybookCopy WithAttributePlaybook() => PlaybookCopy.WithSubscriptionPaused();

    /// <summary>
    /// A last-seen attributes row that is JSON but not an object (a hand edit, a bad migration): reading it throws
    /// inside processing, after the door has accepted the webhook — the only reliable way to make processing throw
    /// from outside the product code.
    /// </summary>
    private static async Task CorruptLastSeenAttributesAsync(HostApp app, string customerId)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO customer_attributes (customer_id, attributes, updated_at) VALUES ($id, '[\"not an object\"]', 0)";
        command.Parameters.AddWithValue("$id", customerId);
        await command.ExecuteNonQueryAsync();
    }

    private static string Identify(string messageId, string customerId) => new JsonObject
    {
        ["type"] = "identify",
        ["messageId"] = messageId,
        ["userId"] = customerId,
        ["timestamp"] = "2026-11-28T13:40:00Z",
        ["traits"] = new JsonObject { ["subscription_status"] = "paused", ["ltv"] = 420, ["first_name"] = "Quinta", ["email"] = "quinta@example.com", ["cio_id"] = "a3f0q777" },
    }.ToJsonString();

    [Fact]
    public async Task Health_NothingQuarantined_ReportsZeroAndOk()
    {
        using var app = new HostApp();

        var health = await app.HealthAsync();

        Assert.True(health.TryGetProperty("quarantined", out var q), "/health has no \"quarantined\": " + health);
        Assert.Equal(0, q.GetInt64());
        Assert.Equal("ok", health.GetProperty("status").GetString());
        using var client = app.CreateClient();
        var list = await client.GetFromJsonAsync<JsonElement>("/quarantine");
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        Assert.Equal(0, list.GetArrayLength());
    }

    [Fact]
    public async Task InboxWorker_RecordThatThrows_QuarantinedAndLaterWebhooksStillProcessed()
    {
        using var playbooks = WithAttributePlaybook();
        using var app = new HostApp(playbooks.Path);
        using var client = app.CreateClient();
        await app.HealthAsync(); // the store exists once the host has started
        await CorruptLastSeenAttributesAsync(app, "cus_q777");

        var poisoned = await HostileClient.SendAsync(client, Signed.For(Endpoint.Pipelines, Identify("m-quarantine", "cus_q777"), app.Time.GetUtcNow()));
        var valid = await HostileClient.SendAsync(client, Signed.For(Endpoint.Journey, Seeds.VipCart("after-quarantine").ToJsonString(), app.Time.GetUtcNow()));
        var health = await HostileClient.DrainBoundedAsync(app);

        Assert.Equal(202, poisoned.Status);
        Assert.Equal(202, valid.Status);
        Assert.Equal(0, health.GetProperty("inbox_pending").GetInt64());
        Assert.Equal(1, health.GetProperty("quarantined").GetInt64());
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains(app.Preview.Messages, m => m.Playbook == "vip-cart-abandonment");

        using var response = await client.GetAsync("/quarantine");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        Assert.Equal(JsonValueKind.Number, entry.GetProperty("inbox_id").ValueKind);
        Assert.Equal("pipelines", entry.GetProperty("source").GetString(), ignoreCase: true);
        Assert.Equal("m-quarantine", entry.GetProperty("delivery_id").GetString());
        Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("reason").GetString()));
        var at = entry.GetProperty("quarantined_at").GetDateTimeOffset();
        Assert.InRange(at, HostApp.Start, app.Time.GetUtcNow());
        foreach (var personal in new[] { "cus_q777", "Quinta", "quinta@example.com", "a3f0q777" })
        {
            Assert.DoesNotContain(personal, text, StringComparison.Ordinal);
        }
    }
}
