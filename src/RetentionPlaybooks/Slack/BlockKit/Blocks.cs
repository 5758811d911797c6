using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack.BlockKit;

/// <summary>A Block Kit block; the derived records below are the whole set.</summary>
internal abstract record Block
{
    /// <summary><c>block_id</c>, when the block has one.</summary>
    public string? BlockId { get; init; }
}

/// <summary>A <c>header</c> block: large bold text (plain_text, as Slack requires; the validator says so otherwise).</summary>
internal sealed record HeaderBlock(TextObject Text) : Block;

/// <summary>A <c>section</c> block: optional text, then fields (shown in two columns). A section without fields has an empty list.</summary>
internal sealed record SectionBlock(TextObject? Text, IReadOnlyList<TextObject> Fields) : Block
{
    /// <summary>The element beside the text (a digest line's case menu), or null.</summary>
    public ActionElement? Accessory { get; init; }
}

/// <summary>An <c>actions</c> block of buttons and selects.</summary>
internal sealed record ActionsBlock(IReadOnlyList<ActionElement> Elements) : Block;

/// <summary>A <c>context</c> block: small text elements on one line.</summary>
internal sealed record ContextBlock(IReadOnlyList<TextObject> Elements) : Block;

/// <summary>A <c>divider</c> block. The renderer makes none; a body read from outside may have one.</summary>
internal sealed record DividerBlock : Block;

/// <summary>
/// A block of a type this model does not cover (or a known type too malformed to read), kept as read so a preview
/// can name it and the Block Kit Builder link can carry it unchanged. Only <see cref="BlockKitReader"/> makes these.
/// </summary>
internal sealed record UnknownBlock(string Type, JsonObject Source) : Block;
