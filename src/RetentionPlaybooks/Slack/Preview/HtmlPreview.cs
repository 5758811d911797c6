using System.Text;
using RetentionPlaybooks.Slack.BlockKit;
using static RetentionPlaybooks.Slack.Preview.HtmlText;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>
/// A standalone HTML page (inline CSS, no scripts, no external resources) that draws messages the way Slack does,
/// grouped by playbook. Elements carry stable classes and data attributes for tests: <c>message</c>
/// (<c>data-playbook</c>, <c>data-case</c>, <c>data-channel</c>), <c>header</c>, <c>section-text</c>, <c>field</c>,
/// <c>button</c> (<c>data-style</c>, <c>data-action-id</c>), <c>context</c>, <c>builder-link</c>.
/// </summary>
internal static class HtmlPreview
{
    public const string BotName = "Retention Playbooks";

    /// <summary>The page; <paramref name="appendix"/>, HTML the caller built and encoded, goes after the messages.</summary>
    public static string Render(IReadOnlyList<PreviewItem> items, string title, string? appendix = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(title);

        var ids = new AnchorIds();
        var groups = items
            .GroupBy(i => i.Playbook, StringComparer.Ordinal)
            .Select(g => (Playbook: g.Key, Id: ids.For("playbook-" + g.Key), Items: g.Select(i => (Item: i, Id: ids.For("msg-" + i.Playbook + "-" + i.Case))).ToList()))
            .ToList();

        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<h1 class=\"page-title\">").Append(Encode(title)).Append("</h1>\n");

        if (groups.Count == 0)
        {
            sb.Append("<p class=\"empty\">No messages to preview.</p>\n").Append(appendix).Append("</body>\n</html>\n");
            return sb.ToString();
        }

        sb.Append("<nav class=\"toc\">\n<h2>Playbooks</h2>\n<ul>\n");
        foreach (var group in groups)
        {
            sb.Append("<li><a href=\"#").Append(group.Id).Append("\">").Append(Encode(group.Playbook)).Append("</a> <span class=\"count\">(")
                .Append(group.Items.Count).Append(group.Items.Count == 1 ? " case" : " cases").Append(")</span>\n<ul>\n");
            foreach (var (item, id) in group.Items)
            {
                sb.Append("<li><a href=\"#").Append(id).Append("\">").Append(Encode(item.Case)).Append("</a></li>\n");
            }

            sb.Append("</ul></li>\n");
        }

        sb.Append("</ul>\n</nav>\n");

        foreach (var group in groups)
        {
            sb.Append("<section class=\"playbook\" id=\"").Append(group.Id).Append("\" data-playbook=\"").Append(Encode(group.Playbook)).Append("\">\n")
                .Append("<h2 class=\"playbook-title\">").Append(Encode(group.Playbook)).Append("</h2>\n");
            foreach (var (item, id) in group.Items)
            {
                AppendPreview(sb, item, id);
            }

            sb.Append("</section>\n");
        }

        sb.Append(appendix).Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void AppendPreview(StringBuilder sb, PreviewItem item, string id)
    {
        var view = item.Message;
        sb.Append("<figure class=\"preview\" id=\"").Append(id).Append("\">\n<figcaption class=\"caption\">")
            .Append("<span class=\"caption-playbook\">").Append(Encode(item.Playbook)).Append("</span> · ")
            .Append("<span class=\"caption-case\">").Append(Encode(item.Case)).Append("</span> · ")
            .Append("<span class=\"caption-channel\">").Append(Encode(item.Channel)).Append("</span> · ")
            .Append("<a class=\"builder-link\" href=\"").Append(Encode(BlockKitBuilderLink.For(item.Message)))
            .Append("\" target=\"_blank\" rel=\"noopener noreferrer\">Open in Block Kit Builder</a>");
        if (item.Note is { Length: > 0 } note)
        {
            sb.Append("<div class=\"note\">").Append(Encode(note)).Append("</div>");
        }

        if (view.Text is { Length: > 0 } fallback)
        {
            sb.Append("<div class=\"fallback\">Notification text: <span class=\"fallback-text\">")
                .Append(FromRuns(MrkdwnParser.Parse(fallback))).Append("</span></div>");
        }

        sb.Append("</figcaption>\n")
            .Append("<article class=\"message\" data-playbook=\"").Append(Encode(item.Playbook))
            .Append("\" data-case=\"").Append(Encode(item.Case))
            .Append("\" data-channel=\"").Append(Encode(item.Channel)).Append("\">\n")
            .Append("<div class=\"avatar\" aria-hidden=\"true\">RP</div>\n<div class=\"content\">\n")
            .Append("<div class=\"meta\"><span class=\"bot-name\">").Append(BotName).Append("</span> <span class=\"app-badge\">APP</span></div>\n");

        foreach (var block in view.Blocks)
        {
            AppendBlock(sb, block);
        }

        sb.Append("</div>\n</article>\n</figure>\n");
    }

