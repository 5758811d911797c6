using System.Text;
using RetentionPlaybooks.Slack.BlockKit;

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

    /// <summary>
    /// The messages a change alters, for a pull request's step summary: per test case whose message differs from the base
    /// branch's (or is new, or gone), the message before and after drawn as Slack shows it, each with a Block Kit Builder link.
    /// </summary>
    public static string RenderChanges(IReadOnlyList<MessageChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0) return "### Messages that change\n\n_No test case's message changes._\n";
        var sb = new StringBuilder("### Messages that change\n");
        foreach (var change in changes)
        {
            sb.Append("\n#### ").Append(Cell(change.Playbook)).Append(" › ").Append(Cell(change.Case)).Append(" (").Append(Cell(change.Channel)).Append(")\n\n");
            Side(sb, change.Before is null ? "Before: no message" : "Before", change.Before);
            Side(sb, change.After is null ? "After: no message" : "After", change.After);
        }
        return sb.ToString();
    }

    private static void Side(StringBuilder sb, string label, BlockKitMessage? message)
    {
        if (message is null)
        {
            sb.Append(label).Append("\n\n");
            return;
        }
        var drawn = TerminalPreview.Render(message);
        // A fence longer than any run of backticks in the message, so that nothing in it can end the block.
        var longest = 0;
        var run = 0;
        foreach (var c in drawn)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        var fence = new string('`', Math.Max(3, longest + 1));
        sb.Append(label).Append(" ([Block Kit Builder](").Append(BlockKitBuilderLink.For(message)).Append(")):\n\n")
            .Append(fence).Append("text\n").Append(drawn.TrimEnd('\n')).Append('\n').Append(fence).Append("\n\n");
    }
}

/// <summary>A test case's message on the base branch and on the change (null where the case has none).</summary>
internal sealed record MessageChange(string Playbook, string Case, string Channel, BlockKitMessage? Before, BlockKitMessage? After);
