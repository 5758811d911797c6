using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack.BlockKit;

/// <summary>
/// Reads a <c>chat.postMessage</c> body that comes from outside the renderer (a stored outbox body, a hand-written
/// fixture) into the model. Tolerant: a missing or mistyped property reads as absent and never throws; a block of
/// another type, or a header without a text object, becomes an <see cref="UnknownBlock"/>; elements that are not
/// text objects (or, in actions, buttons with a label) are skipped. What the renderer made reads back whole.
/// </summary>
internal static class BlockKitReader
{
    public static BlockKitMessage Read(JsonObject message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var blocks = Objects(message, "blocks").Select(ReadBlock).ToList();
        return new BlockKitMessage(String(message, "channel") ?? "", String(message, "text") ?? "", blocks)
        {
            UnfurlLinks = Boolean(message, "unfurl_links"),
            UnfurlMedia = Boolean(message, "unfurl_media"),
            Metadata = ReadMetadata(message["metadata"] as JsonObject),
        };
    }

    /// <summary>Reads <c>{"type":"mrkdwn"|"plain_text","text":…}</c>, or null when the node is not a text object. Any type but mrkdwn reads as plain_text.</summary>
    public static TextObject? Text(JsonNode? node)
    {
        if (node is not JsonObject obj || String(obj, "text") is not { } text) return null;
        return String(obj, "type") == "mrkdwn" ? new MrkdwnText(text) : new PlainText(text, Boolean(obj, "emoji"));
    }

    private static Block ReadBlock(JsonObject block)
    {
        var type = String(block, "type") ?? "(no type)";
        Block read = type switch
        {
            "header" when Text(block["text"]) is { } text => new HeaderBlock(text),
            "section" => new SectionBlock(Text(block["text"]), Texts(block, "fields")) { Accessory = block["accessory"] is JsonObject accessory ? Element(accessory) : null },
            "actions" => new ActionsBlock(Buttons(block)),
            "context" => new ContextBlock(Texts(block, "elements")),
            "divider" => new DividerBlock(),
            _ => new UnknownBlock(type, block.DeepClone().AsObject()),
        };
        return read is UnknownBlock ? read : read with { BlockId = String(block, "block_id") };
    }

    private static List<TextObject> Texts(JsonObject block, string name) =>
        Objects(block, name).Select(Text).OfType<TextObject>().ToList();

    private static List<ActionElement> Buttons(JsonObject block) =>
        Objects(block, "elements").Select(Element).OfType<ActionElement>().ToList();

    private static ActionElement? Element(JsonObject e) => String(e, "type") switch
    {
        "button" when Text(e["text"]) is { } label =>
            new ButtonElement(label, String(e, "url"), String(e, "action_id")) { Style = String(e, "style"), Value = String(e, "value") },
        "static_select" when Text(e["placeholder"]) is { } placeholder => new StaticSelectElement(placeholder, String(e, "action_id"),
            Objects(e, "options").Select(o => Text(o["text"]) is { } text && String(o, "value") is { } value ? new SelectOption(text, value) : null).OfType<SelectOption>().ToList()),
        _ => null,
    };

    /// <summary>One block from its JSON (a digest line as kept by the store).</summary>
    public static Block Block(JsonObject block) => ReadBlock(block);

    private static EscalationMetadata? ReadMetadata(JsonObject? metadata) =>
        metadata is not null && String(metadata, "event_type") is { } eventType && metadata["event_payload"] is JsonObject payload
            && String(payload, "escalation_id") is { } id && String(payload, "playbook") is { } playbook
            ? new EscalationMetadata(eventType, id, playbook)
            : null;

    private static string? String(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static bool? Boolean(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<bool>(out var b) ? b : null;

    private static IEnumerable<JsonObject> Objects(JsonObject obj, string name) =>
        obj[name] is JsonArray array ? array.OfType<JsonObject>() : [];
}
