using System.Net;
using Microsoft.Data.Sqlite;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The database held locked by someone else (a backup, an operator's sqlite3 shell): work waits, nothing is lost.</summary>
[Trait("Category", "Slow")] // real processes, locks, disks or clocks; every wait bounded
public sealed class StoreBusyTests
{
    private static SqliteConnection Lock(HostApp app)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = app.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE";
        command.ExecuteNonQuery();
        return connection;
    }

    private static void Unlock(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "ROLLBACK";
        command.ExecuteNonQuery();
        connection.Dispose();
    }

    [Fact]
    public async Task Webhook_WhileTheDatabaseIsLockedLongerThanTheBusyTimeout_Is503WithRetryAfter_AndTheRetryIsStored()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["Store:BusyTimeout"] = "00:00:01" });
        using var client = app.CreateClient();
        Assert.Equal("ok", (await app.HealthAsync()).GetProperty("status").GetString());
        var body = Webhooks.Sample("vip-cart-abandoned.json");

        var locked = Lock(app);
        HttpStatusCode during;
        string? retryAfter;
        try
        {
            using var response = await client.SendAsync(Webhooks.Journey(body));
            during = response.StatusCode;
            retryAfter = response.Headers.RetryAfter?.ToString();
        }
        finally
        {
            Unlock(locked);
        }
        using var retry = await client.SendAsync(Webhooks.Journey(body));
        var health = await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during);
        Assert.Equal("5", retryAfter);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(1, health.GetProperty("inbox_total").GetInt64());
        Assert.Single(app.Preview.Messages);
    }

    [Fact]
    public async Task Webhook_WhileTheDatabaseIsLockedBriefly_WaitsAndIsStored()
    {
        using var app = new HostApp();
        using var client = app.CreateClient();
        await app.HealthAsync();

        var locked = Lock(app);
        var sending = client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));
        // Give the request time to reach the locked store (real time: the lock is real), then let go.
        var early = await Task.WhenAny(sending, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Unlock(locked);
        using var response = await sending;
        var health = await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.NotSame(sending, early);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(app.Preview.Messages);
        Assert.Equal(0, health.GetProperty("inbox_pending").GetInt64());
    }
}
