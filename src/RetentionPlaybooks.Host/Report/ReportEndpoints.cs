using System.Globalization;
using System.Text;
using RetentionPlaybooks.Host.Health;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Report;

/// <summary>GET /report (json or csv) and GET /dashboard (HTML charts): the outcome report over a period, for operators only.</summary>
internal static class ReportEndpoints
{
    /// <summary>The default period: the last 30 days.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);

    /// <summary>The longest period one request may ask for (ten years).</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(3660);

    public static IEndpointRouteBuilder MapReport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/report", async (string? format, string? from, string? to, IReportStore store, PlaybookCatalog catalog, TimeProvider time, CancellationToken ct) =>
        {
            if (Period(from, to, time.GetUtcNow()) is not { } period) return PeriodProblem();
            var kind = (format ?? "json").ToLowerInvariant();
            if (kind is not ("json" or "csv")) return Results.Problem(statusCode: 400, detail: $"unknown format \"{format}\"; use json or csv");
            var report = await BuildAsync(store, catalog, period, time, ct).ConfigureAwait(false);
            return kind == "csv" ? Results.Text(Csv(report), "text/csv; charset=utf-8") : Results.Json(report);
        }).ForOperators();
        // The same report drawn for people: self-contained HTML (inline SVG, no script, nothing fetched from elsewhere).
        app.MapGet("/dashboard", async (string? from, string? to, IReportStore store, PlaybookCatalog catalog, TimeProvider time, CancellationToken ct) =>
        {
            if (Period(from, to, time.GetUtcNow()) is not { } period) return PeriodProblem();
            var report = await BuildAsync(store, catalog, period, time, ct).ConfigureAwait(false);
            return Results.Content(DashboardPage.Render(report), "text/html; charset=utf-8");
        }).ForOperators();
        return app;
    }

    internal static async Task<ReportModel> BuildAsync(IReportStore store, PlaybookCatalog catalog, (DateTimeOffset From, DateTimeOffset To) period, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var data = await store.ReadAsync(period.From, period.To, now, ct).ConfigureAwait(false);
        return ReportBuilder.Build(data, catalog.Current, period.From, period.To, now);
    }

    internal static IResult PeriodProblem() => Results.Problem(statusCode: 400,
        detail: "from and to are ISO 8601 dates or times (2026-11-01 or 2026-11-01T09:00:00Z), from before to, at most 3660 days apart; the default is the last 30 days");

    /// <summary>[from, to): dates or instants (a date is midnight UTC; a bare to-date includes that day). Null when unreadable.</summary>
    internal static (DateTimeOffset From, DateTimeOffset To)? Period(string? from, string? to, DateTimeOffset now)
    {
        DateTimeOffset end;
        // By default up to now included: what happened this very millisecond counts.
        if (string.IsNullOrEmpty(to)) end = now.AddMilliseconds(1);
        else if (DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var toDay) && toDay < DateOnly.MaxValue) end = Midnight(toDay.AddDays(1));
        else if (DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var toAt)) end = toAt.ToUniversalTime();
        else return null;
        DateTimeOffset start;
        if (string.IsNullOrEmpty(from)) start = end - DefaultPeriod > DateTimeOffset.UnixEpoch ? end - DefaultPeriod : DateTimeOffset.UnixEpoch;
        else if (DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var fromDay)) start = Midnight(fromDay);
        else if (DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var fromAt)) start = fromAt.ToUniversalTime();
        else return null;
        if (start >= end || end - start > MaxPeriod || start < DateTimeOffset.UnixEpoch) return null;
        return (start, end);
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static readonly string[] SuppressionKinds = ["cooldown", "dedupe", "daily_cap", "channel_budget"];

    /// <summary>One line per row and a total, the columns of the JSON figures (suppressions and lost reasons spread out).</summary>
    internal static string Csv(ReportModel report)
    {
        var reasons = report.Totals.LostByReason.Keys.Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder();
        var header = new List<string> { "playbook", "channel", "owner", "signals", "escalated" };
        header.AddRange(SuppressionKinds.Select(k => "suppressed_" + k));
        header.AddRange(["inhibited", "acknowledged", "acknowledged_pct", "median_seconds_to_acknowledge", "p90_seconds_to_acknowledge", "sla_met", "sla_missed", "sla_met_pct",
            "saved", "lost"]);
        header.AddRange(reasons.Select(r => "lost_" + r));
        header.AddRange(["open", "value_at_stake", "value_saved", "holds_written", "hold_violations"]);
        csv.AppendJoin(',', header.Select(Cell)).Append("\r\n");
        foreach (var row in report.Rows) Line(row.Playbook, row.Channel, row.Owner, row.Figures);
        Line("TOTAL", "", "", report.Totals);
        return csv.ToString();

        void Line(string playbook, string channel, string owner, ReportFigures f)
        {
            var cells = new List<string> { playbook, channel, owner, N(f.Signals), N(f.Escalated) };
            cells.AddRange(SuppressionKinds.Select(k => N(f.Suppressed.GetValueOrDefault(k))));
            cells.AddRange([N(f.Inhibited), N(f.Acknowledged), D(f.AcknowledgedPercent), D(f.MedianSecondsToAcknowledge), D(f.P90SecondsToAcknowledge),
                N(f.SlaMet), N(f.SlaMissed), D(f.SlaMetPercent), N(f.Saved), N(f.Lost)]);
            cells.AddRange(reasons.Select(r => N(f.LostByReason.GetValueOrDefault(r))));
            cells.AddRange([N(f.Open), f.ValueAtStake.ToString("0.00", CultureInfo.InvariantCulture), f.ValueSaved.ToString("0.00", CultureInfo.InvariantCulture),
                N(f.HoldsWritten), N(f.HoldViolations)]);
            csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        }
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string D(double? d) => d is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "";

    /// <summary>RFC 4180 quoting, and a text a spreadsheet would run as a formula (=, +, -, @) defused with a leading quote.</summary>
    internal static string Cell(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '@' or '\t' or '\r' || (text.Length > 1 && text[0] == '-' && !char.IsAsciiDigit(text[1]))) text = "'" + text;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
