using static RetentionPlaybooks.Host.Report.DashboardFormat;

namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// One playbook's figures across its channels and owners, as the playbook charts draw them. Counts add up across rows;
/// a median does not, so a playbook with acknowledged cases in several rows takes its median and p90 from its sample of
/// times to acknowledge (<see cref="TimesFromSample"/>).
/// </summary>
internal sealed record DashboardPlaybook(
    string Name,
    long Escalated,
    long Acknowledged,
    long SlaMet,
    long SlaMissed,
    long Saved,
    long Lost,
    long Open,
    IReadOnlyList<KeyValuePair<string, long>> LostByReason,
    double? MedianSeconds,
    double? P90Seconds,
    bool TimesFromSample,
    double? SlaSeconds,
    IReadOnlyList<double> Seconds,
    int InvalidSeconds)
{
    public static List<DashboardPlaybook> From(ReportModel report)
    {
        var rows = report.Rows.ToLookup(r => r.Playbook ?? string.Empty, StringComparer.Ordinal);
        var times = report.AckTimes.ToLookup(a => a.Playbook ?? string.Empty, StringComparer.Ordinal);
        return rows.Select(g => g.Key).Union(times.Select(g => g.Key), StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(name => Of(name, rows[name].Select(r => r.Figures).ToList(), times[name].ToList()))
            .ToList();
    }

    private static DashboardPlaybook Of(string name, List<ReportFigures> rows, List<AckTimes> times)
    {
        long Sum(Func<ReportFigures, long> figure) => rows.Aggregate(0L, (sum, r) => Add(sum, Math.Max(0, figure(r))));
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (reason, count) in rows.SelectMany(r => r.LostByReason ?? new Dictionary<string, long>()))
        {
            reasons[reason] = Add(reasons.GetValueOrDefault(reason), Math.Max(0, count));
        }

        var all = times.SelectMany(t => t.Seconds ?? []).ToList();
        var seconds = all.Where(s => double.IsFinite(s) && s >= 0).ToList();
        var sla = times.Select(t => t.SlaSeconds).FirstOrDefault(s => double.IsFinite(s) && s > 0);
        var acknowledged = rows.Where(r => r.MedianSecondsToAcknowledge is not null).ToList();
        var fromSample = acknowledged.Count != 1;
        var sorted = seconds.Order().ToList();
        return new(
            name,
            Sum(r => r.Escalated),
            Sum(r => r.Acknowledged),
            Sum(r => r.SlaMet),
            Sum(r => r.SlaMissed),
            Sum(r => r.Saved),
            Sum(r => r.Lost),
            Sum(r => r.Open),
            reasons.OrderByDescending(r => r.Value).ToList(),
            fromSample ? Median(sorted) : acknowledged[0].MedianSecondsToAcknowledge,
            fromSample ? Percentile(sorted, 0.9) : acknowledged[0].P90SecondsToAcknowledge,
            fromSample && sorted.Count > 0,
            sla > 0 ? sla : null,
            seconds,
            all.Count - seconds.Count);
    }

    private static double? Median(List<double> sorted) => sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] / 2) + (sorted[sorted.Count / 2] / 2);

    /// <summary>Nearest rank, the definition a reader can check by counting dots.</summary>
    private static double? Percentile(List<double> sorted, double p)
        => sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
