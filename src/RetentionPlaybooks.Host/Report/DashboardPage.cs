using System.Text;
using static RetentionPlaybooks.Host.Report.DashboardFormat;

namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// The outcome dashboard (GET /dashboard) as one self-contained HTML page: inline CSS and server-drawn SVG, no script
/// and nothing fetched from elsewhere, because the host may run where nothing outside is reachable. A pure function of
/// the report, so it is tested without a host; each chart is an <c>svg role="img"</c> whose label states its numbers,
/// with the exact figures in a table beneath. Test hooks: <c>data-figure</c> on the headline figures, <c>data-channel</c>
/// and <c>data-over-budget-days</c> on each channel's chart, <c>id</c> on each section.
/// </summary>
internal static class DashboardPage
{
    public static string Render(ReportModel report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report = report with
        {
            Rows = report.Rows ?? [],
            ChannelDays = report.ChannelDays ?? [],
            OutcomeDays = report.OutcomeDays ?? [],
            AckTimes = report.AckTimes ?? [],
        };
        var days = DashboardDays.Of(report, report.ChannelDays.Select(d => d.Date).Concat(report.OutcomeDays.Select(d => d.Date)));
        var period = $"{Day(days.First)} – {Day(days.Last)}";

        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Retention outcomes · ").Append(period).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<header>\n<h1>Retention outcomes</h1>\n<p class=\"period\">")
            .Append($"<time datetime=\"{IsoTimestamp(report.From)}\">{Day(days.First)}</time> – <time datetime=\"{IsoTimestamp(report.To)}\">{Day(days.Last)}</time>")
            .Append(" (UTC, ").Append(Count(days.Count)).Append(days.Count == 1 ? " day" : " days").Append(") · generated ")
            .Append($"<time datetime=\"{IsoTimestamp(report.GeneratedAt)}\">{Timestamp(report.GeneratedAt)}</time></p>\n</header>\n<main>\n");
        var totals = report.Totals;

        if (IsEmpty(report))
        {
            html.Append("<section id=\"empty\" class=\"empty\">\n<h2>No escalations in this period</h2>\n<p>Nothing was escalated between ")
                .Append(Day(days.First)).Append(" and ").Append(Day(days.Last)).Append('.')
                .Append(totals is { Signals: > 0 } ? $" {Count(totals.Signals)} signals arrived; none was escalated." : string.Empty)
                .Append(" The charts appear here once cases come in.</p>\n</section>\n</main>\n</body>\n</html>\n");
            return html.ToString();
        }

        if (totals is not null) AppendHeadline(html, totals);
        html.Append("<nav aria-label=\"Charts\"><a href=\"#channels\">Messages per channel</a> · <a href=\"#acknowledge\">Time to acknowledge</a>")
            .Append(" · <a href=\"#outcomes\">Saved and lost</a> · <a href=\"#value\">Value saved</a></nav>\n");

        var playbooks = DashboardPlaybook.From(report);
        Section(html, "channels", "Messages per channel per day",
            "Bars are the messages posted each day (UTC); the dashed line is the channel’s daily budget; orange bars went over it.",
            h => DashboardChannelCharts.Append(h, report.ChannelDays, days));
        Section(html, "acknowledge", "Time to acknowledge against the SLA",
            "Each dot is an acknowledged case, placed by how long it waited measured in its playbook’s SLA.",
            h => DashboardAckChart.Append(h, playbooks));
        Section(html, "outcomes", "Saved and lost per playbook", "Each bar is the playbook’s decided cases, split at its save rate.",
            h => DashboardOutcomeChart.Append(h, playbooks));
        Section(html, "value", "Value saved over time", "The running total of the value of saved cases, all playbooks together.",
            h => DashboardValueChart.Append(h, report.OutcomeDays, days));
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static bool IsEmpty(ReportModel report)
        => report.Totals is not { Escalated: > 0 } && report.Rows.All(r => r.Figures is not { Escalated: > 0 })
            && report.ChannelDays.All(d => d.Messages <= 0) && report.OutcomeDays.Count == 0 && report.AckTimes.All(a => a.Seconds is not { Count: > 0 });

    private static void Section(StringBuilder html, string id, string heading, string lede, Action<StringBuilder> chart)
    {
        html.Append("<section id=\"").Append(id).Append("\" aria-labelledby=\"").Append(id).Append("-heading\">\n<h2 id=\"").Append(id)
            .Append("-heading\">").Append(heading).Append("</h2>\n<p class=\"lede\">").Append(lede).Append("</p>\n");
        chart(html);
        html.Append("</section>\n");
    }

