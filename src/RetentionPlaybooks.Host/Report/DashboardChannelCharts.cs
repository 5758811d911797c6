using System.Text;
using static RetentionPlaybooks.Host.Report.DashboardFormat;

namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// Messages per channel per day against the channel's daily budget, one small multiple per channel: a lead sees at a
/// glance which channel is shouting, and the days over budget are counted in words, not left to the eye.
/// </summary>
internal static class DashboardChannelCharts
{
    /// <summary>Small multiples drawn at most (the busiest); the rest are listed in a table.</summary>
    public const int MaxChannels = 24;

    /// <summary>Days drawn per chart at most (the latest); the counts in words cover the whole period.</summary>
    public const int MaxDays = 92;

    private const double Width = 400, Height = 150, Left = 36, Right = 6, Top = 8, Bottom = 20;
    private const double PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    /// <summary>A day's messages and budget; a null budget means none is declared (the workspace's int.MaxValue).</summary>
    private readonly record struct Day(long Messages, int? Budget);

    private sealed record Channel(string Name, SortedDictionary<DateOnly, Day> Days, long Total, int OverBudget, int Clamped)
    {
        public int? MinBudget => Days.Values.Min(d => d.Budget);

        public int? MaxBudget => Days.Values.Max(d => d.Budget);
    }

