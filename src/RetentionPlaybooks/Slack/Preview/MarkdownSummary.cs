using System.Text;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>A GitHub step summary: per playbook, a table of its cases with a Block Kit Builder link for each.</summary>
internal static class MarkdownSummary
{
    public static string Render(IReadOnlyList<PreviewItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) return "_No Slack messages to preview._\n";

        var sb = new StringBuilder();
        foreach (var group in items.GroupBy(i => i.Playbook, StringComparer.Ordinal))
        {
            if (sb.Length > 0) sb.Append('\n');
            sb.Append("### ").Append(Cell(group.Key)).Append("\n\n")
                .Append("| Case | Channel | Title | Preview |\n")
                .Append("| --- | --- | --- | --- |\n");
            foreach (var item in group)
            {
                sb.Append("| ").Append(Cell(item.Case))
                    .Append(" | ").Append(Cell(item.Channel))
                    .Append(" | ").Append(Cell(PreviewText.Title(item.Message)))
                    .Append(" | [Open in Block Kit Builder](").Append(BlockKitBuilderLink.For(item.Message)).Append(") |\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Makes text literal inside a table cell or heading: <c>|</c> would end the cell, markdown punctuation would
    /// format, and raw HTML (which GitHub renders in summaries) becomes entities. Line breaks become spaces.
    /// </summary>
    internal static string Cell(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\r': break;
                case '\n': sb.Append(' '); break;
                case '|' or '\\' or '`' or '*' or '_' or '~' or '[' or ']' or '#' or '!':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }

        return sb.ToString().Trim();
    }
}
