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

    /// <summary>A database as version 2 left it: the escalation was its own outbox row.</summary>
    private void CreateVersion2()
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
        command.ExecuteNonQuery();
        foreach (var (version, name, apply) in SqliteSchema.Migrations.Take(2))
        {
            apply(command);
            command.CommandText = $"INSERT INTO schema_version VALUES ({version}, '{name.Replace("'", "''", StringComparison.Ordinal)}', 0)";
            command.ExecuteNonQuery();
        }
    }

    [Fact]
    public async Task Version2Outbox_BecomesDeliveries_ASendInterruptedBeforeTheUpgradeIsLookedUp_AndDeadPostsFreeTheirDedupeKey()
    {
        CreateVersion2();
        var t = HostApp.Start.ToUnixTimeMilliseconds();
        Execute($"""
            INSERT INTO inbox (id, source, delivery_key, received_at, payload, processed_at) VALUES (1, 'Journey', 'd-1', {t}, x'7B7D', {t}), (2, 'Journey', 'd-2', {t}, x'7B7D', {t}),
                (3, 'Journey', 'd-3', {t}, x'7B7D', {t}), (4, 'Journey', 'd-4', {t}, x'7B7D', {t}), (5, 'Journey', 'd-5', {t}, x'7B7D', NULL);
            INSERT INTO escalations (id, inbox_id, playbook, customer_id, channel, target, dedupe_key, body, state, attempts, next_attempt_at, created_at, evaluated_at, in_doubt, dead_at, slack_ts)
            VALUES ('01SENDING', 1, 'p', 'c1', 'vip-saves', 'C07VIPSAVES', 'k-sending', x'7B7D', 'Sending', 1, {t}, {t}, {t}, 0, NULL, NULL),
                   ('01DEAD', 2, 'p', 'c2', 'vip-saves', 'C07VIPSAVES', 'k-dead', x'7B7D', 'Dead', 1, {t}, {t}, {t}, 0, {t}, NULL),
                   ('01TWIN1', 3, 'p', 'c3', 'vip-saves', 'C07VIPSAVES', 'k-twin', x'7B7D', 'Sent', 1, {t}, {t}, {t}, 0, NULL, '1.1'),
                   ('01TWIN2', 4, 'p', 'c4', 'vip-saves', 'C07VIPSAVES', 'k-twin', x'7B7D', 'Pending', 0, {t + 5000}, {t}, {t}, 1, NULL, NULL);
            """);

        await using (var store = new SqliteStore(_path, _time))
        {
            // The send a host of version 2 was making when it stopped: no lease, so any host takes it, in doubt.
            var interrupted = await store.Deliveries.ClaimAsync("any-host", _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(5), CancellationToken.None);
            Assert.Equal(("01SENDING", DeliveryKind.Post, true, 2), (interrupted!.Id, interrupted.Kind, interrupted.InDoubt, interrupted.Attempts));
            var twin = (await store.Deliveries.GetAsync("01TWIN2", CancellationToken.None))!;
            Assert.Equal((DeliveryState.Pending, true, HostApp.Start.AddSeconds(5)), (twin.State, twin.InDoubt, twin.DueAt));
            Assert.Equal(DeliveryState.Dead, Assert.Single(await store.Deliveries.DeadLettersAsync(10, CancellationToken.None)).State);
            Assert.False(await store.Escalations.DedupeKeyUsedAsync("p", "k-dead", CancellationToken.None));
            Assert.True(await store.Escalations.DedupeKeyUsedAsync("p", "k-twin", CancellationToken.None));
            // The unprocessed record is claimable as any other.
            Assert.Equal(5, Assert.Single(await store.Inbox.ClaimAsync("any-host", 10, _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(5), CancellationToken.None)).Id);
        }

        Assert.Equal(4, Scalar("SELECT COUNT(*) FROM deliveries WHERE kind = 'Post' AND id = escalation_id"));
        // Two live escalations sharing a dedupe key (possible before the unique index): the first keeps it.
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM escalations WHERE dedupe_key = 'k-twin' AND id = '01TWIN1'"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM escalations WHERE dedupe_key IS NOT NULL AND id = '01TWIN2'"));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'escalations_dedupe_live'"));
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
    public async Task Version9Decisions_AreCountedByTheHour_WhenTheCountsArrive()
    {
        await using (new SqliteStore(_path, _time))
        {
        }
        // A database at version 9: decisions stored, no hourly counts yet.
        Execute("""
            DROP TABLE decision_counts;
            ALTER TABLE deliveries DROP COLUMN purpose;
            DROP INDEX escalations_digest;
            DROP INDEX deliveries_open_digest;
            ALTER TABLE escalations DROP COLUMN digest_line;
            ALTER TABLE escalations DROP COLUMN digest_id;
            DELETE FROM schema_version WHERE version >= 10;
            INSERT INTO decisions (inbox_id, playbook, outcome, reason, channel, escalation_id, created_at, kind) VALUES
                (1, 'vip', 'escalated', 'r', 'vip-saves', 'E1', 7200000, NULL),
                (2, 'vip', 'escalated', 'r', 'vip-saves', 'E2', 7300000, NULL),
                (3, 'vip', 'suppressed', 'r', 'vip-saves', NULL, 7400000, 'cooldown'),
                (4, 'vip', 'skipped', 'r', NULL, NULL, 10800000, NULL),
                (5, '-', 'no_trigger', 'r', NULL, NULL, 10800000, NULL);
            """);

        await using (new SqliteStore(_path, _time))
        {
        }

        Assert.Equal(SqliteSchema.CurrentVersion, Versions()[^1].Version);
        Assert.Equal(2, Scalar("SELECT count FROM decision_counts WHERE hour = 2 AND playbook = 'vip' AND channel = 'vip-saves' AND outcome = 'escalated' AND kind = ''"));
        Assert.Equal(1, Scalar("SELECT count FROM decision_counts WHERE hour = 2 AND outcome = 'suppressed' AND kind = 'cooldown'"));
        Assert.Equal(1, Scalar("SELECT count FROM decision_counts WHERE hour = 3 AND outcome = 'skipped' AND channel = ''"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM decision_counts WHERE playbook = '-'"));
    }

    [Fact]
    public async Task Version10CustomerIoCalls_AreTaggedWithTheirPurpose_FromTheirBody_Once()
    {
        await using (new SqliteStore(_path, _time))
        {
        }
        // A database at version 10: Customer.io calls whose purpose was read from their body — the hold's PUT queued with its
        // escalation, a PUT queued later (an outcome ending the hold), an event.
        Execute("""
            ALTER TABLE deliveries DROP COLUMN purpose;
            DROP INDEX escalations_digest;
            DROP INDEX deliveries_open_digest;
            ALTER TABLE escalations DROP COLUMN digest_line;
            ALTER TABLE escalations DROP COLUMN digest_id;
            DELETE FROM schema_version WHERE version >= 11;
            INSERT INTO escalations (id, inbox_id, playbook, customer_id, channel, target, created_at, evaluated_at)
                VALUES ('E1', 1, 'vip', 'cus_1', 'vip-saves', 'C07VIPSAVES', 1000, 1000);
            INSERT INTO deliveries (id, escalation_id, kind, target, body, state, attempts, due_at, created_at) VALUES
                ('D-HOLD', 'E1', 'CustomerIo', 'customerio', CAST('{"method":"PUT","path":"customers/cus_1","body":{"retention_hold_until":5}}' AS BLOB), 'Pending', 0, 1000, 1000),
                ('D-END', 'E1', 'CustomerIo', 'customerio', CAST('{"method":"PUT","path":"customers/cus_1","body":{"retention_hold_until":2}}' AS BLOB), 'Pending', 0, 2000, 2000),
                ('D-EVENT', 'E1', 'CustomerIo', 'customerio', CAST('{"method":"POST","path":"customers/cus_1/events","body":{}}' AS BLOB), 'Pending', 0, 1000, 1000),
                ('D-POST', 'E1', 'Post', 'C07VIPSAVES', CAST('{"method":"PUT"}' AS BLOB), 'Pending', 0, 1000, 1000);
            """);

        await using (new SqliteStore(_path, _time))
        {
        }

        Assert.Equal(SqliteSchema.CurrentVersion, Versions()[^1].Version);
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM deliveries WHERE id = 'D-HOLD' AND purpose = 'hold'"));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM deliveries WHERE id = 'D-END' AND purpose = 'hold_end'"));
        Assert.Equal(2, Scalar("SELECT COUNT(*) FROM deliveries WHERE id IN ('D-EVENT', 'D-POST') AND purpose IS NULL"));
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
