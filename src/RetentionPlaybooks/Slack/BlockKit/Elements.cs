namespace RetentionPlaybooks.Slack.BlockKit;

/// <summary>A Block Kit text object: <see cref="PlainText"/> or <see cref="MrkdwnText"/>.</summary>
internal abstract record TextObject(string Text);

/// <summary><c>{"type":"plain_text","text":…,"emoji":…}</c>; <c>emoji</c> is written only when set.</summary>
internal sealed record PlainText(string Text, bool? Emoji = true) : TextObject(Text);

/// <summary><c>{"type":"mrkdwn","text":…}</c>: Slack parses its links, mentions and formatting.</summary>
internal sealed record MrkdwnText(string Text) : TextObject(Text);

/// <summary>
/// A <c>button</c> element: a link button when <see cref="Url"/> is set. The renderer makes link buttons only;
/// <see cref="Style"/> and <see cref="Value"/> come from bodies read from outside.
/// </summary>
internal sealed record ButtonElement(TextObject Text, string? Url, string? ActionId)
{
    public string? Style { get; init; }

    public string? Value { get; init; }
}
