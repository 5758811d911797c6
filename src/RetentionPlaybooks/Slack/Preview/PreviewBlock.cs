namespace RetentionPlaybooks.Slack.Preview;

/// <summary>A Block Kit block as the previews draw it; the derived records below are the whole set.</summary>
internal abstract record PreviewBlock;

/// <summary>A <c>header</c> block: large bold plain text.</summary>
internal sealed record HeaderBlock(SlackText Text) : PreviewBlock;

/// <summary>A <c>section</c> block: optional text, then fields in two columns.</summary>
internal sealed record SectionBlock(SlackText? Text, IReadOnlyList<SlackText> Fields) : PreviewBlock;

/// <summary>An <c>actions</c> block; only buttons are drawn.</summary>
internal sealed record ActionsBlock(string? BlockId, IReadOnlyList<SlackButton> Buttons) : PreviewBlock;

/// <summary>A <c>context</c> block: small grey text elements on one line.</summary>
internal sealed record ContextBlock(IReadOnlyList<SlackText> Elements) : PreviewBlock;

/// <summary>A <c>divider</c> block.</summary>
internal sealed record DividerBlock : PreviewBlock;

/// <summary>Any other block type, drawn as a placeholder naming the type so a preview never hides it.</summary>
internal sealed record UnsupportedBlock(string Type) : PreviewBlock;
