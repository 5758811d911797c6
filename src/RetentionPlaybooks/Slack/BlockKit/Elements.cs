namespace RetentionPlaybooks.Slack.BlockKit;

/// <summary>A Block Kit text object: <see cref="PlainText"/> or <see cref="MrkdwnText"/>.</summary>
internal abstract record TextObject(string Text);

/// <summary><c>{"type":"plain_text","text":…,"emoji":…}</c>; <c>emoji</c> is written only when set.</summary>
internal sealed record PlainText(string Text, bool? Emoji = true) : TextObject(Text);

/// <summary><c>{"type":"mrkdwn","text":…}</c>: Slack parses its links, mentions and formatting.</summary>
internal sealed record MrkdwnText(string Text) : TextObject(Text);

/// <summary>An element of an <c>actions</c> block: a <see cref="ButtonElement"/> or a <see cref="StaticSelectElement"/>.</summary>
internal abstract record ActionElement(string? ActionId);

/// <summary>
/// A <c>button</c> element: a link button when <see cref="Url"/> is set; otherwise a button whose click reaches the app
/// with its <see cref="Value"/> (the case buttons: Acknowledge, Saved).
/// </summary>
internal sealed record ButtonElement(TextObject Text, string? Url, string? ActionId) : ActionElement(ActionId)
{
    public string? Style { get; init; }

    public string? Value { get; init; }
}

/// <summary>A <c>static_select</c> element: a menu of options; choosing one reaches the app with the option's value.</summary>
internal sealed record StaticSelectElement(TextObject Placeholder, string? ActionId, IReadOnlyList<SelectOption> Options) : ActionElement(ActionId);

/// <summary>One option of a select: its label (plain text) and the value the app receives.</summary>
internal sealed record SelectOption(TextObject Text, string Value);
