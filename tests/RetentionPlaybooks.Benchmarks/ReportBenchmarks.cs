using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Report;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Benchmarks;

/// <summary>
/// The outcome report (issue #10: "over 1,000,000 escalations under 2 s on SQLite"): a database with a month of
/// 1,000,000 escalations of the four shipped playbooks — each with its decision, its post and (for most) a hold written
/// back, half acknowledged, a third saved, a sixth lost with a reason — and 200,000 suppressed or skipped decisions; one
/// operation reads the whole month and builds the report (SQL counts, the times to acknowledge, the rows and series).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 1, iterationCount: 5)]
public class ReportBenchmarks
{
    public const int Escalations = 1_000_000;
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Playbooks = ["vip-cart-abandonment", "subscription-cancel-save", "post-purchase-risk", "winback-exclusions"];
    private static readonly string[] Channels = ["vip-saves", "subscription-saves", "cx-escalations", "retention-ops"];
    private static readonly string[] Reasons = ["price", "product", "service", "other"];

    private string _path = "";
    private SqliteStore _store = null!;
    private SqliteReport _report = null!;
    private CompilationResult _playbooks = null!;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"rp-report-bench-{Guid.NewGuid():N}.db");
        _store = new SqliteStore(_path, TimeProvider.System, fullSync: false);   // creates the schema
        _store.Database.Write((connection, transaction) => Seed(connection, transaction), CancellationToken.None).GetAwaiter().GetResult();
        _report = new SqliteReport(_store.Database);
        _playbooks = PlaybookCompiler.CompileDirectory(Corpus.PlaybooksDirectory);
    }

    private static bool Seed(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var escalation = Command(connection, transaction,
            """
            INSERT INTO escalations (id, inbox_id, playbook, customer_id, channel, target, dedupe_key, created_at, evaluated_at, sla_due_at, value,
                                     acknowledged_by, acknowledged_at, outcome, outcome_reason, outcome_by, outcome_at, sent_at, hold_written_at)
            VALUES ($id, $i, $p, $c, $ch, $t, NULL, $at, $at, $due, $v, $ab, $ack, $o, $r, $ob, $oat, $at, $hold)
            """);
        using var decision = Command(connection, transaction,
            "INSERT INTO decisions (inbox_id, playbook, outcome, reason, channel, escalation_id, created_at, kind) VALUES ($i, $p, $o, 'r', $ch, $e, $at, $k)");
        using var delivery = Command(connection, transaction,
            "INSERT INTO deliveries (id, escalation_id, kind, target, body, state, attempts, due_at, created_at) VALUES ($id, $e, $kind, $t, $b, 'Sent', 1, $at, $at)");
        var hold = """{"method":"PUT","path":"customers/c","body":{"retention_hold_until":1}}"""u8.ToArray();
        var post = """{"channel":"C1","text":"t"}"""u8.ToArray();
        var random = new Random(7);
        var month = TimeSpan.FromDays(30).TotalMilliseconds;
        for (var n = 0; n < Escalations; n++)
        {
            var k = n % Playbooks.Length;
            var at = Start.ToUnixTimeMilliseconds() + (long)(random.NextDouble() * month);
            var acked = n % 2 == 0 ? at + random.Next(60_000, 4 * 3_600_000) : (long?)null;
            var outcome = n % 3 == 0 ? "saved" : n % 6 == 1 ? "lost" : null;
            var id = $"E{n:D12}";
            Bind(escalation, ("$id", id), ("$i", n), ("$p", Playbooks[k]), ("$c", $"cus_{n % 200_000}"), ("$ch", Channels[k]), ("$t", "C1"), ("$at", at),
                ("$due", at + 7_200_000), ("$v", 50 + random.Next(0, 500)), ("$ab", acked is null ? null : "U1"), ("$ack", acked),
                ("$o", outcome), ("$r", outcome == "lost" ? Reasons[n % 4] : null), ("$ob", outcome is null ? null : "U1"),
                ("$oat", outcome is null ? null : (acked ?? at) + 600_000), ("$hold", k != 3 ? at : null));
            escalation.ExecuteNonQuery();
            Bind(decision, ("$i", n), ("$p", Playbooks[k]), ("$o", "escalated"), ("$ch", Channels[k]), ("$e", id), ("$at", at), ("$k", null));
            decision.ExecuteNonQuery();
            Bind(delivery, ("$id", id), ("$e", id), ("$kind", "Post"), ("$t", "C1"), ("$b", post), ("$at", at));
            delivery.ExecuteNonQuery();
            if (k != 3)
            {
                Bind(delivery, ("$id", id + "H"), ("$e", id), ("$kind", "CustomerIo"), ("$t", "customerio"), ("$b", hold), ("$at", at));
                delivery.ExecuteNonQuery();
            }
            if (n % 5 == 0)
            {
                Bind(decision, ("$i", n), ("$p", Playbooks[k]), ("$o", n % 10 == 0 ? "suppressed" : "skipped"), ("$ch", n % 10 == 0 ? Channels[k] : null), ("$e", null), ("$at", at),
                    ("$k", n % 10 == 0 ? "cooldown" : null));
                decision.ExecuteNonQuery();
            }
        }
        // What the processing transaction keeps as it writes each decision: the hourly counts the report reads.
        using var counts = Command(connection, transaction,
            """
            INSERT INTO decision_counts (hour, playbook, channel, outcome, kind, count)
            SELECT created_at / 3600000, playbook, COALESCE(channel, ''), outcome, COALESCE(kind, ''), COUNT(*) FROM decisions GROUP BY 1, 2, 3, 4, 5
            """);
        counts.ExecuteNonQuery();
        return true;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
    }

    /// <summary>The month's report, as GET /report builds it.</summary>
    [Benchmark]
    public int MonthOverAMillionEscalations()
    {
        var to = Start + TimeSpan.FromDays(30);
        var data = _report.ReadAsync(Start, to, to, CancellationToken.None).GetAwaiter().GetResult();
        return ReportBuilder.Build(data, _playbooks, Start, to, to).Rows.Count;
    }
}
