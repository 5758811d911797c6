using System.Text;
using static RetentionPlaybooks.Host.Report.DashboardFormat;

namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// Value saved over time: the running total of every playbook's saved value, day by day, ending on the number a lead
/// reports upwards. Amounts stay decimal until drawn, so the total printed is exact.
/// </summary>
internal static class DashboardValueChart
{
    /// <summary>Points on the line at most; a longer period is drawn through evenly spaced days, ending on the last.</summary>
    public const int MaxPoints = 400;

    /// <summary>Days listed in the figures table at most (the latest).</summary>
    public const int MaxTableDays = 92;

    private const double Width = 1200, Height = 250, Left = 96, Right = 150, Top = 14, Bottom = 26;
    private const double PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    public static void Append(StringBuilder html, IReadOnlyList<OutcomeDay> outcomeDays, DashboardDays days)
    {
        var running = new List<(DateOnly Date, decimal Day, decimal Total)>();
        var total = 0m;
        foreach (var day in outcomeDays.GroupBy(d => d.Date).OrderBy(g => g.Key))
        {
            var value = day.Aggregate(0m, (sum, d) => Add(sum, d.ValueSaved));
            total = Add(total, value);
            running.Add((day.Key, value, total));
        }

        if (running.Count == 0)
        {
            html.Append("<p class=\"empty-chart\">No value was saved in this period.</p>\n");
            return;
        }

        var best = running.MaxBy(r => r.Day);
        var byPlaybook = outcomeDays.GroupBy(d => d.Playbook ?? string.Empty, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: g.Aggregate(0m, (sum, d) => Add(sum, d.ValueSaved)))).OrderByDescending(p => p.Value).ToList();
        var summary = $"Value saved over time, summed across playbooks: {Money(total)} in total over {Count(days.Count)} days; "
            + $"the best day was {Day(best.Date)} with {Money(best.Day)}.";
        html.Append("<p class=\"summary\"><strong>").Append(Money(total)).Append("</strong> saved in total · by playbook: ")
            .Append(string.Join(", ", byPlaybook.Take(10).Select(p => $"{Html(p.Name)} {Money(p.Value)}")))
            .Append(byPlaybook.Count > 10 ? $" and {Count(byPlaybook.Count - 10)} more" : string.Empty).Append("</p>\n");
        if (total is decimal.MaxValue or decimal.MinValue)
        {
            html.Append("<p class=\"note\">The total is beyond what can be counted and is shown at its limit.</p>\n");
        }

        var low = Math.Min(0, running.Min(r => (double)r.Total));
        var high = Math.Max(0, running.Max(r => (double)r.Total));
        var (bottom, top) = (low < 0 ? -NiceCeiling(-low) : 0, high > 0 ? NiceCeiling(high) : 0);
        if (top <= bottom) top = bottom + 1;
        double Y(double value) => Top + PlotHeight - ((Math.Clamp(value, bottom, top) - bottom) / (top - bottom) * PlotHeight);
        double X(DateOnly date) => Left + ((days.IndexOf(date) + 1) / (double)days.Count * PlotWidth);

        var points = running.Count <= MaxPoints ? running
            : Enumerable.Range(0, MaxPoints).Select(k => running[(int)Math.Round(k * (running.Count - 1) / (double)(MaxPoints - 1))]).ToList();
        var line = new StringBuilder($"M{Svg(Left)} {Svg(Y(0))}");
        foreach (var p in points) line.Append($"L{Svg(X(p.Date))} {Svg(Y((double)p.Total))}");
        var last = points[^1];

        html.Append($"<svg role=\"img\" class=\"value\" viewBox=\"0 0 {Svg(Width)} {Svg(Height)}\" aria-label=\"{summary}\"><title>{summary}</title>\n");
        foreach (var tick in new[] { bottom, 0, (bottom + top) / 2, top }.Distinct())
        {
            html.Append($"<line class=\"{(tick == 0 ? "axis" : "grid")}\" x1=\"{Svg(Left)}\" x2=\"{Svg(Width - Right)}\" y1=\"{Svg(Y(tick))}\" y2=\"{Svg(Y(tick))}\"/>")
                .Append($"<text class=\"tick\" x=\"{Svg(Left - 6)}\" y=\"{Svg(Y(tick) + 4)}\" text-anchor=\"end\">{Compact(tick)}</text>\n");
        }

        for (var k = 0; k <= 4; k++)
        {
            var date = DateOnly.FromDayNumber(days.First.DayNumber + (int)((days.Count - 1L) * k / 4));
            html.Append($"<text class=\"tick\" x=\"{Svg(X(date))}\" y=\"{Svg(Height - 6)}\" text-anchor=\"{(k == 0 ? "start" : k == 4 ? "end" : "middle")}\">")
                .Append(ShortDay(date)).Append("</text>");
        }

        html.Append($"\n<path class=\"area\" d=\"{line}L{Svg(X(last.Date))} {Svg(Y(0))}Z\"/><path class=\"line\" d=\"{line}\"/>\n");
        if (points.Count <= 62)
        {
            foreach (var p in points)
            {
                html.Append($"<circle class=\"point\" cx=\"{Svg(X(p.Date))}\" cy=\"{Svg(Y((double)p.Total))}\" r=\"3\"><title>{Day(p.Date)}: ")
                    .Append($"{Money(p.Day)} saved, {Money(p.Total)} so far</title></circle>");
            }
        }

        html.Append($"\n<text class=\"total\" x=\"{Svg(X(last.Date) + 8)}\" y=\"{Svg(Y((double)last.Total) + 5)}\">{Money(total)}</text>\n</svg>\n");

        var listed = running.TakeLast(MaxTableDays).ToList();
        html.Append("<details><summary>Figures for value saved</summary>\n");
        if (listed.Count < running.Count) html.Append("<p class=\"note\">The latest ").Append(Count(listed.Count)).Append(" days with outcomes.</p>\n");
        html.Append("<table class=\"figures\"><thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Saved that day</th>")
            .Append("<th scope=\"col\">Running total</th></tr></thead><tbody>\n");
        foreach (var r in listed)
        {
            html.Append("<tr><th scope=\"row\">").Append(IsoDay(r.Date)).Append("</th><td>").Append(Money(r.Day)).Append("</td><td>")
                .Append(Money(r.Total)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n</details>\n");
    }
}
