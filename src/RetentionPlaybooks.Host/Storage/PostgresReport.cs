using RetentionPlaybooks.Host.Report;
using static RetentionPlaybooks.Host.Storage.PostgresDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>The outcome report's reads on PostgreSQL: the same queries as <see cref="SqliteReport"/>, the cases tallied by the same
/// <see cref="SqliteReport.Pass"/> (one pass over the period's escalations; PostgreSQL's planner picks the scan itself).</summary>
internal sealed class PostgresReport(PostgresDatabase db) : IReportStore
{
    public Task<ReportData> ReadAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct) => db.ReadAsync(async connection =>
    {
        var (f, t, n) = (Ms(from), Ms(to), Ms(now));
        var data = new ReportData();
        await using (var q = Command(connection, null,
            "SELECT playbook, channel, outcome, kind, SUM(count)::bigint FROM decision_counts WHERE hour >= @fh AND hour < @th GROUP BY 1, 2, 3, 4"))
        {
            // Hours that begin in the period: counts are kept by the hour, so a period's edges are read to the hour.
            Bind(q, ("fh", (f + 3_599_999) / 3_600_000), ("th", (t + 3_599_999) / 3_600_000));
            await using var r = await q.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) data.Decisions.Add(new DecisionCount(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
        }

        SqliteReport.Pass pass;
        await using (var q = Command(connection, null,
            """
            SELECT playbook, channel, created_at, sla_due_at, value, acknowledged_at, outcome, outcome_reason, outcome_at, hold_written_at, digest_id
            FROM escalations WHERE created_at >= @f AND created_at < @t AND dead_at IS NULL
            """))
        {
            Bind(q, ("f", f), ("t", t));
            await using var r = await q.ExecuteReaderAsync(ct).ConfigureAwait(false);
            pass = SqliteReport.Pass.Read(r, f, t, n);
        }
        var outcomeDays = pass.AddTo(data);

        // A case raised before the period may be closed in it.
        await using (var q = Command(connection, null,
            "SELECT outcome_at, playbook, outcome, value FROM escalations WHERE created_at < @f AND outcome IS NOT NULL AND outcome_at >= @f AND outcome_at < @t AND dead_at IS NULL"))
        {
            Bind(q, ("f", f), ("t", t));
            await using var r = await q.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) SqliteReport.AddOutcomeDay(outcomeDays, r.GetInt64(0), r.GetString(1), r.GetString(2) == "saved", r.IsDBNull(3) ? 0 : r.GetDouble(3));
        }
        data.OutcomeDays.AddRange(outcomeDays.Select(d => new OutcomeDay(d.Key.Item1, d.Key.Item2, d.Value.Saved, d.Value.Lost, SqliteReport.Money(d.Value.Value))));
        await using (var q = Command(connection, null,
            """
            SELECT e.playbook, e.channel, COUNT(*) FROM hold_violations v JOIN escalations e ON e.id = v.escalation_id
            WHERE v.sent_at >= @f AND v.sent_at < @t GROUP BY 1, 2
            """))
        {
            Bind(q, ("f", f), ("t", t));
            await using var r = await q.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) data.HoldViolations.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
        }
        return data;
    }, ct);
}
