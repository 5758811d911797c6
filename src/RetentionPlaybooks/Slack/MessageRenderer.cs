using System.Buffers;
using System.Text.Json;
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

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // The body goes to Slack's API, never into HTML: only what JSON itself requires is escaped.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>The message metadata type that tags every escalation, so a post can be found again after a crash.</summary>
    public const string MetadataEventType = "retention_escalation";

    /// <summary>The template context of one message: its model and clock. Build it once and use it for every template of the message.</summary>
    public TemplateContext Prepare(CompiledPlaybook playbook, ChannelSymbol channel, TriggerInput input, Record record, DateTimeOffset now) =>
        LiquidEngine.CreateContext(RenderModel.Build(playbook, channel, input, record, model, workspace.Links), now);

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
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var json = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        json.Reset(buffer);

        var title = Single(Render(playbook.Message.Title, context, TemplateOutput.PlainText));
        if (title.Length == 0) title = playbook.Id;
        // The fallback text is mrkdwn: escape the whole plain title (its template text too, which is stricter).
        var text = BlockKitLimits.Trim($"{Mrkdwn.Escape(title)} · owner {playbook.Owner.Mention}", BlockKitLimits.FallbackText);

        json.WriteStartObject();
        json.WriteString("channel", channel.SlackTarget);
        json.WriteString("text", text);
        json.WriteBoolean("unfurl_links", false);
        json.WriteBoolean("unfurl_media", false);
        if (escalationId is not null)
        {
            json.WriteStartObject("metadata");
            json.WriteString("event_type", MetadataEventType);
            json.WriteStartObject("event_payload");
            json.WriteString("escalation_id", escalationId);
            json.WriteString("playbook", playbook.Id);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteStartArray("blocks");
        var blocks = 0;

        json.WriteStartObject();
        json.WriteString("type", "header");
        WritePlainText(json, "text", BlockKitLimits.Trim(title, BlockKitLimits.HeaderText));
        json.WriteEndObject();
        blocks++;

        var fields = playbook.Message.Fields;
        // Keep room for the next step, links and context within the block limit.
        var maxFieldSections = BlockKitLimits.Blocks - 4;
        for (var start = 0; start < fields.Count && blocks - 1 < maxFieldSections; start += BlockKitLimits.SectionFields)
        {
            json.WriteStartObject();
            json.WriteString("type", "section");
            json.WriteStartArray("fields");
            for (var i = start; i < Math.Min(fields.Count, start + BlockKitLimits.SectionFields); i++)
            {
                var value = Render(fields[i].Value, context, TemplateOutput.Mrkdwn).Trim();
                if (value.Length == 0) value = EmptyValue;
                WriteMrkdwn(json, null, fields[i].Heading + value, BlockKitLimits.FieldText);
            }
            json.WriteEndArray();
            json.WriteEndObject();
            blocks++;
        }

        if (playbook.Message.NextStep is { } nextStep)
        {
            var step = Render(nextStep, context, TemplateOutput.Mrkdwn).Trim();
            if (step.Length > 0)
            {
                json.WriteStartObject();
                json.WriteString("type", "section");
                WriteMrkdwn(json, "text", "*Next step:* " + step, BlockKitLimits.SectionText);
                json.WriteEndObject();
                blocks++;
            }
        }

        var buttons = 0;
        for (var i = 0; i < playbook.Message.Links.Count && buttons < BlockKitLimits.ActionElements; i++)
        {
            var link = playbook.Message.Links[i];
            var url = Render(link.Url, context, TemplateOutput.PlainText).Trim();
            // A link with no data behind it (no cio_id, no tracking URL) is left out rather than shown broken;
            // only http(s) URLs to allowed hosts are kept, and one too long for Slack is dropped, since a cut URL is wrong.
            if (url.Length == 0 || url.Length > BlockKitLimits.ButtonUrl || !workspace.Links.IsAllowedUrl(url)) continue;
            if (buttons == 0)
            {
                json.WriteStartObject();
                json.WriteString("type", "actions");
                json.WriteString("block_id", "links");
                json.WriteStartArray("elements");
                blocks++;
            }
            var label = Single(Render(link.Label, context, TemplateOutput.PlainText));
            json.WriteStartObject();
            json.WriteString("type", "button");
            WritePlainText(json, "text", BlockKitLimits.Trim(label.Length == 0 ? "Open" : label, BlockKitLimits.ButtonText));
            json.WriteString("url", url);
            json.WriteString("action_id", $"link_{i}");
            json.WriteEndObject();
            buttons++;
        }
        if (buttons > 0)
        {
            json.WriteEndArray();
            json.WriteEndObject();
        }

        var contextLine = input.Timestamp is { } at ? playbook.ContextLine + " · " + MarketerFilters.Relative(now - at) : playbook.ContextLine;
        json.WriteStartObject();
        json.WriteString("type", "context");
        json.WriteStartArray("elements");
        WriteMrkdwn(json, null, contextLine, BlockKitLimits.SectionText);
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        return new SlackMessage(channel.SlackTarget, text, buffer.WrittenSpan.ToArray());
    }

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

    private static void WritePlainText(Utf8JsonWriter json, string property, string text)
    {
        json.WriteStartObject(property);
        json.WriteString("type", "plain_text");
        json.WriteString("text", text);
        json.WriteBoolean("emoji", true);
        json.WriteEndObject();
    }

    private static void WriteMrkdwn(Utf8JsonWriter json, string? property, string text, int limit)
    {
        if (property is null) json.WriteStartObject();
        else json.WriteStartObject(property);
        json.WriteString("type", "mrkdwn");
        json.WriteString("text", BlockKitLimits.Trim(text, limit));
        json.WriteEndObject();
    }
}
