using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Versioned migrations: each applied once, in order, under the write lock; old databases upgrade, newer ones are refused.</summary>
public sealed class SchemaMigrationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"rp-schema-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(HostApp.Start);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(f);
    }

    private List<(long Version, string Name)> Versions()
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name FROM schema_version ORDER BY rowid";
        using var reader = command.ExecuteReader();
        var list = new List<(long, string)>();
        while (reader.Read()) list.Add((reader.GetInt64(0), reader.GetString(1)));
        return list;
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task NewDatabase_GetsEveryMigrationOnce_AndReopeningAddsNone()
    {
        await using (new SqliteStore(_path, _time))
        {
        }
        await using (new SqliteStore(_path, _time))
        {
        }

        Assert.Equal(SqliteSchema.Migrations.Select(m => ((long)m.Version, m.Name)), Versions());
        Assert.Equal(SqliteSchema.CurrentVersion, Versions()[^1].Version);
    }

    [Fact]
    public async Task DatabaseFromBeforeVersioning_IsUpgraded_KeepingItsRows()
    {
        // The first schema the host shipped: no in_doubt, dead_at, evaluated_at, quarantine_reason, no schema_version.
        Execute("""
            CREATE TABLE inbox (id INTEGER PRIMARY KEY, source TEXT NOT NULL, delivery_key TEXT NOT NULL, received_at INTEGER NOT NULL,
                payload BLOB NOT NULL, processed_at INTEGER, UNIQUE (source, delivery_key));
            CREATE TABLE decisions (id INTEGER PRIMARY KEY, inbox_id INTEGER NOT NULL, playbook TEXT NOT NULL, outcome TEXT NOT NULL,
                reason TEXT NOT NULL, channel TEXT, escalation_id TEXT, created_at INTEGER NOT NULL);
            CREATE TABLE escalations (id TEXT PRIMARY KEY, inbox_id INTEGER NOT NULL, playbook TEXT NOT NULL, customer_id TEXT NOT NULL,
                channel TEXT NOT NULL, target TEXT NOT NULL, dedupe_key TEXT, body BLOB NOT NULL, state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, slack_channel TEXT, slack_ts TEXT,
                last_error TEXT, created_at INTEGER NOT NULL, sent_at INTEGER, UNIQUE (inbox_id, playbook));
            CREATE TABLE customer_attributes (customer_id TEXT PRIMARY KEY, attributes TEXT NOT NULL, updated_at INTEGER NOT NULL);
            INSERT INTO inbox VALUES (1, 'Journey', 'd-1', 1000, x'7B7D', 2000);
            INSERT INTO escalations (id, inbox_id, playbook, customer_id, channel, target, body, state, next_attempt_at, created_at)
                VALUES ('01OLD', 1, 'vip-cart-abandonment', 'cus_1', 'vip-saves', 'C07VIPSAVES', x'7B7D', 'Sent', 0, 1795870800000);
            """);

        await using (var store = new SqliteStore(_path, _time))
        {
            // The old escalation counts for the cooldown at its queue time.
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795870800000), await store.Escalations.LastEscalationAsync("vip-cart-abandonment", "cus_1", CancellationToken.None));
            Assert.Equal((1L, false), await store.Inbox.FindAsync(SignalSource.Journey, "d-1", CancellationToken.None) is { } found ? (found.Id, !found.Processed) : default);
        }

        Assert.Equal(SqliteSchema.Migrations.Select(m => (long)m.Version), Versions().Select(v => v.Version));
        Assert.Equal(1795870800000, Scalar("SELECT evaluated_at FROM escalations WHERE id = '01OLD'"));
        // v3: the escalation's delivery state moved to its post in deliveries.
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM pragma_table_info('escalations') WHERE name IN ('state', 'body', 'in_doubt')"));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM deliveries WHERE id = '01OLD' AND escalation_id = '01OLD' AND kind = 'Post' AND state = 'Sent' AND in_doubt = 0"));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM pragma_table_info('inbox') WHERE name = 'quarantine_reason'"));
    }

    [Fact]
    public async Task DatabaseFromANewerVersion_IsRefused_AndLeftAsItWas()
    {
        await using (new SqliteStore(_path, _time))
        {
        }
        Execute($"INSERT INTO schema_version VALUES ({SqliteSchema.CurrentVersion + 5}, 'from the future', 0)");

        var ex = Assert.Throws<SchemaTooNewException>(() => new SqliteStore(_path, _time));

        Assert.Equal(SqliteSchema.CurrentVersion + 5, ex.Found);
        Assert.Contains($"schema version {SqliteSchema.CurrentVersion + 5}, and this host knows versions up to {SqliteSchema.CurrentVersion}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(SqliteSchema.CurrentVersion + 5, Versions()[^1].Version);
    }

    [Fact]
    public async Task StoresOpeningANewDatabaseTogether_ApplyEachMigrationOnce()
    {
        var opening = Enumerable.Range(0, 4).Select(_ => Task.Run(() => new SqliteStore(_path, _time, busyTimeout: TimeSpan.FromSeconds(10)))).ToList();
        var stores = await Task.WhenAll(opening);
        foreach (var store in stores) await store.DisposeAsync();

        Assert.Equal(SqliteSchema.Migrations.Select(m => (long)m.Version), Versions().Select(v => v.Version));
    }
}
