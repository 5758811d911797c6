using Microsoft.Data.Sqlite;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>The tables of the embedded store: created on first run, then brought up to date by versioned migrations.</summary>
internal static class SqliteSchema
{
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS inbox (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            delivery_key TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            payload BLOB NOT NULL,
            processed_at INTEGER,
            quarantine_reason TEXT,
            UNIQUE (source, delivery_key));
        CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (id) WHERE processed_at IS NULL;
        CREATE TABLE IF NOT EXISTS decisions (
            id INTEGER PRIMARY KEY,
            inbox_id INTEGER NOT NULL,
            playbook TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL,
            channel TEXT,
            escalation_id TEXT,
            created_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS decisions_inbox ON decisions (inbox_id);
        CREATE TABLE IF NOT EXISTS escalations (
            id TEXT PRIMARY KEY,
            inbox_id INTEGER NOT NULL,
            playbook TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            target TEXT NOT NULL,
            dedupe_key TEXT,
            body BLOB NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            slack_channel TEXT,
            slack_ts TEXT,
            last_error TEXT,
            in_doubt INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            dead_at INTEGER,
            sent_at INTEGER,
            UNIQUE (inbox_id, playbook));
        CREATE INDEX IF NOT EXISTS escalations_due ON escalations (next_attempt_at) WHERE state = 'Pending';
        CREATE INDEX IF NOT EXISTS escalations_dedupe ON escalations (playbook, dedupe_key);
        CREATE TABLE IF NOT EXISTS customer_attributes (
            customer_id TEXT PRIMARY KEY,
            attributes TEXT NOT NULL,
            updated_at INTEGER NOT NULL);
        """;

    /// <summary>
    /// The migrations, in order; the database records the last one applied in <c>schema_version</c>. Version 1 is the
    /// schema as it was before versioning, written to be idempotent (it also upgrades a database from before a column
    /// existed); every later one runs exactly once. Append new migrations; never change an applied one.
    /// </summary>
    internal static readonly IReadOnlyList<(int Version, string Name, Action<SqliteCommand> Apply)> Migrations =
    [
        (1, "baseline: inbox, decisions, escalations, customer attributes", command =>
        {
            command.CommandText = Ddl;
            command.ExecuteNonQuery();
            AddColumn(command, "escalations", "in_doubt", "INTEGER NOT NULL DEFAULT 0");
            AddColumn(command, "inbox", "quarantine_reason", "TEXT");
            AddColumn(command, "escalations", "dead_at", "INTEGER");
            command.CommandText = """
                CREATE INDEX IF NOT EXISTS inbox_quarantined ON inbox (id) WHERE quarantine_reason IS NOT NULL;
                CREATE INDEX IF NOT EXISTS escalations_waiting ON escalations (created_at) WHERE state IN ('Pending', 'Sending');
                """;
            command.ExecuteNonQuery();
        }),
        (2, "escalations.evaluated_at: guardrails judged at the signal's own time", command =>
        {
            // Escalations queued before: their queue time.
            if (AddColumn(command, "escalations", "evaluated_at", "INTEGER NOT NULL DEFAULT 0"))
            {
                command.CommandText = "UPDATE escalations SET evaluated_at = created_at";
                command.ExecuteNonQuery();
            }
            command.CommandText = """
                CREATE INDEX IF NOT EXISTS escalations_customer_evaluated ON escalations (playbook, customer_id, evaluated_at);
                CREATE INDEX IF NOT EXISTS escalations_target_evaluated ON escalations (target, evaluated_at);
                DROP INDEX IF EXISTS escalations_customer;
                DROP INDEX IF EXISTS escalations_target;
                """;
            command.ExecuteNonQuery();
        }),
        (3, "deliveries per destination, destinations' pacing, leases, the dedupe key unique", command =>
        {
            command.CommandText = """
                CREATE TABLE deliveries (
                    id TEXT PRIMARY KEY,
                    escalation_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    target TEXT NOT NULL,
                    body BLOB NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    due_at INTEGER NOT NULL,
                    in_doubt INTEGER NOT NULL DEFAULT 0,
                    lease_owner TEXT,
                    lease_until INTEGER,
                    last_error TEXT,
                    slack_channel TEXT,
                    slack_ts TEXT,
                    created_at INTEGER NOT NULL,
                    sent_at INTEGER,
                    dead_at INTEGER);
                INSERT INTO deliveries (id, escalation_id, kind, target, body, state, attempts, due_at, in_doubt, last_error, slack_channel, slack_ts, created_at, sent_at, dead_at)
                    SELECT id, id, 'Post', target, body, state, attempts, next_attempt_at, in_doubt, last_error, slack_channel, slack_ts, created_at, sent_at, dead_at FROM escalations;
                CREATE INDEX deliveries_due ON deliveries (due_at) WHERE state = 'Pending';
                CREATE INDEX deliveries_sending ON deliveries (lease_until) WHERE state = 'Sending';
                CREATE INDEX deliveries_waiting ON deliveries (created_at) WHERE state IN ('Pending', 'Sending');
                CREATE INDEX deliveries_dead ON deliveries (dead_at) WHERE state = 'Dead';
                CREATE INDEX deliveries_escalation ON deliveries (escalation_id);
                CREATE TABLE destinations (
                    target TEXT PRIMARY KEY,
                    next_free_at INTEGER NOT NULL,
                    held_by TEXT);
                DROP INDEX IF EXISTS escalations_due;
                DROP INDEX IF EXISTS escalations_waiting;
                DROP INDEX IF EXISTS escalations_dedupe;
                ALTER TABLE escalations DROP COLUMN body;
                ALTER TABLE escalations DROP COLUMN state;
                ALTER TABLE escalations DROP COLUMN attempts;
                ALTER TABLE escalations DROP COLUMN next_attempt_at;
                ALTER TABLE escalations DROP COLUMN last_error;
                ALTER TABLE escalations DROP COLUMN in_doubt;
                UPDATE escalations SET dedupe_key = NULL
                    WHERE dedupe_key IS NOT NULL AND dead_at IS NULL
                      AND rowid NOT IN (SELECT MIN(rowid) FROM escalations WHERE dedupe_key IS NOT NULL AND dead_at IS NULL GROUP BY playbook, dedupe_key);
                CREATE UNIQUE INDEX escalations_dedupe_live ON escalations (playbook, dedupe_key) WHERE dedupe_key IS NOT NULL AND dead_at IS NULL;
                ALTER TABLE inbox ADD COLUMN lease_owner TEXT;
                ALTER TABLE inbox ADD COLUMN lease_until INTEGER;
                """;
            command.ExecuteNonQuery();
        }),
        (4, "actions: clicks on escalation messages, kept before Slack is answered", command =>
        {
            command.CommandText = """
                CREATE TABLE actions (
                    id INTEGER PRIMARY KEY,
                    escalation_id TEXT NOT NULL,
                    action TEXT NOT NULL,
                    reason TEXT,
                    team_id TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    action_ts TEXT NOT NULL,
                    response_url TEXT,
                    received_at INTEGER NOT NULL,
                    processed_at INTEGER,
                    result TEXT,
                    lease_owner TEXT,
                    lease_until INTEGER,
                    UNIQUE (escalation_id, user_id, action, action_ts));
                CREATE INDEX actions_pending ON actions (id) WHERE processed_at IS NULL;
                """;
            command.ExecuteNonQuery();
        }),
        (5, "escalations as cases: who acknowledged and when, the outcome, its reason, who and when", command =>
        {
            command.CommandText = """
                ALTER TABLE escalations ADD COLUMN acknowledged_by TEXT;
                ALTER TABLE escalations ADD COLUMN acknowledged_at INTEGER;
                ALTER TABLE escalations ADD COLUMN outcome TEXT;
                ALTER TABLE escalations ADD COLUMN outcome_reason TEXT;
                ALTER TABLE escalations ADD COLUMN outcome_by TEXT;
                ALTER TABLE escalations ADD COLUMN outcome_at INTEGER;
                """;
            command.ExecuteNonQuery();
        }),
        (6, "SLA clocks: each case's SLA end and when it was missed; deliveries that are clocks (reminder, breach, escalation), cancelled when the case is acknowledged", command =>
        {
            command.CommandText = """
                ALTER TABLE escalations ADD COLUMN sla_due_at INTEGER;
                ALTER TABLE escalations ADD COLUMN sla_missed_at INTEGER;
                ALTER TABLE deliveries ADD COLUMN clock TEXT;
                CREATE INDEX deliveries_clocks ON deliveries (escalation_id) WHERE clock IS NOT NULL AND state = 'Pending';
                """;
            command.ExecuteNonQuery();
        }),
        (7, "the outcome report: each case's value, each decision's suppression kind, and the indexes the report's period reads by", command =>
        {
            command.CommandText = """
                ALTER TABLE escalations ADD COLUMN value REAL;
                ALTER TABLE decisions ADD COLUMN kind TEXT;
                CREATE INDEX escalations_created ON escalations (created_at);
                CREATE INDEX escalations_outcome_at ON escalations (outcome_at) WHERE outcome IS NOT NULL;
                CREATE INDEX decisions_created ON decisions (created_at);
                """;
            command.ExecuteNonQuery();
        }),
        (8, "when a case's promotion hold was written to Customer.io (the report counts holds written)", command =>
        {
            command.CommandText = "ALTER TABLE escalations ADD COLUMN hold_written_at INTEGER";
            command.ExecuteNonQuery();
        }),
        (9, "hold violations: each case's hold end, and promotional messages seen sent while a hold ran", command =>
        {
            command.CommandText = """
                ALTER TABLE escalations ADD COLUMN hold_until INTEGER;
                CREATE INDEX escalations_customer_hold ON escalations (customer_id, hold_until) WHERE hold_until IS NOT NULL;
                CREATE TABLE hold_violations (
                    escalation_id TEXT NOT NULL,
                    inbox_id INTEGER NOT NULL,
                    promotion TEXT NOT NULL,
                    sent_at INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    PRIMARY KEY (escalation_id, inbox_id));
                """;
            command.ExecuteNonQuery();
        }),
        (10, "decisions counted by the hour as they are written, so the report reads counts, not every decision (filled from the decisions already stored)", command =>
        {
            command.CommandText = """
                CREATE TABLE decision_counts (
                    hour INTEGER NOT NULL,
                    playbook TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (hour, playbook, channel, outcome, kind)) WITHOUT ROWID;
                INSERT INTO decision_counts (hour, playbook, channel, outcome, kind, count)
                SELECT created_at / 3600000, playbook, COALESCE(channel, ''), outcome, COALESCE(kind, ''), COUNT(*) FROM decisions
                WHERE playbook <> '-' GROUP BY 1, 2, 3, 4, 5;
                """;
            command.ExecuteNonQuery();
        }),
        (11, "what a Customer.io call is for (the hold set at escalation, or ended by an outcome), kept with the delivery instead of read from its body; calls queued before are tagged from their body once", command =>
        {
            command.CommandText = """
                ALTER TABLE deliveries ADD COLUMN purpose TEXT;
                UPDATE deliveries SET purpose = 'hold'
                WHERE kind = 'CustomerIo' AND CAST(body AS TEXT) LIKE '{"method":"PUT"%'
                  AND created_at = (SELECT e.created_at FROM escalations e WHERE e.id = deliveries.escalation_id);
                UPDATE deliveries SET purpose = 'hold_end'
                WHERE kind = 'CustomerIo' AND purpose IS NULL AND CAST(body AS TEXT) LIKE '{"method":"PUT"%';
                """;
            command.ExecuteNonQuery();
        }),
        (12, "digests: an escalation rolled into its channel's digest names the digest (a delivery of kind Digest) and keeps its line until the digest is sent", command =>
        {
            command.CommandText = """
                ALTER TABLE escalations ADD COLUMN digest_id TEXT;
                ALTER TABLE escalations ADD COLUMN digest_line BLOB;
                CREATE INDEX escalations_digest ON escalations (digest_id) WHERE digest_id IS NOT NULL;
                CREATE INDEX deliveries_open_digest ON deliveries (target, due_at) WHERE kind = 'Digest' AND state = 'Pending' AND attempts = 0;
                """;
            command.ExecuteNonQuery();
        }),
    ];

    /// <summary>The schema version this code writes.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>
    /// Brings the database to <see cref="CurrentVersion"/>, each migration in its own transaction taken with BEGIN
    /// IMMEDIATE (the write lock), so that hosts starting together apply each migration once: the second waits, then
    /// finds it applied. A database written by a newer version is refused rather than written to.
    /// </summary>
    public static void Apply(SqliteConnection connection, DateTimeOffset now)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
        command.ExecuteNonQuery();
        foreach (var (version, name, apply) in Migrations)
        {
            command.CommandText = "BEGIN IMMEDIATE";
            command.ExecuteNonQuery();
            try
            {
                var current = Version(command);
                if (current > CurrentVersion) throw new SchemaTooNewException(current, CurrentVersion);
                if (current >= version)
                {
                    command.CommandText = "COMMIT";
                    command.ExecuteNonQuery();
                    continue;
                }
                apply(command);
                command.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, $t)";
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$v", version);
                command.Parameters.AddWithValue("$n", name);
                command.Parameters.AddWithValue("$t", now.ToUnixTimeMilliseconds());
                command.ExecuteNonQuery();
                command.Parameters.Clear();
                command.CommandText = "COMMIT";
                command.ExecuteNonQuery();
            }
            catch
            {
                command.Parameters.Clear();
                command.CommandText = "ROLLBACK";
                command.ExecuteNonQuery();
                throw;
            }
        }
    }

    /// <summary>The last migration applied (0 for a new database).</summary>
    public static int Version(SqliteCommand command)
    {
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return (int)(long)command.ExecuteScalar()!;
    }

    /// <summary>Adds a column to a table created before it existed; true when it was added.</summary>
    private static bool AddColumn(SqliteCommand command, string table, string column, string definition)
    {
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if ((long)command.ExecuteScalar()! != 0) return false;
        command.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {definition}";
        command.ExecuteNonQuery();
        return true;
    }
}

/// <summary>The database was written by a newer version of the host; an older one must not write to it.</summary>
internal sealed class SchemaTooNewException(int found, int known)
    : Exception($"the database is at schema version {found}, and this host knows versions up to {known}: it was written by a newer RetentionPlaybooks; run that version, or restore a backup")
{
    public int Found { get; } = found;

    public int Known { get; } = known;
}
