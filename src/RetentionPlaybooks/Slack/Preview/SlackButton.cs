namespace RetentionPlaybooks.Slack.Preview;

/// <summary>A button element: a link button when <see cref="Url"/> is set, otherwise an interactive one.</summary>
internal sealed record SlackButton(SlackText Label, string? Url, string? Style, string? ActionId, string? Value);
