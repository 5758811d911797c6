namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// The outcome report over a period (issue #10 item 7): one row per playbook, channel and owner, the totals, and the
/// series the dashboard draws. No customer data: playbook, channel and owner names, counts, times and amounts only.
/// Serialised as JSON with snake_case names (GET /report), flattened for CSV.
/// </summary>
internal sealed record ReportModel(
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<ReportRow> Rows,
    ReportFigures Totals,
    IReadOnlyList<ChannelDay> ChannelDays,
    IReadOnlyList<OutcomeDay> OutcomeDays,
    IReadOnlyList<AckTimes> AckTimes);

/// <summary>One playbook's figures in one channel with one owner.</summary>
internal sealed record ReportRow(string Playbook, string Channel, string Owner, ReportFigures Figures);

/// <summary>
/// What a row (or the totals) counts. Time to acknowledge excludes unacknowledged cases (as PagerDuty's MTTA does);
/// <paramref name="SlaMet"/> counts cases whose first human action (acknowledgement or outcome) came by the SLA's end,
/// <paramref name="SlaMissed"/> those whose SLA passed first; <paramref name="SlaMetPercent"/> is of the cases whose SLA is
/// decided (met or missed: a case still inside its SLA is neither), the other percentages of the escalated cases; null when none.
/// <paramref name="ValueAtStake"/>: the sum of the playbook's declared value over escalated cases; <paramref name="ValueSaved"/>
/// over saved ones.
/// </summary>
internal sealed record ReportFigures(
    long Signals,
    long Escalated,
    IReadOnlyDictionary<string, long> Suppressed,
    long Inhibited,
    long Acknowledged,
    double? AcknowledgedPercent,
    double? MedianSecondsToAcknowledge,
    double? P90SecondsToAcknowledge,
    long SlaMet,
    long SlaMissed,
    double? SlaMetPercent,
    long Saved,
    long Lost,
    IReadOnlyDictionary<string, long> LostByReason,
    long Open,
    decimal ValueAtStake,
    decimal ValueSaved,
    long HoldsWritten,
    long HoldViolations);

/// <summary>Messages posted to a channel on one day (UTC), against its daily budget.</summary>
internal sealed record ChannelDay(DateOnly Date, string Channel, int Budget, long Messages);

/// <summary>Saved and lost cases of a playbook on one day (UTC, by the outcome's time), and the value saved.</summary>
internal sealed record OutcomeDay(DateOnly Date, string Playbook, long Saved, long Lost, decimal ValueSaved);

/// <summary>A playbook's SLA and its acknowledged cases' times to acknowledge, in seconds (at most 1,000, the latest).</summary>
internal sealed record AckTimes(string Playbook, double SlaSeconds, IReadOnlyList<double> Seconds);
