using Microsoft.Data.Sqlite;
using RetentionPlaybooks.Host.Report;
using static RetentionPlaybooks.Host.Storage.SqliteDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// The outcome report's reads over a period: decisions by playbook, channel and kind; cases by playbook and channel
/// (acknowledged, SLA met or missed, saved, lost by reason, open, value at stake and saved, holds written); the times to
/// acknowledge; and the dashboard's series. Counting is done in SQL (GROUP BY over the period's indexes); only the times
/// to acknowledge come back one by one, for their median and 90th percentile.
/// </summary>
internal sealed class SqliteReport(SqliteDatabase db) : IReportStore
{
    public Task<ReportData> ReadAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct) => db.Read(connection =>
    {
        var f = Ms(from);
        var t = Ms(to);
        var data = new ReportData();
        using (var q = Command(connection, null,
            """
            SELECT playbook, COALESCE(channel, ''), outcome, COALESCE(kind, ''), COUNT(*) FROM decisions
            WHERE created_at >= $f AND created_at < $t AND playbook <> '-' GROUP BY 1, 2, 3, 4
            """))
        {
            Bind(q, ("$f", f), ("$t", t));
            using var r = q.ExecuteReader();
            while (r.Read()) data.Decisions.Add(new DecisionCount(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
        }
        using (var q = Command(connection, null,
            """
            SELECT e.playbook, e.channel, COUNT(*),
                   SUM(e.acknowledged_at IS NOT NULL),
                   SUM(e.sla_due_at IS NOT NULL AND COALESCE(e.acknowledged_at, e.outcome_at) <= e.sla_due_at),
                   SUM(e.sla_due_at IS NOT NULL AND (COALESCE(e.acknowledged_at, e.outcome_at) > e.sla_due_at
                       OR (e.acknowledged_at IS NULL AND e.outcome_at IS NULL AND e.sla_due_at <= $n))),
                   SUM(e.outcome = 'saved'), SUM(e.outcome = 'lost'), SUM(e.outcome IS NULL),
                   TOTAL(e.value), TOTAL(CASE WHEN e.outcome = 'saved' THEN e.value END),
                   SUM(EXISTS (SELECT 1 FROM deliveries d WHERE d.escalation_id = e.id AND d.kind = 'CustomerIo' AND d.state = 'Sent'
                               AND d.created_at = e.created_at AND CAST(d.body AS TEXT) LIKE '{"method":"PUT"%'))
            FROM escalations e WHERE e.created_at >= $f AND e.created_at < $t AND e.dead_at IS NULL GROUP BY 1, 2
            """))
        {
            Bind(q, ("$f", f), ("$t", t), ("$n", Ms(now)));
            using var r = q.ExecuteReader();
            while (r.Read())
            {
                data.Cases.Add(new CaseCount(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
                    r.GetInt64(7), r.GetInt64(8), Money(r.GetDouble(9)), Money(r.GetDouble(10)), r.GetInt64(11)));
            }
        }
        using (var q = Command(connection, null,
            """
            SELECT playbook, channel, COALESCE(outcome_reason, 'other'), COUNT(*) FROM escalations
            WHERE created_at >= $f AND created_at < $t AND dead_at IS NULL AND outcome = 'lost' GROUP BY 1, 2, 3
            """))
        {
            Bind(q, ("$f", f), ("$t", t));
            using var r = q.ExecuteReader();
            while (r.Read()) data.LostReasons.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3)));
        }
        using (var q = Command(connection, null,
            """
            SELECT playbook, channel, acknowledged_at - created_at FROM escalations
            WHERE created_at >= $f AND created_at < $t AND dead_at IS NULL AND acknowledged_at IS NOT NULL ORDER BY created_at
            """))
        {
            Bind(q, ("$f", f), ("$t", t));
            using var r = q.ExecuteReader();
            while (r.Read()) data.AckMilliseconds.Add((r.GetString(0), r.GetString(1), Math.Max(0, r.GetInt64(2))));
        }
        using (var q = Command(connection, null,
            """
            SELECT channel, created_at / 86400000, COUNT(*) FROM escalations
            WHERE created_at >= $f AND created_at < $t AND dead_at IS NULL GROUP BY 1, 2
            """))
        {
            Bind(q, ("$f", f), ("$t", t));
            using var r = q.ExecuteReader();
            while (r.Read()) data.ChannelDays.Add((r.GetString(0), DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)r.GetInt64(1)), r.GetInt64(2)));
        }
        using (var q = Command(connection, null,
            """
            SELECT outcome_at / 86400000, playbook, SUM(outcome = 'saved'), SUM(outcome = 'lost'), TOTAL(CASE WHEN outcome = 'saved' THEN value END) FROM escalations
            WHERE outcome IS NOT NULL AND outcome_at >= $f AND outcome_at < $t AND dead_at IS NULL GROUP BY 1, 2
            """))
        {
            Bind(q, ("$f", f), ("$t", t));
            using var r = q.ExecuteReader();
            while (r.Read())
            {
                data.OutcomeDays.Add(new OutcomeDay(DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)r.GetInt64(0)), r.GetString(1),
                    r.GetInt64(2), r.GetInt64(3), Money(r.GetDouble(4))));
            }
        }
        return data;
    });

    /// <summary>Amounts are stored as REAL; in the report they are decimals rounded to cents (past ±1e15, clamped).</summary>
    private static decimal Money(double value) =>
        double.IsFinite(value) ? Math.Round((decimal)Math.Clamp(value, -1e15, 1e15), 2) : 0m;
}

/// <summary>What the report reads from the store; the report builder turns it into rows.</summary>
internal interface IReportStore
{
    /// <summary>The period [<paramref name="from"/>, <paramref name="to"/>): signals and cases created in it, outcomes marked in it.
    /// <paramref name="now"/>: an unacknowledged case whose SLA ended before it has missed its SLA.</summary>
    Task<ReportData> ReadAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct);
}

/// <summary>Decisions of a playbook (and channel, when a route chose one) by outcome and suppression kind.</summary>
internal sealed record DecisionCount(string Playbook, string Channel, string Outcome, string Kind, long Count);

/// <summary>A playbook's cases in a channel.</summary>
internal sealed record CaseCount(string Playbook, string Channel, long Cases, long Acknowledged, long SlaMet, long SlaMissed, long Saved, long Lost, long Open,
    decimal ValueAtStake, decimal ValueSaved, long HoldsWritten);

/// <summary>The report's raw reads.</summary>
internal sealed class ReportData
{
    public List<DecisionCount> Decisions { get; } = [];

    public List<CaseCount> Cases { get; } = [];

    public List<(string Playbook, string Channel, string Reason, long Count)> LostReasons { get; } = [];

    public List<(string Playbook, string Channel, long Milliseconds)> AckMilliseconds { get; } = [];

    public List<(string Channel, DateOnly Day, long Messages)> ChannelDays { get; } = [];

    public List<OutcomeDay> OutcomeDays { get; } = [];
}
