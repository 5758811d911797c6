using System.Text;
using static RetentionPlaybooks.Host.Report.DashboardFormat;

namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// Saved against lost per playbook: a bar split at its save rate (each bar is 100% of the decided cases, so rates
/// compare across playbooks of any size), the counts beside it and the reasons cases were lost beneath.
/// </summary>
internal static class DashboardOutcomeChart
{
    /// <summary>Playbooks drawn at most (those with the most decided cases); the table lists them all.</summary>
    public const int MaxPlaybooks = 40;

    private const double Width = 1200, LabelRight = 206, BarLeft = 218, BarRight = 818, TextLeft = 834, Top = 6, RowHeight = 30;

    public static void Append(StringBuilder html, List<DashboardPlaybook> playbooks)
    {
        var decided = playbooks.Where(p => Add(p.Saved, p.Lost) > 0).ToList();
        if (decided.Count == 0)
        {
            html.Append("<p class=\"empty-chart\">No case was marked saved or lost in this period.</p>\n");
            return;
        }

        var drawn = decided.OrderByDescending(p => Add(p.Saved, p.Lost)).Take(MaxPlaybooks).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (drawn.Count < decided.Count)
        {
            html.Append("<p class=\"note\">The chart shows the ").Append(Count(drawn.Count)).Append(" playbooks with the most decided cases of ")
                .Append(Count(decided.Count)).Append("; the table lists them all.</p>\n");
        }

        html.Append("<p class=\"legend\"><span class=\"swatch saved\"></span> saved <span class=\"swatch lost\"></span> lost</p>\n");
        var summary = "Saved and lost per playbook: " + string.Join("; ", drawn.Select(p => $"{Html(p.Name)} {Counts(p)}")) + ".";
        var height = Top + (drawn.Count * RowHeight) + 4;
        html.Append($"<svg role=\"img\" class=\"outcomes\" viewBox=\"0 0 {Svg(Width)} {Svg(height)}\" aria-label=\"{summary}\"><title>{summary}</title>\n");
        for (var i = 0; i < drawn.Count; i++)
        {
            var p = drawn[i];
            var (top, total) = (Top + (i * RowHeight), (double)p.Saved + p.Lost);
            var savedWidth = (BarRight - BarLeft) * (p.Saved / total);
            html.Append($"<text class=\"label\" x=\"{Svg(LabelRight)}\" y=\"{Svg(top + 19)}\" text-anchor=\"end\">{Label(p.Name, 30)}<title>{Html(p.Name)}</title></text>")
                .Append($"<rect class=\"saved\" x=\"{Svg(BarLeft)}\" y=\"{Svg(top + 5)}\" width=\"{Svg(savedWidth)}\" height=\"20\">")
                .Append($"<title>{Html(p.Name)}: {Count(p.Saved)} saved ({Share(p.Saved, Add(p.Saved, p.Lost))})</title></rect>")
                .Append($"<rect class=\"lost\" x=\"{Svg(BarLeft + savedWidth)}\" y=\"{Svg(top + 5)}\" width=\"{Svg(BarRight - BarLeft - savedWidth)}\" height=\"20\">")
                .Append($"<title>{Html(p.Name)}: {Count(p.Lost)} lost ({Share(p.Lost, Add(p.Saved, p.Lost))})</title></rect>")
                .Append($"<text class=\"stat\" x=\"{Svg(TextLeft)}\" y=\"{Svg(top + 19)}\">{Counts(p)}</text>\n");
        }

        html.Append("</svg>\n<ul class=\"reasons\">\n");
        foreach (var p in drawn.Where(p => p.LostByReason.Count > 0))
        {
            html.Append("<li><strong>").Append(Html(p.Name)).Append("</strong> lost: ")
                .Append(string.Join(", ", p.LostByReason.Select(r => $"{Html(r.Key)} {Count(r.Value)}"))).Append("</li>\n");
        }

        html.Append("</ul>\n<details><summary>Figures for saved and lost</summary>\n<table class=\"figures\"><thead><tr><th scope=\"col\">Playbook</th>")
            .Append("<th scope=\"col\">Saved</th><th scope=\"col\">Lost</th><th scope=\"col\">Open</th><th scope=\"col\">Saved of decided</th>")
            .Append("<th scope=\"col\">Lost by reason</th></tr></thead><tbody>\n");
        foreach (var p in playbooks)
        {
            html.Append("<tr><th scope=\"row\">").Append(Html(p.Name)).Append("</th><td>").Append(Count(p.Saved)).Append("</td><td>").Append(Count(p.Lost))
                .Append("</td><td>").Append(Count(p.Open)).Append("</td><td>").Append(Share(p.Saved, Add(p.Saved, p.Lost))).Append("</td><td>")
                .Append(p.LostByReason.Count == 0 ? None : string.Join(", ", p.LostByReason.Select(r => $"{Html(r.Key)} {Count(r.Value)}"))).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n</details>\n");
    }

    private static string Counts(DashboardPlaybook p)
    {
        var decided = Add(p.Saved, p.Lost);
        var open = p.Open > 0 ? $" · {Count(p.Open)} open" : string.Empty;
        return $"{Count(p.Saved)} saved ({Share(p.Saved, decided)}) · {Count(p.Lost)} lost ({Share(p.Lost, decided)}){open}";
    }
}
