using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.Host.Pipeline;

namespace RetentionPlaybooks.Host.Tests;

public sealed class PayloadScrubberTests
{
    private static long PayloadBytes(HostApp app, string deliveryId)
    {
        using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(payload) FROM inbox WHERE delivery_key = $k";
        command.Parameters.AddWithValue("$k", deliveryId);
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Scrub_AfterTheRetention_BlanksCustomerDataButKeepsDedupeAndDecisions()
    {
        using var app = new HostApp();
        using var client = app.CreateClient();
        var old = Webhooks.Sample("vip-cart-abandoned.json", j => j["delivery_id"] = "old");
        using (var response = await client.SendAsync(Webhooks.Journey(old))) Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.DrainAsync(TimeSpan.FromSeconds(1));
        app.Time.Advance(TimeSpan.FromDays(25));
        var recent = Webhooks.Sample("vip-cart-abandoned.json", j => { j["delivery_id"] = "recent"; j["customer"]!["id"] = "cus_other"; });
        using (var response = await client.SendAsync(Webhooks.Journey(recent))) Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.DrainAsync(TimeSpan.FromSeconds(1));
        app.Time.Advance(TimeSpan.FromDays(6));

        // The hourly run may already have done it when the clock moved; running it again is harmless.
        await app.Services.GetRequiredService<PayloadScrubber>().ScrubAsync(CancellationToken.None);

        Assert.Equal(0, PayloadBytes(app, "old"));
        Assert.True(PayloadBytes(app, "recent") > 100);
        using var redelivery = await client.SendAsync(Webhooks.Journey(old));
        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        var decisions = await client.GetStringAsync("/decisions?delivery_id=old");
        Assert.Contains("\"outcome\":\"escalated\"", decisions, StringComparison.Ordinal);
        Assert.DoesNotContain("Maria", decisions, StringComparison.Ordinal);
    }
}
