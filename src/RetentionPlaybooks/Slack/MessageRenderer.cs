using System.Text.Json.Nodes;
using Fluid;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// Renders an escalation to a chat.postMessage body with one fixed layout for every playbook: header (title),
/// fields, the next step, link buttons, and a context line (playbook, owner, SLA, how long ago). Customer values
/// are mrkdwn-escaped, the owner is the only mention, and every Block Kit limit is met by trimming.
/// </summary>
internal sealed class MessageRenderer(WorkspaceSymbols workspace, DataModelSymbols model)
{
    /// <summary>What a missing field value shows as, so no label is ever left empty.</summary>
    public const string EmptyValue = "—";

    public SlackMessage Render(CompiledPlaybook playbook, ChannelSymbol channel, TriggerInput input, Record record, DateTimeOffset now)
    {
        var context = LiquidEngine.CreateContext(RenderModel.Build(playbook, channel, input, record, model, workspace.Links), now);
        var blocks = new JsonArray();

        var title = Single(Render(playbook.Message.Title, context, TemplateOutput.PlainText));
        if (title.Length == 0) title = playbook.Id;
        blocks.Add(new JsonObject
        {
            ["type"] = "header",
            ["text"] = PlainText(BlockKitLimits.Trim(title, BlockKitLimits.HeaderText)),
        });

        var fields = new List<JsonNode>();
        foreach (var field in playbook.Message.Fields)
        {
            var value = Render(field.Value, context, TemplateOutput.Mrkdwn).Trim();
            if (value.Length == 0) value = EmptyValue;
            var label = Single(Mrkdwn.Escape(field.Label));
            fields.Add(MrkdwnText($"*{BlockKitLimits.Trim(label, 200)}*\n{value}", BlockKitLimits.FieldText));
        }
        foreach (var chunk in fields.Chunk(BlockKitLimits.SectionFields))
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = new JsonArray(chunk) });
        }

        if (playbook.Message.NextStep is { } nextStep)
        {
            var step = Render(nextStep, context, TemplateOutput.Mrkdwn).Trim();
            if (step.Length > 0)
            {
                blocks.Add(new JsonObject { ["type"] = "section", ["text"] = MrkdwnText("*Next step:* " + step, BlockKitLimits.SectionText) });
            }
        }

        var buttons = new JsonArray();
        for (var i = 0; i < playbook.Message.Links.Count && buttons.Count < BlockKitLimits.ActionElements; i++)
        {
            var link = playbook.Message.Links[i];
            var url = Render(link.Url, context, TemplateOutput.PlainText).Trim();
            // A link with no data behind it (no cio_id, no tracking URL) is left out rather than shown broken;
            // only http(s) URLs are allowed, and one too long for Slack is dropped, since a cut URL is wrong.
            if (url.Length == 0 || url.Length > BlockKitLimits.ButtonUrl || !IsWebUrl(url)) continue;
            var label = Single(Render(link.Label, context, TemplateOutput.PlainText));
            buttons.Add(new JsonObject
            {
                ["type"] = "button",
                ["text"] = PlainText(BlockKitLimits.Trim(label.Length == 0 ? "Open" : label, BlockKitLimits.ButtonText)),
                ["url"] = url,
                ["action_id"] = $"link_{i}",
            });
        }
        if (buttons.Count > 0) blocks.Add(new JsonObject { ["type"] = "actions", ["block_id"] = "links", ["elements"] = buttons });

        var contextParts = new List<string>
        {
            $"Playbook *{playbook.Id}*",
            $"Owner {playbook.Owner.Mention}",
            $"SLA {DurationSyntax.Format(playbook.Sla)}",
        };
        if (input.Timestamp is { } at) contextParts.Add(MarketerFilters.Relative(now - at));
        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(MrkdwnText(string.Join(" · ", contextParts), BlockKitLimits.SectionText)),
        });

        while (blocks.Count > BlockKitLimits.Blocks) blocks.RemoveAt(blocks.Count - 2);

        var fallbackTitle = Single(Render(playbook.Message.Title, context, TemplateOutput.Mrkdwn));
        var text = BlockKitLimits.Trim($"{(fallbackTitle.Length == 0 ? playbook.Id : fallbackTitle)} · owner {playbook.Owner.Mention}", BlockKitLimits.FallbackText);
        return new SlackMessage(channel.SlackTarget, text, blocks);
    }

    private static string Render(CheckedTemplate template, TemplateContext context, TemplateOutput output) =>
        LiquidEngine.Render(template.Template, context, output);

    /// <summary>Headers and labels are one line: collapse whitespace runs, including newlines from block scalars.</summary>
    private static string Single(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static bool IsWebUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static JsonObject MrkdwnText(string text, int limit) => new() { ["type"] = "mrkdwn", ["text"] = BlockKitLimits.Trim(text, limit) };
}
