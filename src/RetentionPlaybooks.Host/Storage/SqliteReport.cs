using Microsoft.Data.Sqlite;
using RetentionPlaybooks.Host.Report;
using static RetentionPlaybooks.Host.Storage.SqliteDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// The outcome report's reads over a period: decisions by playbook, channel and kind; cases by playbook and channel
/// (acknowledged, SLA met or missed, saved, lost by reason, open, value at stake and saved, holds written); the times to
/// acknowledge; and the dashboard's series — in one pass over each table.
/// </summary>
internal sealed class SqliteReport(SqliteDatabase db) : IReportStore
{
    public Task<ReportData> ReadAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct) => db.Read(connection =>
    {
        var f = Ms(from);
        var t = Ms(to);
        var n = Ms(now);
        var data = new ReportData();
        // Profiled over a month of 1,000,000 escalations: read through the period's index, each row is a random page read,
        // and GROUP BY sorts in a temporary b-tree — 2–5 s a query. Decisions (the most numerous rows: every signal each
        // playbook judged) are read from their hourly counts; cases in one sequential pass, counted here.
        using (var q = Command(connection, null,
            """
            SELECT playbook, channel, outcome, kind, SUM(count) FROM decision_counts
            WHERE hour >= $fh AND hour < $th GROUP BY 1, 2, 3, 4
            """))
        {
            // Hours that begin in the period: counts are kept by the hour, so a period's edges are read to the hour.
            Bind(q, ("$fh", (f + 3_599_999) / 3_600_000), ("$th", (t + 3_599_999) / 3_600_000));
            using var r = q.ExecuteReader();
            while (r.Read()) data.Decisions.Add(new DecisionCount(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
        }

        var scan = MostOfTheTable(connection, "escalations", f, t) ? "NOT INDEXED" : "";
        // The pass is split by creation time over the cores (pooled read connections; WAL readers do not block each
        // other): reading and counting a million rows is the report's cost.
        var parts = Math.Clamp(Environment.ProcessorCount, 1, 4);
        var step = Math.Max(1, (t - f + parts - 1) / parts);
        var passes = Enumerable.Range(0, parts).Select(i => (From: f + i * step, To: Math.Min(t, f + (i + 1) * step))).Where(c => c.From < c.To)
            .AsParallel().AsOrdered().WithDegreeOfParallelism(parts)
            .Select(c => db.Read(conn => Pass.Scan(conn, scan, c.From, c.To, f, t, n)).GetAwaiter().GetResult()).ToList();
        var pass = passes.Aggregate(new Pass(), (all, one) => all.Merge(one));
        var outcomeDays = pass.AddTo(data);

        // Outcomes by the day they were marked: those of the period's cases came with the pass above; a case raised before
        // the period may be closed in it (read through the creation index: none when the period starts at the beginning).
        using (var q = Command(connection, null,
            "SELECT outcome_at, playbook, outcome, value FROM escalations WHERE created_at < $f AND outcome IS NOT NULL AND outcome_at >= $f AND outcome_at < $t AND dead_at IS NULL"))
        {
            Bind(q, ("$f", f), ("$t", t));
            using var r = q.ExecuteReader();
            while (r.Read()) AddOutcomeDay(outcomeDays, r.GetInt64(0), r.GetString(1), r.GetString(2) == "saved", r.IsDBNull(3) ? 0 : r.GetDouble(3));
        }
        data.OutcomeDays.AddRange(outcomeDays.Select(d => new OutcomeDay(d.Key.Item1, d.Key.Item2, d.Value.Saved, d.Value.Lost, Money(d.Value.Value))));
        using (var q = Command(connection, null,
            """
            SELECT e.playbook, e.channel, COUNT(*) FROM hold_violations v JOIN escalations e ON e.id = v.escalation_id
            WHERE v.sent_at >= $f AND v.sent_at < $t GROUP BY 1, 2
            """))
        {
            Bind(q, ("$f", f), ("$t", t));
            using var r = q.ExecuteReader();
            while (r.Read()) data.HoldViolations.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
        }
        return data;
    });

    private static readonly int Epoch = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    internal static void AddOutcomeDay(Dictionary<(DateOnly, string), (long Saved, long Lost, double Value)> days, long at, string playbook, bool saved, double value)
    {
        var key = (DateOnly.FromDayNumber(Epoch + (int)(at / 86_400_000)), playbook);
        var v = days.GetValueOrDefault(key);
        days[key] = (v.Saved + (saved ? 1 : 0), v.Lost + (saved ? 0 : 1), v.Value + (saved ? value : 0));
    }

    /// <summary>Whether [from, to) spans most of what the table holds (by its first and last creation time, read from the
    /// index): then a sequential scan beats the index.</summary>
    private static bool MostOfTheTable(SqliteConnection connection, string table, long from, long to)
    {
        using var q = Command(connection, null, $"SELECT MIN(created_at), MAX(created_at) FROM {table}");
        using var r = q.ExecuteReader();
        if (!r.Read() || r.IsDBNull(0)) return false;
        var (first, last) = (r.GetInt64(0), r.GetInt64(1));
        var covered = Math.Min(to, last + 1) - Math.Max(from, first);
        return covered * 2 > last + 1 - first;
    }

    /// <summary>One chunk of the escalations pass: its cases' tallies, lost reasons, days, outcome days and times to acknowledge.</summary>
    internal sealed class Pass
    {
        public Dictionary<(string, string), CaseTally> Cases { get; } = [];

        public Dictionary<(DateOnly, string), (long Saved, long Lost, double Value)> OutcomeDays { get; } = [];

        public Dictionary<(string, string, string), long> Lost { get; } = [];

        public Dictionary<(string, DateOnly), long> Days { get; } = [];

        /// <summary>The digests seen so far, each with its channel and the day of its first case: one message each.</summary>
        public Dictionary<string, (string Channel, DateOnly Day)> Digests { get; } = new(StringComparer.Ordinal);

        public void AddDigest(string id, (string Channel, DateOnly Day) at)
        {
            if (!Digests.TryGetValue(id, out var seen) || at.Day < seen.Day) Digests[id] = at;
        }

        public List<(string Playbook, string Channel, long Milliseconds)> Acks { get; } = [];

        /// <summary>Cases created in [<paramref name="from"/>, <paramref name="to"/>); outcomes counted by day when marked in the report's [f, t).</summary>
        public static Pass Scan(SqliteConnection connection, string scan, long from, long to, long f, long t, long n)
        {
            using var q = Command(connection, null,
                $"""
                SELECT playbook, channel, created_at, sla_due_at, value, acknowledged_at, outcome, outcome_reason, outcome_at, hold_written_at, digest_id
                FROM escalations {scan} WHERE created_at >= $f AND created_at < $t AND dead_at IS NULL
                """);
            Bind(q, ("$f", from), ("$t", to));
            using var r = q.ExecuteReader();
            return Read(r, f, t, n);
        }

        /// <summary>Tallies the rows of a cases query (playbook, channel, created_at, sla_due_at, value, acknowledged_at, outcome,
        /// outcome_reason, outcome_at, hold_written_at, digest_id), whichever engine ran it; outcomes counted by day when marked in
        /// [f, t). A channel's messages a day are its cases posted on their own, and one for each digest (on the day of its first
        /// case): a case rolled into a digest is a case, not a message.</summary>
        public static Pass Read(System.Data.Common.DbDataReader r, long f, long t, long n)
        {
            var pass = new Pass();
            var (cases, outcomeDays, lost, days) = (pass.Cases, pass.OutcomeDays, pass.Lost, pass.Days);
            while (r.Read())
            {
                var playbook = r.GetString(0);
                var channel = r.GetString(1);
                var created = r.GetInt64(2);
                long? due = r.IsDBNull(3) ? null : r.GetInt64(3);
                var value = r.IsDBNull(4) ? 0d : r.GetDouble(4);
                long? acked = r.IsDBNull(5) ? null : r.GetInt64(5);
                var outcome = r.IsDBNull(6) ? null : r.GetString(6);
                long? outcomeAt = r.IsDBNull(8) ? null : r.GetInt64(8);
                if (!cases.TryGetValue((playbook, channel), out var tally)) cases[(playbook, channel)] = tally = new CaseTally();
                tally.Cases++;
                tally.ValueAtStake += value;
                if (acked is { } a)
                {
                    tally.Acknowledged++;
                    pass.Acks.Add((playbook, channel, Math.Max(0, a - created)));
                }
                // The SLA is met when the first human action (acknowledgement or outcome) came by its end, missed when it
                // came later or the end passed with none.
                var first = acked ?? outcomeAt;
                if (due is { } end)
                {
                    if (first is { } act) { if (act <= end) tally.SlaMet++; else tally.SlaMissed++; }
                    else if (end <= n) tally.SlaMissed++;
                }
                if (outcomeAt is { } marked && marked >= f && marked < t) AddOutcomeDay(outcomeDays, marked, playbook, outcome == "saved", value);
                switch (outcome)
                {
                    case "saved":
                        tally.Saved++;
                        tally.ValueSaved += value;
                        break;
                    case "lost":
                        tally.Lost++;
                        var reason = (playbook, channel, r.IsDBNull(7) ? "other" : r.GetString(7));
                        lost[reason] = lost.GetValueOrDefault(reason) + 1;
                        break;
                    default:
                        tally.Open++;
                        break;
                }
                if (!r.IsDBNull(9)) tally.HoldsWritten++;
                var day = (channel, DateOnly.FromDayNumber(Epoch + (int)(created / 86_400_000)));
                if (r.IsDBNull(10)) days[day] = days.GetValueOrDefault(day) + 1;
                else pass.AddDigest(r.GetString(10), day);
            }
            return pass;
        }

        /// <summary>Adds the cases, lost reasons, channel days and times to acknowledge to the report's data; returns the outcome
        /// days, to which outcomes of cases raised before the period are still to be added.</summary>
        public Dictionary<(DateOnly, string), (long Saved, long Lost, double Value)> AddTo(ReportData data)
        {
            data.AckMilliseconds.AddRange(Acks);
            foreach (var ((playbook, channel), c) in Cases)
            {
                data.Cases.Add(new CaseCount(playbook, channel, c.Cases, c.Acknowledged, c.SlaMet, c.SlaMissed, c.Saved, c.Lost, c.Open,
                    Money(c.ValueAtStake), Money(c.ValueSaved), c.HoldsWritten));
            }
            data.LostReasons.AddRange(Lost.Select(l => (l.Key.Item1, l.Key.Item2, l.Key.Item3, l.Value)));
            var messages = new Dictionary<(string, DateOnly), long>(Days);
            foreach (var at in Digests.Values) messages[at] = messages.GetValueOrDefault(at) + 1;
            data.ChannelDays.AddRange(messages.Select(d => (d.Key.Item1, d.Key.Item2, d.Value)));
            return OutcomeDays;
        }

        public Pass Merge(Pass other)
        {
            foreach (var (key, c) in other.Cases)
            {
                if (!Cases.TryGetValue(key, out var mine)) Cases[key] = mine = new CaseTally();
                mine.Add(c);
            }
            foreach (var (key, v) in other.OutcomeDays)
            {
                var m = OutcomeDays.GetValueOrDefault(key);
                OutcomeDays[key] = (m.Saved + v.Saved, m.Lost + v.Lost, m.Value + v.Value);
            }
            foreach (var (key, v) in other.Lost) Lost[key] = Lost.GetValueOrDefault(key) + v;
            foreach (var (key, v) in other.Days) Days[key] = Days.GetValueOrDefault(key) + v;
            foreach (var (id, at) in other.Digests) AddDigest(id, at);
            Acks.AddRange(other.Acks);
            return this;
        }
    }

    internal sealed class CaseTally
    {
        public long Cases, Acknowledged, SlaMet, SlaMissed, Saved, Lost, Open, HoldsWritten;
        public double ValueAtStake, ValueSaved;

        public void Add(CaseTally o)
        {
            (Cases, Acknowledged, SlaMet, SlaMissed, Saved, Lost, Open, HoldsWritten) =
                (Cases + o.Cases, Acknowledged + o.Acknowledged, SlaMet + o.SlaMet, SlaMissed + o.SlaMissed, Saved + o.Saved, Lost + o.Lost, Open + o.Open, HoldsWritten + o.HoldsWritten);
            (ValueAtStake, ValueSaved) = (ValueAtStake + o.ValueAtStake, ValueSaved + o.ValueSaved);
        }
    }

    /// <summary>Amounts are stored as REAL; in the report they are decimals rounded to cents (past ±1e15, clamped).</summary>
    internal static decimal Money(double value) =>
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

    public List<(string Playbook, string Channel, long Count)> HoldViolations { get; } = [];
}
