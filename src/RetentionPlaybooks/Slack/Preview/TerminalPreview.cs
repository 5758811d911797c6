using System.Globalization;
using System.Text;
using RetentionPlaybooks.Slack.BlockKit;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>Draws a message as plain text for a terminal: what a reviewer would read in Slack, without the chrome.</summary>
internal static class TerminalPreview
{
    public static string Render(BlockKitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var parts = new List<string>();
        foreach (var block in message.Blocks)
        {
            parts.Add(block switch
            {
                HeaderBlock header => Header(PreviewText.Plain(header.Text)),
                SectionBlock section => Section(section),
                ActionsBlock actions => string.Join('\n', actions.Elements.Select(Element)),
                ContextBlock context => string.Join(' ', context.Elements.Select(PreviewText.Plain)),
                DividerBlock => new string('-', 40),
                UnknownBlock other => $"[{other.Type} block not shown]",
                _ => throw new System.Diagnostics.UnreachableException($"no terminal preview for the block {block.GetType().Name}."),
            });
        }

        return Sanitize(string.Join("\n\n", parts.Where(p => p.Length > 0))) + "\n";
    }

    private static string Header(string text)
    {
        var width = Math.Max(1, new StringInfo(text).LengthInTextElements);
        return text + "\n" + new string('=', width);
    }

    private static string Section(SectionBlock section)
    {
        var lines = new List<string>();
        if (section.Text is not null) lines.Add(PreviewText.Plain(section.Text));
        if (section.Text is not null && section.Fields.Count > 0) lines.Add(string.Empty);
        lines.AddRange(section.Fields.Select(Field));
        return string.Join('\n', lines);
    }

    // Fields follow the "*Label*\nvalue" convention; a field without a second line is shown as it is.
    private static string Field(TextObject field)
    {
        var text = PreviewText.Plain(field);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0) return text;
        var label = text[..newline].TrimEnd().TrimEnd(':');
        var value = text[(newline + 1)..].Replace("\n", "\n  ", StringComparison.Ordinal);
        return $"{label}: {value}";
    }

    private static string Element(ActionElement element) => element switch
    {
        ButtonElement button => button.Url is null ? $"[{PreviewText.Plain(button.Text)}]" : $"[{PreviewText.Plain(button.Text)}] {button.Url}",
        StaticSelectElement select => $"[{PreviewText.Plain(select.Placeholder)} ▾ {string.Join(" | ", select.Options.Select(o => PreviewText.Plain(o.Text)))}]",
        _ => throw new System.Diagnostics.UnreachableException($"no terminal preview for the element {element.GetType().Name}."),
    };

    // Customer data may carry escape sequences; a preview must not let them repaint the operator's terminal.
    private static string Sanitize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c switch { '\n' => c, '\t' => ' ', _ when char.IsControl(c) => '\uFFFD', _ => c });
        }

        return sb.ToString();
    }
}
