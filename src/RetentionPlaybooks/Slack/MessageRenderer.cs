using Fluid;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Slack.BlockKit;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// Renders an escalation to a chat.postMessage body with one fixed layout for every playbook: header (title),
/// fields, the next step, link buttons, and a context line (playbook, owner, SLA, how long ago). Customer values
/// are mrkdwn-escaped, the owner is the only mention, and every Block Kit limit is met by trimming. The message is
/// built as a <see cref="BlockKitMessage"/> from the route's <see cref="RenderPlan"/> and serialised once.
/// </summary>
internal sealed class MessageRenderer(WorkspaceSymbols workspace, DataModelSymbols model)
{
    /// <summary>What a missing field value shows as, so no label is ever left empty.</summary>
    public const string EmptyValue = "—";

    /// <summary>The message metadata type that tags every escalation, so a post can be found again after a crash.</summary>
    public const string MetadataEventType = "retention_escalation";

    /// <summary>The template context of one message: its model and clock. Build it once and use it for every template of the message.</summary>
    public TemplateContext Prepare(CompiledPlaybook playbook, ChannelSymbol channel, TriggerInput input, Record record, DateTimeOffset now) =>
        LiquidEngine.CreateContext(RenderModel.Build(PlanFor(playbook, channel), playbook, channel, input, record, workspace.Links), now);

    /// <summary>Renders a template as plain text with a message's context (e.g. the dedupe key).</summary>
    public static string RenderPlain(CheckedTemplate template, TemplateContext context) =>
        template.Literal ?? LiquidEngine.Render(template.Template, context, TemplateOutput.PlainText).Trim();

    /// <summary>
    /// Renders the chat.postMessage body. With an <paramref name="escalationId"/>, the body carries Slack message
    /// metadata naming it (an opaque id, never customer data).
    /// </summary>
    public SlackMessage Render(CompiledPlaybook playbook, ChannelSymbol channel, TriggerInput input, Record record, DateTimeOffset now, string? escalationId = null) =>
        Render(playbook, channel, input, now, Prepare(playbook, channel, input, record, now), escalationId);

    /// <summary>Renders the body with a context from <see cref="Prepare"/>.</summary>
    public SlackMessage Render(CompiledPlaybook playbook, ChannelSymbol channel, TriggerInput input, DateTimeOffset now, TemplateContext context, string? escalationId = null)
    {
        var plan = PlanFor(playbook, channel);
        var title = Single(Render(playbook.Message.Title, context, TemplateOutput.PlainText));
        if (title.Length == 0) title = playbook.Id;
        // The fallback text is mrkdwn: escape the whole plain title (its template text too, which is stricter).
        var text = BlockKitLimits.Trim(Mrkdwn.Escape(title) + plan.FallbackSuffix, BlockKitLimits.FallbackText);

        var blocks = new List<Block>(8) { new HeaderBlock(new PlainText(BlockKitLimits.Trim(title, BlockKitLimits.HeaderText))) };

        var fields = playbook.Message.Fields;
        // Keep room for the next step, links, the case's actions and context within the block limit.
        var maxFieldSections = BlockKitLimits.Blocks - 5;
        for (var start = 0; start < fields.Count && blocks.Count - 1 < maxFieldSections; start += BlockKitLimits.SectionFields)
        {
            var section = new TextObject[Math.Min(fields.Count, start + BlockKitLimits.SectionFields) - start];
            for (var i = start; i < start + section.Length; i++)
            {
                var value = Render(fields[i].Value, context, TemplateOutput.Mrkdwn).Trim();
                if (value.Length == 0) value = EmptyValue;
                section[i - start] = MrkdwnOf(plan.FieldHeadings[i] + value, BlockKitLimits.FieldText);
            }
            blocks.Add(new SectionBlock(null, section));
        }

        if (playbook.Message.NextStep is { } nextStep)
        {
            var step = Render(nextStep, context, TemplateOutput.Mrkdwn).Trim();
            if (step.Length > 0) blocks.Add(new SectionBlock(MrkdwnOf("*Next step:* " + step, BlockKitLimits.SectionText), []));
        }

        List<ButtonElement>? buttons = null;
        for (var i = 0; i < playbook.Message.Links.Count && (buttons?.Count ?? 0) < BlockKitLimits.ActionElements; i++)
        {
            var link = playbook.Message.Links[i];
            var url = Render(link.Url, context, TemplateOutput.PlainText).Trim();
            // A link with no data behind it (no cio_id, no tracking URL) is left out rather than shown broken;
            // only http(s) URLs to allowed hosts are kept, and one too long for Slack is dropped, since a cut URL is wrong.
            if (url.Length == 0 || url.Length > BlockKitLimits.ButtonUrl || !workspace.Links.IsAllowedUrl(url)) continue;
            var label = Single(Render(link.Label, context, TemplateOutput.PlainText));
            (buttons ??= []).Add(new ButtonElement(new PlainText(BlockKitLimits.Trim(label.Length == 0 ? "Open" : label, BlockKitLimits.ButtonText)), url, $"link_{i}"));
        }
        if (buttons is not null) blocks.Add(new ActionsBlock(buttons) { BlockId = "links" });
        blocks.Add(CaseActions(escalationId ?? PreviewEscalationId, playbook.LostReasons));

        var contextLine = input.Timestamp is { } at ? plan.ContextLine + " · " + MarketerFilters.Relative(now - at) : plan.ContextLine;
        blocks.Add(new ContextBlock([MrkdwnOf(contextLine, BlockKitLimits.SectionText)]));

        return new SlackMessage(new BlockKitMessage(channel.SlackTarget, text, blocks)
        {
            UnfurlLinks = false,
            UnfurlMedia = false,
            Metadata = escalationId is null ? null : new EscalationMetadata(MetadataEventType, escalationId, playbook.Id),
        });
    }