    private static void AppendBlock(StringBuilder sb, Block block)
    {
        switch (block)
        {
            case HeaderBlock header:
                sb.Append("<div class=\"header\">").Append(FromRuns(PreviewText.Runs(header.Text))).Append("</div>\n");
                break;
            case SectionBlock section:
                sb.Append("<div class=\"section\">");
                if (section.Text is not null)
                {
                    sb.Append("<div class=\"section-text\">").Append(FromRuns(PreviewText.Runs(section.Text))).Append("</div>");
                }

                if (section.Fields.Count > 0)
                {
                    sb.Append("<div class=\"fields\">");
                    foreach (var field in section.Fields)
                    {
                        sb.Append("<div class=\"field\">").Append(FromRuns(PreviewText.Runs(field))).Append("</div>");
                    }

                    sb.Append("</div>");
                }

                sb.Append("</div>\n");
                break;
            case ActionsBlock actions:
                sb.Append("<div class=\"actions\"");
                if (actions.BlockId is not null) sb.Append(" data-block-id=\"").Append(Encode(actions.BlockId)).Append('"');
                sb.Append('>');
                foreach (var element in actions.Elements)
                {
                    if (element is ButtonElement button) AppendButton(sb, button);
                    else AppendSelect(sb, (StaticSelectElement)element);
                }

                sb.Append("</div>\n");
                break;
            case ContextBlock context:
                sb.Append("<div class=\"context\">");
                foreach (var element in context.Elements)
                {
                    sb.Append("<span class=\"context-element\">").Append(FromRuns(PreviewText.Runs(element))).Append("</span>");
                }

                sb.Append("</div>\n");
                break;
            case DividerBlock:
                sb.Append("<hr class=\"divider\">\n");
                break;
            case UnknownBlock other:
                sb.Append("<div class=\"unsupported\">").Append(Encode(other.Type)).Append(" block not shown in this preview</div>\n");
                break;
            default:
                throw new System.Diagnostics.UnreachableException($"no HTML preview for the block {block.GetType().Name}.");
        }
    }

    private static void AppendSelect(StringBuilder sb, StaticSelectElement select)
    {
        sb.Append("<span class=\"button select\" data-style=\"default\"");
        if (select.ActionId is not null) sb.Append(" data-action-id=\"").Append(Encode(select.ActionId)).Append('"');
        sb.Append(" title=\"").Append(Encode(string.Join(", ", select.Options.Select(o => PreviewText.Plain(o.Text))))).Append("\">");
        sb.Append(Encode(PreviewText.Plain(select.Placeholder))).Append(" ▾</span>");
    }

    private static void AppendButton(StringBuilder sb, ButtonElement button)
    {
        // Only primary and danger exist in Block Kit; anything else is drawn as the default button.
        var style = button.Style is "primary" or "danger" ? button.Style : "default";
        var linked = IsSafeUrl(button.Url);
        sb.Append(linked ? "<a" : "<span").Append(" class=\"button\" data-style=\"").Append(style).Append('"');
        if (button.ActionId is not null) sb.Append(" data-action-id=\"").Append(Encode(button.ActionId)).Append('"');
        if (button.Value is not null) sb.Append(" data-value=\"").Append(Encode(button.Value)).Append('"');
        if (linked) sb.Append(" href=\"").Append(Encode(button.Url!)).Append("\" target=\"_blank\" rel=\"noopener noreferrer\"");
        sb.Append('>').Append(Encode(PreviewText.Plain(button.Text))).Append(linked ? "</a>" : "</span>");
    }

    /// <summary>Unique, readable element ids derived from playbook and case names.</summary>
    private sealed class AnchorIds
    {
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public string For(string name)
        {
            var sb = new StringBuilder(name.Length);
            foreach (var c in name.ToLowerInvariant())
            {
                if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
                else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
            }

            var slug = sb.ToString().TrimEnd('-');
            var id = slug;
            for (var n = 2; !_used.Add(id); n++) id = $"{slug}-{n}";
            return id;
        }
    }

