using System.Text;
using static RetentionPlaybooks.Host.Report.DashboardFormat;

namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// Time to acknowledge against the SLA: a strip of dots per playbook on an axis measured in SLAs, so playbooks with a
/// 15-minute and a 4-hour SLA line up on one vertical SLA line and every dot right of it is a customer kept waiting.
/// </summary>
internal static class DashboardAckChart
{
    /// <summary>Playbooks drawn at most (those with the most cases); the table lists them all.</summary>
    public const int MaxPlaybooks = 40;

    /// <summary>Dots drawn per playbook at most, spread evenly over its sample.</summary>
    public const int MaxDots = 500;

    /// <summary>The axis ends at this many SLAs; slower cases sit on the edge and are counted.</summary>
    public const double AxisSlas = 3;

    private const double Width = 1200, LabelRight = 206, PlotLeft = 218, PlotRight = 830, StatsLeft = 866, Top = 34, RowHeight = 38;
    private const double PlotWidth = PlotRight - PlotLeft;

    public static void Append(StringBuilder html, List<DashboardPlaybook> playbooks)
    {
        var charted = playbooks.Where(p => p.Seconds.Count > 0 || p.MedianSeconds is not null).ToList();
        if (charted.Count == 0)
        {
            html.Append("<p class=\"empty-chart\">No case was acknowledged in this period.</p>\n");
            return;
        }

        var drawn = charted.OrderByDescending(p => p.Escalated).ThenByDescending(p => p.Seconds.Count).Take(MaxPlaybooks)
            .OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (drawn.Count < charted.Count)
        {
            html.Append("<p class=\"note\">The chart shows the ").Append(Count(drawn.Count)).Append(" playbooks with the most cases of ")
                .Append(Count(charted.Count)).Append("; the table lists them all.</p>\n");
        }

        var invalid = playbooks.Sum(p => (long)p.InvalidSeconds);
        if (invalid > 0) html.Append("<p class=\"note\">").Append(Count(invalid)).Append(" times that were negative or not a number are left out.</p>\n");

        html.Append("<p class=\"legend\"><span class=\"swatch within\"></span> acknowledged within the SLA <span class=\"swatch late\"></span> after it ")
            .Append("<span class=\"swatch median\"></span> median <span class=\"swatch p90\"></span> p90 · the dashed line is each playbook’s SLA</p>\n");

        var summary = "Time to acknowledge against the SLA: " + string.Join("; ", drawn.Select(p =>
            $"{Html(p.Name)} median {Duration(p.MedianSeconds)}, p90 {Duration(p.P90Seconds)}, SLA {Duration(p.SlaSeconds)}, {Share(p.SlaMet, Add(p.SlaMet, p.SlaMissed))} met")) + ".";
        var height = Top + (drawn.Count * RowHeight) + 6;
        html.Append($"<svg role=\"img\" class=\"ack\" viewBox=\"0 0 {Svg(Width)} {Svg(height)}\" aria-label=\"{summary}\"><title>{summary}</title>\n");
        for (var i = 0; i < drawn.Count; i += 2)
        {
            html.Append($"<rect class=\"band\" x=\"0\" y=\"{Svg(Top + (i * RowHeight))}\" width=\"{Svg(Width)}\" height=\"{Svg(RowHeight)}\"/>");
        }

        foreach (var (multiple, label) in (ReadOnlySpan<(double, string)>)[(0, "0"), (0.5, "½ SLA"), (1, "SLA"), (2, "2× SLA"), (3, "3× SLA")])
        {
            var x = PlotLeft + (multiple / AxisSlas * PlotWidth);
            html.Append($"<line class=\"{(multiple == 1 ? "sla" : "grid")}\" x1=\"{Svg(x)}\" x2=\"{Svg(x)}\" y1=\"{Svg(Top - 6)}\" y2=\"{Svg(height - 4)}\"/>")
                .Append($"<text class=\"tick\" x=\"{Svg(x)}\" y=\"{Svg(Top - 12)}\" text-anchor=\"middle\">{label}</text>\n");
        }

        for (var i = 0; i < drawn.Count; i++) AppendRow(html, drawn[i], Top + (i * RowHeight));
        html.Append("</svg>\n");

        html.Append("<details><summary>Figures for time to acknowledge</summary>\n<table class=\"figures\"><thead><tr>")
            .Append("<th scope=\"col\">Playbook</th><th scope=\"col\">SLA</th><th scope=\"col\">Escalated</th><th scope=\"col\">Acknowledged</th>")
            .Append("<th scope=\"col\">Median</th><th scope=\"col\">p90</th><th scope=\"col\">SLA met</th></tr></thead><tbody>\n");
        foreach (var p in playbooks)
        {
            html.Append("<tr><th scope=\"row\">").Append(Html(p.Name)).Append("</th><td>").Append(Duration(p.SlaSeconds)).Append("</td><td>")
                .Append(Count(p.Escalated)).Append("</td><td>").Append(Count(p.Acknowledged)).Append("</td><td>").Append(Duration(p.MedianSeconds))
                .Append("</td><td>").Append(Duration(p.P90Seconds)).Append("</td><td>").Append(Share(p.SlaMet, Add(p.SlaMet, p.SlaMissed))).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        if (playbooks.Any(p => p.TimesFromSample))
        {
            html.Append("<p class=\"note\">* A playbook acknowledged in several channels or by several owners takes its median and p90 from its latest ")
                .Append("acknowledged cases (at most 1,000).</p>\n");
        }

        html.Append("</details>\n");
    }

    private static void AppendRow(StringBuilder html, DashboardPlaybook playbook, double top)
    {
        var middle = top + (RowHeight / 2);
        var unit = playbook.SlaSeconds ?? (playbook.Seconds.Count > 0 && playbook.Seconds.Max() > 0 ? playbook.Seconds.Max() / AxisSlas : 1);
        double X(double seconds) => PlotLeft + (Math.Min(seconds / unit, AxisSlas) / AxisSlas * PlotWidth);

        html.Append($"<text class=\"label\" x=\"{Svg(LabelRight)}\" y=\"{Svg(middle + 4)}\" text-anchor=\"end\">{Label(playbook.Name, 30)}")
            .Append($"<title>{Html(playbook.Name)}</title></text>\n");

        var step = Math.Max(1, (int)Math.Ceiling(playbook.Seconds.Count / (double)MaxDots));
        for (var i = 0; i < playbook.Seconds.Count; i += step)
        {
            var seconds = playbook.Seconds[i];
            var late = playbook.SlaSeconds is { } sla && seconds > sla;
            var jitter = Scatter(i, seconds);
            html.Append($"<circle class=\"{(late ? "late" : "within")}\" cx=\"{Svg(X(seconds))}\" cy=\"{Svg(middle + jitter)}\" r=\"3.5\"/>");
        }

        foreach (var (seconds, css) in (ReadOnlySpan<(double?, string)>)[(playbook.MedianSeconds, "median"), (playbook.P90Seconds, "p90")])
        {
            if (seconds is not { } s || !double.IsFinite(s) || s < 0) continue;
            html.Append($"<line class=\"{css}\" x1=\"{Svg(X(s))}\" x2=\"{Svg(X(s))}\" y1=\"{Svg(top + 4)}\" y2=\"{Svg(top + RowHeight - 4)}\"/>");
        }

        var beyond = playbook.Seconds.Count(s => s / unit > AxisSlas);
        if (beyond > 0)
        {
            html.Append($"<text class=\"beyond\" x=\"{Svg(PlotRight + 6)}\" y=\"{Svg(middle + 4)}\">+{Count(beyond)}<title>{Count(beyond)} cases took ")
                .Append($"longer than {AxisSlas}× the SLA</title></text>");
        }

        var star = playbook.TimesFromSample ? "*" : string.Empty;
        html.Append($"\n<text class=\"stat\" x=\"{Svg(StatsLeft)}\" y=\"{Svg(middle - 3)}\">median {Duration(playbook.MedianSeconds)}{star} · p90 ")
            .Append($"{Duration(playbook.P90Seconds)}{star}</text><text class=\"stat minor\" x=\"{Svg(StatsLeft)}\" y=\"{Svg(middle + 12)}\">")
            .Append(playbook.SlaSeconds is { } slaSeconds ? $"SLA {Duration(slaSeconds)} · {Share(playbook.SlaMet, Add(playbook.SlaMet, playbook.SlaMissed))} met" : "no SLA: scaled to the slowest case")
            .Append("</text>\n");
    }

    /// <summary>A dot's vertical offset (±11 px) from a hash of its index and value: fixed, so the same data draws the same page.</summary>
    private static double Scatter(int index, double seconds)
    {
        var z = unchecked(((ulong)index * 0x9E3779B97F4A7C15UL) ^ (ulong)BitConverter.DoubleToInt64Bits(seconds));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return ((z ^ (z >> 31)) % 23) - 11.0;
    }
}