    /// <summary>The escalation id the case buttons carry when a message is rendered outside the host (render, test, previews).</summary>
    public const string PreviewEscalationId = "preview";

    /// <summary>The block id of the case's actions (Acknowledge, Saved, Lost); the host rebuilds it as the case moves on.</summary>
    public const string CaseBlockId = "rp_case";

    public const string CaseAcknowledgeId = "rp_acknowledge";
    public const string CaseSavedId = "rp_saved";
    public const string CaseLostId = "rp_lost";

    /// <summary>
    /// Acknowledge, Saved and a Lost menu of the playbook's reasons. Each carries only the opaque escalation id (and a
    /// reason key): a click tells the host which case, never anything about the customer.
    /// </summary>
    internal static ActionsBlock CaseActions(string escalationId, IReadOnlyList<string> lostReasons, bool acknowledged = false)
    {
        var elements = new List<ActionElement>(3);
        if (!acknowledged) elements.Add(new ButtonElement(new PlainText("Acknowledge"), null, CaseAcknowledgeId) { Style = "primary", Value = escalationId });
        elements.Add(new ButtonElement(new PlainText("Saved"), null, CaseSavedId) { Value = escalationId });
        var options = lostReasons.Take(BlockKitLimits.SelectOptions)
            .Select(r => new SelectOption(new PlainText(BlockKitLimits.Trim(char.ToUpperInvariant(r[0]) + r[1..].Replace('_', ' '), BlockKitLimits.OptionText)), $"{escalationId}|{r}"))
            .ToList();
        elements.Add(new StaticSelectElement(new PlainText("Lost: why?"), CaseLostId, options));
        return new ActionsBlock(elements) { BlockId = CaseBlockId };
    }

    /// <summary>The plan the playbook was lowered to for this channel's route, or (a channel none of its routes names) one made now.</summary>
    private RenderPlan PlanFor(CompiledPlaybook playbook, ChannelSymbol channel) =>
        playbook.RenderPlanFor(channel) ?? RenderPlan.Lower(playbook, channel, model);

    private static string Render(CheckedTemplate template, TemplateContext context, TemplateOutput output) =>
        template.Literal ?? LiquidEngine.Render(template.Template, context, output);

    /// <summary>Headers and labels are one line: collapse whitespace runs, including newlines from block scalars.</summary>
    private static string Single(string text)
    {
        var needed = false;
        for (var i = 0; i < text.Length && !needed; i++)
        {
            needed = char.IsWhiteSpace(text[i]) && (text[i] != ' ' || i == 0 || i == text.Length - 1 || text[i + 1] == ' ');
        }
        return needed ? string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) : text;
    }

    private static MrkdwnText MrkdwnOf(string text, int limit) => new(BlockKitLimits.Trim(text, limit));
}
