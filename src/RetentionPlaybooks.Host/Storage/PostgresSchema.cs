using Npgsql;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// The tables of the shared store, brought up to date by versioned migrations recorded in <c>schema_version</c>. Version 1 is
/// the whole schema as the SQLite store has it at its version 10 (PostgreSQL starts there: it has no older databases to
/// upgrade). Times are bigint milliseconds since the epoch; bodies are bytea. Append new migrations; never change an applied one.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The key of the session advisory lock migrations are applied under: hosts starting together take turns.</summary>
    internal const long MigrationLock = 0x52505F736368656D; // "RP_schem"

    internal static readonly IReadOnlyList<(int Version, string Name, string Sql)> Migrations =
    [
        (1, "baseline: inbox, decisions and their hourly counts, escalations as cases, deliveries and destinations, actions, attributes, hold violations",
            """
            CREATE TABLE inbox (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                source text NOT NULL,
                delivery_key text NOT NULL,
                received_at bigint NOT NULL,
                payload bytea NOT NULL,
                processed_at bigint,
                quarantine_reason text,
                lease_owner text,
                lease_until bigint,
                UNIQUE (source, delivery_key));
            CREATE INDEX inbox_pending ON inbox (id) WHERE processed_at IS NULL;
            CREATE INDEX inbox_quarantined ON inbox (id) WHERE quarantine_reason IS NOT NULL;
            CREATE INDEX inbox_processed ON inbox (processed_at) WHERE processed_at IS NOT NULL;

            CREATE TABLE decisions (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                inbox_id bigint NOT NULL,
                playbook text NOT NULL,
                outcome text NOT NULL,
                reason text NOT NULL,
                channel text,
                escalation_id text,
                created_at bigint NOT NULL,
                kind text);
            CREATE INDEX decisions_inbox ON decisions (inbox_id);
            CREATE INDEX decisions_created ON decisions (created_at);

            CREATE TABLE decision_counts (
                hour bigint NOT NULL,
                playbook text NOT NULL,
                channel text NOT NULL,
                outcome text NOT NULL,
                kind text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (hour, playbook, channel, outcome, kind));

            CREATE TABLE escalations (
                id text PRIMARY KEY,
                inbox_id bigint NOT NULL,
                playbook text NOT NULL,
                customer_id text NOT NULL,
                channel text NOT NULL,
                target text NOT NULL,
                dedupe_key text,
                slack_channel text,
                slack_ts text,
                created_at bigint NOT NULL,
                evaluated_at bigint NOT NULL,
                dead_at bigint,
                sent_at bigint,
                acknowledged_by text,
                acknowledged_at bigint,
                outcome text,
                outcome_reason text,
                outcome_by text,
                outcome_at bigint,
                sla_due_at bigint,
                sla_missed_at bigint,
                value double precision,
                hold_written_at bigint,
                hold_until bigint,
                UNIQUE (inbox_id, playbook));
            CREATE UNIQUE INDEX escalations_dedupe_live ON escalations (playbook, dedupe_key) WHERE dedupe_key IS NOT NULL AND dead_at IS NULL;
            CREATE INDEX escalations_customer_evaluated ON escalations (playbook, customer_id, evaluated_at);
            CREATE INDEX escalations_target_evaluated ON escalations (target, evaluated_at);
            CREATE INDEX escalations_created ON escalations (created_at);
            CREATE INDEX escalations_outcome_at ON escalations (outcome_at) WHERE outcome IS NOT NULL;
            CREATE INDEX escalations_customer_hold ON escalations (customer_id, hold_until) WHERE hold_until IS NOT NULL;

            CREATE TABLE destinations (
                target text PRIMARY KEY,
                next_free_at bigint,
                held_by text);

            CREATE TABLE deliveries (
                seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                id text PRIMARY KEY,
                escalation_id text NOT NULL,
                kind text NOT NULL,
                target text NOT NULL REFERENCES destinations (target),
                body bytea NOT NULL,
                state text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                due_at bigint NOT NULL,
                in_doubt boolean NOT NULL DEFAULT false,
                lease_owner text,
                lease_until bigint,
                last_error text,
                slack_channel text,
                slack_ts text,
                created_at bigint NOT NULL,
                sent_at bigint,
                dead_at bigint,
                clock text);
            CREATE INDEX deliveries_due ON deliveries (due_at) WHERE state = 'Pending';
            CREATE INDEX deliveries_sending ON deliveries (lease_until) WHERE state = 'Sending';
            CREATE INDEX deliveries_waiting ON deliveries (created_at) WHERE state IN ('Pending', 'Sending');
            CREATE INDEX deliveries_dead ON deliveries (dead_at) WHERE state = 'Dead';
            CREATE INDEX deliveries_escalation ON deliveries (escalation_id);
            CREATE INDEX deliveries_clocks ON deliveries (escalation_id) WHERE clock IS NOT NULL AND state = 'Pending';

            CREATE TABLE actions (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                escalation_id text NOT NULL,
                action text NOT NULL,
                reason text,
                team_id text NOT NULL,
                user_id text NOT NULL,
                action_ts text NOT NULL,
                response_url text,
                received_at bigint NOT NULL,
                processed_at bigint,
                result text,
                UNIQUE (escalation_id, user_id, action, action_ts));
            CREATE INDEX actions_pending ON actions (id) WHERE processed_at IS NULL;

            CREATE TABLE customer_attributes (
                customer_id text PRIMARY KEY,
                attributes text NOT NULL,
                updated_at bigint NOT NULL);

            CREATE TABLE hold_violations (
                escalation_id text NOT NULL,
                inbox_id bigint NOT NULL,
                promotion text NOT NULL,
                sent_at bigint NOT NULL,
                recorded_at bigint NOT NULL,
                PRIMARY KEY (escalation_id, inbox_id));
            """),
        (2, "what a Customer.io call is for (the hold set at escalation, or ended by an outcome), kept with the delivery instead of read from its body; calls queued before are tagged from their body once",
            """
            ALTER TABLE deliveries ADD COLUMN purpose text;
            UPDATE deliveries d SET purpose = 'hold' FROM escalations e
            WHERE d.kind = 'CustomerIo' AND e.id = d.escalation_id AND d.created_at = e.created_at
              AND substring(d.body FROM 1 FOR 15) = convert_to('{"method":"PUT"', 'UTF8');
            UPDATE deliveries SET purpose = 'hold_end'
            WHERE kind = 'CustomerIo' AND purpose IS NULL AND substring(body FROM 1 FOR 15) = convert_to('{"method":"PUT"', 'UTF8');
            """),
        (3, "digests: an escalation rolled into its channel's digest names the digest (a delivery of kind Digest) and keeps its line until the digest is sent",
            """
            ALTER TABLE escalations ADD COLUMN digest_id text;
            ALTER TABLE escalations ADD COLUMN digest_line bytea;
            CREATE INDEX escalations_digest ON escalations (digest_id) WHERE digest_id IS NOT NULL;
            CREATE INDEX deliveries_open_digest ON deliveries (target, due_at) WHERE kind = 'Digest' AND state = 'Pending' AND attempts = 0;
            """),
    ];

    /// <summary>The schema version this code writes.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>
    /// Brings the database to <see cref="CurrentVersion"/> under a session advisory lock, so that hosts starting together
    /// apply each migration once: the second waits for the lock, then finds them applied. Each migration is one transaction
    /// with its row in <c>schema_version</c> (whose primary key would refuse a second application even without the lock). A
    /// database written by a newer version is refused rather than written to.
    /// </summary>
    public static void Apply(NpgsqlConnection connection, DateTimeOffset now)
    {
        using var command = new NpgsqlCommand { Connection = connection };
        Execute(command, $"SELECT pg_advisory_lock({MigrationLock})");
        try
        {
            Execute(command, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)");
            var current = Version(command);
            if (current > CurrentVersion) throw new SchemaTooNewException(current, CurrentVersion);
            foreach (var (version, name, sql) in Migrations)
            {
                if (version <= current) continue;
                using var transaction = connection.BeginTransaction();
                command.Transaction = transaction;
                Execute(command, sql);
                command.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @t)";
                command.Parameters.AddWithValue("v", version);
                command.Parameters.AddWithValue("n", name);
                command.Parameters.AddWithValue("t", now.ToUnixTimeMilliseconds());
                command.ExecuteNonQuery();
                command.Parameters.Clear();
                transaction.Commit();
                command.Transaction = null;
            }
        }
        finally
        {
            command.Transaction = null;
            command.Parameters.Clear();
            Execute(command, $"SELECT pg_advisory_unlock({MigrationLock})");
        }
    }

    /// <summary>The last migration applied (0 for a new database).</summary>
    public static int Version(NpgsqlCommand command)
    {
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return (int)command.ExecuteScalar()!;
    }

    private static void Execute(NpgsqlCommand command, string sql)
    {
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
