using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RetentionPlaybooks.Slack.BlockKit;

/// <summary>
/// The one serialiser of the model: the compact UTF-8 body sent to Slack, the pretty form committed in snapshots,
/// and the blocks payload of a Block Kit Builder link all come from here, so they cannot disagree.
/// </summary>
internal static class BlockKitWriter
{
    // The body goes to Slack's API, never into HTML: only what JSON itself requires is escaped.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = Encoder, SkipValidation = true };

    private static readonly JsonWriterOptions IndentedOptions = new() { Encoder = Encoder, SkipValidation = true, Indented = true, NewLine = "\n" };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The compact chat.postMessage body, as sent.</summary>
    public static byte[] Serialize(BlockKitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var json = t_writer ??= new Utf8JsonWriter(buffer, CompactOptions);
        json.Reset(buffer);
        Write(json, message);
        json.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The body as indented JSON (two spaces, <c>\n</c> line ends, no final newline).</summary>
    public static string Indented(BlockKitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>(8192);
        using (var json = new Utf8JsonWriter(buffer, IndentedOptions))
        {
            Write(json, message);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Compact <c>{"blocks":[…]}</c> of the message, as the Block Kit Builder takes it.</summary>
    public static string BlocksPayload(BlockKitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, CompactOptions))
        {
            json.WriteStartObject();
            WriteBlocks(json, message.Blocks);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter json, BlockKitMessage message)
    {
        json.WriteStartObject();
        json.WriteString("channel", message.Channel);
        json.WriteString("text", message.Text);
        if (message.UnfurlLinks is { } links) json.WriteBoolean("unfurl_links", links);
        if (message.UnfurlMedia is { } media) json.WriteBoolean("unfurl_media", media);
        if (message.Metadata is { } metadata)
        {
            json.WriteStartObject("metadata");
            json.WriteString("event_type", metadata.EventType);
            json.WriteStartObject("event_payload");
            json.WriteString("escalation_id", metadata.EscalationId);
            json.WriteString("playbook", metadata.Playbook);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        WriteBlocks(json, message.Blocks);
        json.WriteEndObject();
    }

    private static void WriteBlocks(Utf8JsonWriter json, IReadOnlyList<Block> blocks)
    {
        json.WriteStartArray("blocks");
        foreach (var block in blocks)
        {
            if (block is UnknownBlock unknown)
            {
                unknown.Source.WriteTo(json);
                continue;
            }
            json.WriteStartObject();
            switch (block)
            {
                case HeaderBlock header:
                    WriteHead(json, "header", block);
                    WriteText(json, "text", header.Text);
                    break;
                case SectionBlock section:
                    WriteHead(json, "section", block);
                    if (section.Text is { } text) WriteText(json, "text", text);
                    if (section.Fields.Count > 0)
                    {
                        json.WriteStartArray("fields");
                        foreach (var field in section.Fields) WriteText(json, null, field);
                        json.WriteEndArray();
                    }
                    if (section.Accessory is { } accessory)
                    {
                        json.WritePropertyName("accessory");
                        WriteElement(json, accessory);
                    }
                    break;
                case ActionsBlock actions:
                    WriteHead(json, "actions", block);
                    json.WriteStartArray("elements");
                    foreach (var element in actions.Elements) WriteElement(json, element);
                    json.WriteEndArray();
                    break;
                case ContextBlock context:
                    WriteHead(json, "context", block);
                    json.WriteStartArray("elements");
                    foreach (var element in context.Elements) WriteText(json, null, element);
                    json.WriteEndArray();
                    break;
                case DividerBlock:
                    WriteHead(json, "divider", block);
                    break;
                default:
                    throw new System.Diagnostics.UnreachableException($"no Block Kit serialisation for {block.GetType().Name}");
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteElement(Utf8JsonWriter json, ActionElement element)
    {
        if (element is ButtonElement button) WriteButton(json, button);
        else WriteSelect(json, (StaticSelectElement)element);
    }

    /// <summary>One block alone, as compact UTF-8 JSON (a digest line, kept until its digest is assembled).</summary>
    public static byte[] SerializeBlock(Block block)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteBlocks(json, [block]);
            json.WriteEndObject();
        }
        var doc = System.Text.Json.Nodes.JsonNode.Parse(buffer.WrittenSpan)!["blocks"]![0]!;
        return Encoding.UTF8.GetBytes(doc.ToJsonString());
    }

    private static void WriteHead(Utf8JsonWriter json, string type, Block block)
    {
        json.WriteString("type", type);
        if (block.BlockId is { } id) json.WriteString("block_id", id);
    }

    private static void WriteSelect(Utf8JsonWriter json, StaticSelectElement select)
    {
        json.WriteStartObject();
        json.WriteString("type", "static_select");
        WriteText(json, "placeholder", select.Placeholder);
        if (select.ActionId is { } actionId) json.WriteString("action_id", actionId);
        json.WriteStartArray("options");
        foreach (var option in select.Options)
        {
            json.WriteStartObject();
            WriteText(json, "text", option.Text);
            json.WriteString("value", option.Value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteButton(Utf8JsonWriter json, ButtonElement button)
    {
        json.WriteStartObject();
        json.WriteString("type", "button");
        WriteText(json, "text", button.Text);
        if (button.Url is { } url) json.WriteString("url", url);
        if (button.ActionId is { } actionId) json.WriteString("action_id", actionId);
        if (button.Style is { } style) json.WriteString("style", style);
        if (button.Value is { } value) json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter json, string? property, TextObject text)
    {
        if (property is null) json.WriteStartObject();
        else json.WriteStartObject(property);
        switch (text)
        {
            case PlainText plain:
                json.WriteString("type", "plain_text");
                json.WriteString("text", plain.Text);
                if (plain.Emoji is { } emoji) json.WriteBoolean("emoji", emoji);
                break;
            case MrkdwnText mrkdwn:
                json.WriteString("type", "mrkdwn");
                json.WriteString("text", mrkdwn.Text);
                break;
            default:
                throw new System.Diagnostics.UnreachableException($"no Block Kit serialisation for {text.GetType().Name}");
        }
        json.WriteEndObject();
    }
}
