using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// Turns the store's counts into the report: one row per playbook and channel (with the playbook's current owner), the
/// totals, and the dashboard's series. Percentages are of the escalated cases; times to acknowledge exclude cases nobody
/// acknowledged (as PagerDuty's MTTA does); a median or percentile of no cases is null, never zero.
/// </summary>
internal static class ReportBuilder
{
    /// <summary>How many times to acknowledge each playbook's series keeps for the dashboard (the latest).</summary>
    public const int AckTimesKept = 1000;

    public static ReportModel Build(ReportData data, CompilationResult playbooks, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var keys = data.Decisions.Where(d => d.Channel.Length > 0).Select(d => (d.Playbook, d.Channel))
            .Concat(data.Cases.Select(c => (c.Playbook, c.Channel)))
            .Concat(data.Decisions.Where(d => d.Channel.Length == 0).Select(d => (d.Playbook, Channel: "")))
            .Distinct().Order().ToList();
        // A signal a playbook skipped before routing has no channel: it counts in the playbook's row without one, unless
        // the playbook has exactly one channel row to put it in.
        var channelsOf = keys.Where(k => k.Channel.Length > 0).GroupBy(k => k.Playbook).ToDictionary(g => g.Key, g => g.Select(k => k.Channel).ToList());
        string Place(string playbook, string channel) =>
            channel.Length > 0 ? channel : channelsOf.TryGetValue(playbook, out var list) && list.Count == 1 ? list[0] : "";
        keys = [.. keys.Select(k => (k.Playbook, Place(k.Playbook, k.Channel))).Distinct().Order()];

        var rows = new List<ReportRow>(keys.Count);
        foreach (var (playbook, channel) in keys)
        {
            var decisions = data.Decisions.Where(d => d.Playbook == playbook && Place(d.Playbook, d.Channel) == channel).ToList();
            var cases = data.Cases.Where(c => c.Playbook == playbook && c.Channel == channel).ToList();
            var lost = data.LostReasons.Where(l => l.Playbook == playbook && l.Channel == channel).ToList();
            var acks = data.AckMilliseconds.Where(a => a.Playbook == playbook && a.Channel == channel).Select(a => a.Milliseconds / 1000.0).ToList();
            var owner = playbooks.Playbooks.FirstOrDefault(p => p.Id == playbook)?.Owner.Name ?? "";
            var violations = data.HoldViolations.Where(v => v.Playbook == playbook && v.Channel == channel).Sum(v => v.Count);
            rows.Add(new ReportRow(playbook, channel.Length > 0 ? channel : "-", owner, Figures(decisions, cases, lost, acks) with { HoldViolations = violations }));
        }
        var totals = Figures(data.Decisions, data.Cases, data.LostReasons, [.. data.AckMilliseconds.Select(a => a.Milliseconds / 1000.0)])
            with { HoldViolations = data.HoldViolations.Sum(v => v.Count) };

        var budgets = playbooks.Workspace?.Channels ?? new Dictionary<string, Workspace.ChannelSymbol>();
        var channelDays = data.ChannelDays.OrderBy(d => d.Channel, StringComparer.Ordinal).ThenBy(d => d.Day)
            .Select(d => new ChannelDay(d.Day, d.Channel, budgets.TryGetValue(d.Channel, out var c) ? c.DailyBudget : 0, d.Messages)).ToList();
        var outcomeDays = data.OutcomeDays.OrderBy(d => d.Date).ThenBy(d => d.Playbook, StringComparer.Ordinal).ToList();
        var ackTimes = data.AckMilliseconds.GroupBy(a => a.Playbook).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AckTimes(g.Key, playbooks.Playbooks.FirstOrDefault(p => p.Id == g.Key)?.Sla.TotalSeconds ?? 0,
                [.. g.TakeLast(AckTimesKept).Select(a => a.Milliseconds / 1000.0)]))
            .ToList();
        return new ReportModel(from, to, now, rows, totals, channelDays, outcomeDays, ackTimes);
    }

    private static ReportFigures Figures(IEnumerable<DecisionCount> decisions, IEnumerable<CaseCount> cases,
        IEnumerable<(string Playbook, string Channel, string Reason, long Count)> lost, List<double> ackSeconds)
    {
        var d = decisions.ToList();
        var c = cases.ToList();
        var suppressed = d.Where(x => x.Outcome == "suppressed").GroupBy(x => x.Kind.Length > 0 ? x.Kind : "other")
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        var escalated = c.Sum(x => x.Cases);
        var acknowledged = c.Sum(x => x.Acknowledged);
        var slaMet = c.Sum(x => x.SlaMet);
        var slaMissed = c.Sum(x => x.SlaMissed);
        ackSeconds.Sort();
        return new ReportFigures(
            Signals: d.Sum(x => x.Count),
            Escalated: escalated,
            Suppressed: suppressed,
            Inhibited: d.Where(x => x.Outcome == "inhibited").Sum(x => x.Count),
            Acknowledged: acknowledged,
            AcknowledgedPercent: Percent(acknowledged, escalated),
            MedianSecondsToAcknowledge: Percentile(ackSeconds, 0.5),
            P90SecondsToAcknowledge: Percentile(ackSeconds, 0.9),
            SlaMet: slaMet,
            SlaMissed: slaMissed,
            // Of the cases whose SLA is decided: one still inside its SLA has neither met nor missed it yet.
            SlaMetPercent: Percent(slaMet, slaMet + slaMissed),
            Saved: c.Sum(x => x.Saved),
            Lost: c.Sum(x => x.Lost),
            LostByReason: lost.GroupBy(x => x.Reason).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Count)),
            Open: c.Sum(x => x.Open),
            ValueAtStake: c.Sum(x => x.ValueAtStake),
            ValueSaved: c.Sum(x => x.ValueSaved),
            HoldsWritten: c.Sum(x => x.HoldsWritten),
            HoldViolations: 0);
    }

    private static double? Percent(long part, long whole) => whole == 0 ? null : Math.Round(100.0 * part / whole, 1);

    /// <summary>The nearest-rank percentile of sorted values (the value at rank ⌈p·n⌉); null for none.</summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return null;
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