    public static void Append(StringBuilder html, IReadOnlyList<ChannelDay> channelDays, DashboardDays days)
    {
        var channels = channelDays.GroupBy(d => d.Channel ?? string.Empty, StringComparer.Ordinal).Select(Summarise).ToList();
        if (channels.Count == 0)
        {
            html.Append("<p class=\"empty-chart\">No messages were posted in this period.</p>\n");
            return;
        }

        var drawn = channels.OrderByDescending(c => c.Total).ThenBy(c => c.Name, StringComparer.Ordinal).Take(MaxChannels)
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var window = days.Latest(MaxDays);
        if (window.Count < days.Count)
        {
            html.Append("<p class=\"note\">Each chart shows the latest ").Append(Count(window.Count)).Append(" of the period’s ")
                .Append(Count(days.Count)).Append(" days; the days over budget are counted over all of them.</p>\n");
        }

        html.Append("<div class=\"multiples\">\n");
        foreach (var channel in drawn) AppendChannel(html, channel, days, window);
        html.Append("</div>\n");

        var rest = channels.Except(drawn).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        if (rest.Count == 0) return;
        html.Append("<p class=\"note\">").Append(Count(rest.Count)).Append(" quieter channels are not drawn:</p>\n")
            .Append("<table class=\"figures\"><thead><tr><th scope=\"col\">Channel</th><th scope=\"col\">Messages</th>")
            .Append("<th scope=\"col\">Days over budget</th></tr></thead><tbody>\n");
        foreach (var c in rest)
        {
            html.Append("<tr><th scope=\"row\">").Append(Html(c.Name)).Append("</th><td>").Append(Count(c.Total)).Append("</td><td>")
                .Append(Count(c.OverBudget)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static Channel Summarise(IGrouping<string, ChannelDay> rows)
    {
        var byDay = new SortedDictionary<DateOnly, Day>();
        var clamped = 0;
        foreach (var row in rows)
        {
            if (row.Messages < 0 || row.Budget < 0) clamped++;
            var day = new Day(Math.Max(0, row.Messages), row.Budget == int.MaxValue ? null : Math.Max(0, row.Budget));
            byDay[row.Date] = byDay.TryGetValue(row.Date, out var seen)
                ? new(Add(seen.Messages, day.Messages), seen.Budget is null || day.Budget is null ? seen.Budget ?? day.Budget : Math.Max(seen.Budget.Value, day.Budget.Value))
                : day;
        }

        var over = byDay.Values.Count(d => d.Budget is { } b && d.Messages > b);
        return new(rows.Key, byDay, byDay.Values.Aggregate(0L, (sum, d) => Add(sum, d.Messages)), over, clamped);
    }

    private static void AppendChannel(StringBuilder html, Channel channel, DashboardDays days, DashboardDays window)
    {
        var shown = Shown(channel, window);
        var peak = channel.Days.MaxBy(d => d.Value.Messages);
        var yMax = NiceCeiling(Math.Max(1, Math.Max(shown.Max(d => (double)d.Messages), shown.Max(d => d.Budget ?? 0))));
        double Y(double value) => Top + PlotHeight - (Math.Min(value, yMax) / yMax * PlotHeight);
        var slot = PlotWidth / window.Count;

        var overText = $"{Count(channel.OverBudget)} of {Count(days.Count)} days over budget";
        var summary = $"{Html(channel.Name)}: {Count(channel.Total)} messages over {Count(days.Count)} days, at most {Count(peak.Value.Messages)} "
            + $"(on {Day(peak.Key)}); {BudgetText(channel)}; {overText}.";

        html.Append("<figure class=\"channel\" data-channel=\"").Append(Html(channel.Name)).Append("\" data-over-budget-days=\"")
            .Append(channel.OverBudget).Append("\">\n<figcaption><h3>").Append(Html(channel.Name)).Append("</h3>\n<p class=\"summary\">")
            .Append(channel.OverBudget == 0 ? "No day over budget" : $"<strong class=\"bad\">{overText}</strong>")
            .Append(" · ").Append(BudgetText(channel)).Append(" · ").Append(Count(channel.Total)).Append(" messages</p>\n");
        if (channel.Clamped > 0) html.Append("<p class=\"note\">").Append(Count(channel.Clamped)).Append(" negative counts or budgets drawn as 0.</p>\n");
        html.Append("</figcaption>\n<svg role=\"img\" viewBox=\"0 0 ").Append(Svg(Width)).Append(' ').Append(Svg(Height))
            .Append("\" aria-label=\"").Append(summary).Append("\"><title>").Append(summary).Append("</title>\n")
            .Append($"<line class=\"grid\" x1=\"{Svg(Left)}\" x2=\"{Svg(Width - Right)}\" y1=\"{Svg(Top)}\" y2=\"{Svg(Top)}\"/>")
            .Append($"<line class=\"axis\" x1=\"{Svg(Left)}\" x2=\"{Svg(Width - Right)}\" y1=\"{Svg(Y(0))}\" y2=\"{Svg(Y(0))}\"/>\n")
            .Append($"<text class=\"tick\" x=\"{Svg(Left - 4)}\" y=\"{Svg(Top + 4)}\" text-anchor=\"end\">{Compact(yMax)}</text>")
            .Append($"<text class=\"tick\" x=\"{Svg(Left - 4)}\" y=\"{Svg(Y(0))}\" text-anchor=\"end\">0</text>\n");

        for (var i = 0; i < shown.Count; i++)
        {
            var day = shown[i];
            if (day.Messages == 0) continue;
            var over = day.Budget is { } b && day.Messages > b;
            var y = Math.Min(Y(day.Messages), Y(0) - 1);
            html.Append($"<rect class=\"{(over ? "over" : "within")}\" x=\"{Svg(Left + (i * slot) + (slot * 0.1))}\" y=\"{Svg(y)}\" ")
                .Append($"width=\"{Svg(Math.Max(slot * 0.8, 0.5))}\" height=\"{Svg(Y(0) - y)}\"><title>{Day(window.First.AddDays(i))}: ")
                .Append($"{Count(day.Messages)} messages, budget {(day.Budget is { } budget ? Count(budget) : "none")}{(over ? ", over budget" : string.Empty)}</title></rect>\n");
        }

        var path = new StringBuilder();
        double? previous = null;
        for (var i = 0; i < shown.Count; i++)
        {
            if (shown[i].Budget is not { } budget)
            {
                previous = null;
                continue;
            }

            var y = Y(budget);
            if (previous is null) path.Append($"M{Svg(Left + (i * slot))} {Svg(y)}");
            else if (y != previous) path.Append($"V{Svg(y)}");
            path.Append($"H{Svg(Left + ((i + 1) * slot))}");
            previous = y;
        }

        if (path.Length > 0) html.Append("<path class=\"budget\" d=\"").Append(path).Append("\"/>\n");
        var middle = window.First.AddDays(window.Count / 2);
        html.Append($"<text class=\"tick\" x=\"{Svg(Left)}\" y=\"{Svg(Height - 4)}\">{ShortDay(window.First)}</text>")
            .Append($"<text class=\"tick\" x=\"{Svg(Left + (PlotWidth / 2))}\" y=\"{Svg(Height - 4)}\" text-anchor=\"middle\">{ShortDay(middle)}</text>")
            .Append($"<text class=\"tick\" x=\"{Svg(Width - Right)}\" y=\"{Svg(Height - 4)}\" text-anchor=\"end\">{ShortDay(window.Last)}</text>\n</svg>\n");

        html.Append("<details><summary>Figures for ").Append(Html(channel.Name)).Append("</summary>\n<table class=\"figures\"><thead><tr>")
            .Append("<th scope=\"col\">Day</th><th scope=\"col\">Messages</th><th scope=\"col\">Budget</th><th scope=\"col\">Over budget</th></tr></thead><tbody>\n");
        for (var i = 0; i < shown.Count; i++)
        {
            var day = shown[i];
            var over = day.Budget is { } b && day.Messages > b;
            html.Append("<tr><th scope=\"row\">").Append(IsoDay(window.First.AddDays(i))).Append("</th><td>").Append(Count(day.Messages))
                .Append("</td><td>").Append(day.Budget is { } budget ? Count(budget) : None).Append("</td><td>").Append(over ? "yes" : "no").Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n</details>\n</figure>\n");
    }

    /// <summary>The window's days; a day without a row had no messages and keeps the budget last seen.</summary>
    private static List<Day> Shown(Channel channel, DashboardDays window)
    {
        var budget = channel.Days.First().Value.Budget;
        foreach (var (date, day) in channel.Days)
        {
            if (date >= window.First) break;
            budget = day.Budget;
        }

        var shown = new List<Day>(window.Count);
        foreach (var date in window.All())
        {
            if (channel.Days.TryGetValue(date, out var day)) budget = day.Budget;
            shown.Add(channel.Days.TryGetValue(date, out day) ? day : new Day(0, budget));
        }

        return shown;
    }

    private static string BudgetText(Channel channel) => (channel.MinBudget, channel.MaxBudget) switch
    {
        (null, null) => "no daily budget",
        ({ } min, { } max) when min == max => $"budget {Count(min)} a day",
        var (min, max) => $"budget {Count(min ?? 0)}–{Count(max ?? 0)} a day",
    };
}