    private static void AppendHeadline(StringBuilder html, ReportFigures totals)
    {
        var decided = Add(totals.Saved, totals.Lost);
        html.Append("<dl class=\"headline\">\n");
        Figure(html, "escalated", "Escalated", Count(totals.Escalated), $"of {Count(totals.Signals)} signals");
        Figure(html, "acknowledged", "Acknowledged", Percent(totals.AcknowledgedPercent), $"{Count(totals.Acknowledged)} cases");
        Figure(html, "median-ack", "To acknowledge", Duration(totals.MedianSecondsToAcknowledge), $"median · p90 {Duration(totals.P90SecondsToAcknowledge)}");
        Figure(html, "sla-met", "SLA met", Percent(totals.SlaMetPercent), $"{Count(totals.SlaMissed)} missed");
        Figure(html, "saved", "Saved", Count(totals.Saved), $"{Share(totals.Saved, decided)} of decided");
        Figure(html, "lost", "Lost", Count(totals.Lost), $"{Count(totals.Open)} still open");
        Figure(html, "value-saved", "Value saved", Money(totals.ValueSaved), $"of {Money(totals.ValueAtStake)} at stake");
        Figure(html, "hold-violations", "Hold violations", Count(totals.HoldViolations), $"{Count(totals.HoldsWritten)} holds written", totals.HoldViolations > 0);
        html.Append("</dl>\n");
    }

    private static void Figure(StringBuilder html, string key, string name, string value, string detail, bool bad = false)
        => html.Append("<div class=\"figure").Append(bad ? " bad" : string.Empty).Append("\" data-figure=\"").Append(key).Append("\"><dt>")
            .Append(name).Append("</dt><dd class=\"value\">").Append(value).Append("</dd><dd class=\"detail\">").Append(detail).Append("</dd></div>\n");

    private const string Css = """
        :root { color-scheme: light; }
        body { margin: 0 auto; max-width: 1240px; padding: 20px 24px 40px; background: #f6f7f9; color: #1f2328;
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
        header h1 { font-size: 24px; margin: 0; }
        .period { margin: 2px 0 16px; color: #57606a; }
        dl.headline { display: grid; grid-template-columns: repeat(8, 1fr); gap: 10px; margin: 0 0 12px; }
        .figure { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 10px 12px; }
        .figure dt { font-size: 12px; color: #57606a; }
        .figure dd { margin: 0; }
        .figure .value { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .figure .detail { font-size: 12px; color: #57606a; }
        .figure.bad .value, strong.bad { color: #b34700; }
        nav { margin: 0 0 8px; font-size: 13px; }
        a { color: #0969da; text-decoration: none; }
        section { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 12px 16px 8px; margin: 0 0 16px; }
        section h2 { font-size: 18px; margin: 0 0 2px; }
        .lede, .legend, .note { margin: 0 0 8px; color: #57606a; font-size: 13px; }
        .note { font-style: italic; }
        .empty h2 { font-size: 20px; }
        .empty-chart { color: #57606a; font-style: italic; }
        .multiples { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px 20px; }
        figure.channel { margin: 0; min-width: 0; }
        figure.channel h3 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
        figure.channel .summary { margin: 0 0 4px; font-size: 12px; color: #57606a; }
        svg { display: block; width: 100%; height: auto; font-size: 12px; }
        svg .tick { fill: #57606a; font-size: 11px; }
        svg .label { fill: #1f2328; font-size: 13px; }
        svg .stat { fill: #1f2328; font-size: 12px; }
        svg .stat.minor { fill: #57606a; }
        svg .grid { stroke: #e6e9ed; stroke-width: 1; }
        svg .axis { stroke: #8c959f; stroke-width: 1; }
        svg .band { fill: #f6f8fa; }
        rect.within, circle.within { fill: #4c78a8; }
        rect.over { fill: #d95f02; }
        circle.within { fill-opacity: .55; }
        circle.late { fill: #d95f02; fill-opacity: .7; }
        .budget { fill: none; stroke: #1f2328; stroke-width: 1.5; stroke-dasharray: 4 3; }
        line.sla { stroke: #b34700; stroke-width: 1.5; stroke-dasharray: 5 4; }
        line.median { stroke: #1f2328; stroke-width: 3; }
        line.p90 { stroke: #8c959f; stroke-width: 2; }
        text.beyond { fill: #b34700; font-size: 11px; }
        rect.saved { fill: #1b9e77; }
        rect.lost { fill: #d95f02; }
        path.line { fill: none; stroke: #1b9e77; stroke-width: 2.5; }
        path.area { fill: #1b9e77; fill-opacity: .12; }
        circle.point { fill: #1b9e77; }
        text.total { fill: #1f2328; font-size: 14px; font-weight: 700; }
        .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; vertical-align: -1px; margin-left: 8px; }
        .swatch.within { background: #4c78a8; } .swatch.late, .swatch.lost { background: #d95f02; } .swatch.saved { background: #1b9e77; }
        .swatch.median { background: #1f2328; width: 3px; } .swatch.p90 { background: #8c959f; width: 3px; }
        ul.reasons { margin: 6px 0 8px; padding-left: 20px; font-size: 13px; }
        details { margin: 4px 0 8px; font-size: 13px; }
        summary { cursor: pointer; color: #0969da; }
        table.figures { border-collapse: collapse; margin: 6px 0; font-variant-numeric: tabular-nums; }
        table.figures th, table.figures td { border-bottom: 1px solid #e6e9ed; padding: 2px 10px 2px 0; text-align: right; }
        table.figures th[scope="row"], table.figures thead th:first-child { text-align: left; }

        """;
}
