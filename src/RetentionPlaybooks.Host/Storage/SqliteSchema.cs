using Microsoft.Data.Sqlite;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>The tables of the embedded store, created on first run (idempotent).</summary>
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

    public static void Apply(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Ddl;
        command.ExecuteNonQuery();
        // Databases created before a column existed get it added.
        AddColumn(command, "escalations", "in_doubt", "INTEGER NOT NULL DEFAULT 0");
        AddColumn(command, "inbox", "quarantine_reason", "TEXT");
        AddColumn(command, "escalations", "dead_at", "INTEGER");
        // The signal's time its guardrails were judged at (escalations queued before the column existed: their queue time).
        if (AddColumn(command, "escalations", "evaluated_at", "INTEGER NOT NULL DEFAULT 0"))
        {
            command.CommandText = "UPDATE escalations SET evaluated_at = created_at";
            command.ExecuteNonQuery();
        }
        command.CommandText = """
            CREATE INDEX IF NOT EXISTS inbox_quarantined ON inbox (id) WHERE quarantine_reason IS NOT NULL;
            CREATE INDEX IF NOT EXISTS escalations_waiting ON escalations (created_at) WHERE state IN ('Pending', 'Sending');
            CREATE INDEX IF NOT EXISTS escalations_customer_evaluated ON escalations (playbook, customer_id, evaluated_at);
            CREATE INDEX IF NOT EXISTS escalations_target_evaluated ON escalations (target, evaluated_at);
            DROP INDEX IF EXISTS escalations_customer;
            DROP INDEX IF EXISTS escalations_target;
            """;
        command.ExecuteNonQuery();
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
