using System.Diagnostics;
using System.Net;
using System.Text.Json;
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

    private static string Cart(int i) => Webhooks.Sample("vip-cart-abandoned.json", j =>
    {
        j["delivery_id"] = $"busy-{i}";
        j["customer"]!["id"] = $"cus_busy_{i}";
        j["event"]!["data"]!["checkout_id"] = $"chk_busy_{i}";
    });

    /// <summary>
    /// Another process (python3's sqlite3, as an operator's shell or a backup would) holds the write lock until its standard
    /// input is closed. Started once it says so; every wait bounded.
    /// </summary>
    private static async Task<Process> LockFromAnotherProcessAsync(string database)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()", database })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        var said = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
        if (said != "locked")
        {
            process.Kill();
            throw new InvalidOperationException($"python3 did not lock the database: {said} {await process.StandardError.ReadToEndAsync()}");
        }
        return process;
    }

    private static async Task ReleaseAsync(Process locker)
    {
        if (locker.HasExited) return;
        locker.StandardInput.Close();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await locker.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            locker.Kill();
            throw new TimeoutException("python3 did not let go of the lock within 15 s");
        }
    }

    [Fact]
    public async Task Webhook_WhileAnotherProcessHoldsTheWriteLock_Is503AndUnhealthy_LosesNothing_AndRecoversOnceReleased()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["Store:BusyTimeout"] = "00:00:01" });
        using var client = app.CreateClient();
        // Accepted before the lock (its processing may meet the lock): it must still be decided, once.
        using (var before = await client.SendAsync(Webhooks.Journey(Cart(1))))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        HttpStatusCode refused;
        string? retryAfter;
        JsonElement during;
        using (var locker = await LockFromAnotherProcessAsync(app.DatabasePath))
        {
            try
            {
                using (var response = await client.SendAsync(Webhooks.Journey(Cart(2))))
                {
                    refused = response.StatusCode;
                    retryAfter = response.Headers.RetryAfter?.ToString();
                }
                during = await app.HealthAsync();
            }
            finally
            {
                await ReleaseAsync(locker);
            }
        }
        // Customer.io retries the refused delivery: taken now.
        using var retry = await client.SendAsync(Webhooks.Journey(Cart(2)));
        var after = await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
        Assert.Equal("5", retryAfter);
        Assert.Equal("unhealthy", during.GetProperty("status").GetString());
        var problems = string.Join(" | ", during.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("writes to the store fail", problems, StringComparison.Ordinal);
        Assert.Contains("SQLite error 5: the database is locked by another connection", problems, StringComparison.Ordinal);
        Assert.True(during.TryGetProperty("store_writes_failing_since", out _));
        Assert.True(during.GetProperty("store_writes_failed").GetInt64() >= 1);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("ok", after.GetProperty("status").GetString());
        Assert.False(after.TryGetProperty("store_writes_failing_since", out _));
        Assert.Equal(2, after.GetProperty("inbox_total").GetInt64());
        Assert.Equal(0, after.GetProperty("quarantined").GetInt64());
        // Each delivery decided once: one Slack message per customer.
        Assert.Equal(2, app.Preview.Messages.Count);
    }
}