    // Colours and metrics follow Slack's desktop client (light theme).
    private const string Css = """
        :root { color-scheme: light; }
        body { margin: 0; padding: 24px 32px; background: #f4f4f4; color: #1d1c1d;
          font: 15px/1.46668 "Slack-Lato", "Lato", "Segoe UI", "Helvetica Neue", Helvetica, Arial, sans-serif; }
        h1.page-title { font-size: 24px; margin: 0 0 16px; }
        nav.toc { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 8px 20px; margin-bottom: 24px; max-width: 740px; box-sizing: border-box; }
        nav.toc h2 { font-size: 16px; margin: 8px 0; }
        nav.toc ul { margin: 0 0 8px; padding-left: 20px; }
        nav.toc .count { color: #616061; font-size: 13px; }
        section.playbook { margin-bottom: 32px; }
        h2.playbook-title { font-size: 20px; margin: 0 0 12px; padding-bottom: 4px; border-bottom: 2px solid #ddd; max-width: 740px; }
        figure.preview { margin: 0 0 20px; max-width: 740px; }
        figcaption.caption { font-size: 13px; color: #616061; margin: 0 0 6px; }
        .caption-playbook, .caption-case { font-weight: 700; color: #1d1c1d; }
        .caption-channel { font-family: Monaco, Menlo, Consolas, "Courier New", monospace; font-size: 12px; }
        .note { margin-top: 2px; font-style: italic; }
        .fallback { margin-top: 2px; }
        a { color: #1264a3; text-decoration: none; }
        a:hover { text-decoration: underline; }
        article.message { display: grid; grid-template-columns: 36px 1fr; column-gap: 8px; background: #fff;
          border: 1px solid #e2e2e2; border-radius: 8px; padding: 12px 20px 12px 16px; }
        .avatar { width: 36px; height: 36px; border-radius: 8px; background: #4a154b; color: #fff; font-weight: 900;
          font-size: 14px; display: flex; align-items: center; justify-content: center; }
        .content { min-width: 0; }
        .meta { line-height: 22px; margin-top: -4px; }
        .bot-name { font-weight: 900; }
        .app-badge { font-size: 10px; font-weight: 700; color: rgba(29,28,29,.7); background: rgba(29,28,29,.13);
          border-radius: 2px; padding: 1px 3px; vertical-align: 1px; }
        .header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 4px 0 6px; }
        .section { margin: 4px 0 8px; overflow-wrap: anywhere; }
        .section-text + .fields { margin-top: 8px; }
        .fields { display: grid; grid-template-columns: 1fr 1fr; column-gap: 16px; row-gap: 8px; }
        .actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
        .button { display: inline-block; box-sizing: border-box; height: 28px; line-height: 26px; padding: 0 12px;
          border: 1px solid rgba(29,28,29,.3); border-radius: 4px; background: #fff; color: #1d1c1d;
          font-size: 13px; font-weight: 700; white-space: nowrap; text-decoration: none; }
        a.button:hover { text-decoration: none; background: #f8f8f8; }
        .button[data-style="primary"] { background: #007a5a; border-color: #007a5a; color: #fff; }
        .button[data-style="danger"] { background: #e01e5a; border-color: #e01e5a; color: #fff; }
        .context { font-size: 12px; line-height: 1.5; color: #616061; margin: 6px 0 2px; }
        .context-element + .context-element { margin-left: 8px; }
        .mention { color: #1264a3; background: rgba(29,155,209,.1); border-radius: 3px; padding: 0 2px; }
        .link.unsafe { color: #616061; text-decoration: underline dotted; }
        code { font-family: Monaco, Menlo, Consolas, "Courier New", monospace; font-size: 12px; color: #e01e5a;
          background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 3px; padding: 2px 3px 1px; }
        pre.preformatted { font-family: Monaco, Menlo, Consolas, "Courier New", monospace; font-size: 12px; margin: 4px 0;
          background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 4px; padding: 8px; white-space: pre-wrap; }
        hr.divider { border: 0; border-top: 1px solid #e2e2e2; margin: 8px 0; }
        .unsupported { color: #616061; font-style: italic; border: 1px dashed #ccc; border-radius: 4px; padding: 4px 8px; margin: 4px 0; }
        p.empty { color: #616061; }

        """;
}
