namespace RetentionPlaybooks.Slack.Preview;

/// <summary>
/// A piece of mrkdwn as Slack would display it: <see cref="Text"/> is already decoded (<c>&amp;lt;</c> is
/// <c>&lt;</c>) and is never markup. <see cref="Url"/> is set for links only and is not yet checked for safety.
/// </summary>
internal sealed record MrkdwnRun(MrkdwnRunKind Kind, string Text, MrkdwnStyle Style = MrkdwnStyle.None, string? Url = null);
