using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>A <c>chat.postMessage</c> body read into the blocks the previews draw.</summary>
internal sealed record PreviewMessage(string? Channel, string? FallbackText, IReadOnlyList<PreviewBlock> Blocks)
{
    /// <summary>The title a list of messages shows: the header, else the first section text, else the fallback text.</summary>
    public string Title
        => Blocks.OfType<HeaderBlock>().FirstOrDefault()?.Text.PlainText
            ?? Blocks.OfType<SectionBlock>().FirstOrDefault(s => s.Text is not null)?.Text?.PlainText
            ?? MrkdwnParser.ToPlainText(MrkdwnParser.Parse(FallbackText ?? string.Empty));

    public static PreviewMessage Read(JsonObject message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var blocks = MessageJson.Objects(message, "blocks").Select(ReadBlock).ToList();
        return new PreviewMessage(MessageJson.String(message, "channel"), MessageJson.String(message, "text"), blocks);
    }

    private static PreviewBlock ReadBlock(JsonObject block)
    {
        var type = MessageJson.String(block, "type") ?? "(no type)";
        return type switch
        {
            "header" when SlackText.From(block["text"]) is { } text => new HeaderBlock(text),
            "section" => new SectionBlock(
                SlackText.From(block["text"]),
                MessageJson.Objects(block, "fields").Select(SlackText.From).OfType<SlackText>().ToList()),
            "actions" => new ActionsBlock(MessageJson.String(block, "block_id"), ReadButtons(block)),
            "context" => new ContextBlock(MessageJson.Objects(block, "elements").Select(SlackText.From).OfType<SlackText>().ToList()),
            "divider" => new DividerBlock(),
            _ => new UnsupportedBlock(type),
        };
    }

    private static List<SlackButton> ReadButtons(JsonObject block)
        => MessageJson.Objects(block, "elements")
            .Where(e => MessageJson.String(e, "type") == "button")
            .Select(e => SlackText.From(e["text"]) is { } label
                ? new SlackButton(label, MessageJson.String(e, "url"), MessageJson.String(e, "style"),
                    MessageJson.String(e, "action_id"), MessageJson.String(e, "value"))
                : null)
            .OfType<SlackButton>()
            .ToList();
}
