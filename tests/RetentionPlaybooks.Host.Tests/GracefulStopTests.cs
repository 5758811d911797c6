using Microsoft.Data.Sqlite;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Issue #11's graceful stop, in process: a host told to stop while a Slack post is in flight finishes that send and marks
/// it, then gives back everything it holds, so the next host (or another one on the database) starts from a clean state —
/// nothing left "sending", no lease to wait out, nothing posted twice.
/// </summary>
public sealed class GracefulStopTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("rp-stop-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file the host still held; the folder is in the temp directory.
        }
    }

    private static long Count(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task AStopDuringASend_FinishesAndMarksTheSend_ThenHoldsNothing_AndTheNextHostPostsNothingTwice()
    {
        await using var host = await CaseHost.StartAsync(dataDirectory: _dataDir);
        // Slack takes the post at once but answers a second later: the host is stopped in between.
        host.Slack.DelayNext(1, TimeSpan.FromSeconds(1), "C07VIPSAVES");
        await host.SendAsync(Webhooks.Sample("vip-cart-abandoned.json"));
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await host.Slack.WaitForRequestsAsync("chat.postMessage", 1, wait.Token);
        }

        host.Stop();

        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "test.db")};Pooling=false"))
        {
            connection.Open();
            Assert.Equal(1, Count(connection, "SELECT COUNT(*) FROM deliveries WHERE kind = 'Post' AND state = 'Sent' AND in_doubt = 0"));
            Assert.Equal(0, Count(connection, "SELECT COUNT(*) FROM deliveries WHERE state = 'Sending' OR lease_owner IS NOT NULL"));
            Assert.Equal(0, Count(connection, "SELECT COUNT(*) FROM inbox WHERE lease_owner IS NOT NULL"));
            Assert.Equal(0, Count(connection, "SELECT COUNT(*) FROM destinations WHERE held_by IS NOT NULL"));
        }
        host.Start();
        await host.DrainAsync();
        Assert.Single(host.Slack.MessagesIn("C07VIPSAVES"), m => m.ThreadTs is null);
        Assert.Equal(1, host.Slack.RequestCount("chat.postMessage"));
    }
}
