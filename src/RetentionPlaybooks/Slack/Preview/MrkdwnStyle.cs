namespace RetentionPlaybooks.Slack.Preview;

/// <summary>The formatting in effect on a run of mrkdwn; nested markers combine.</summary>
[Flags]
internal enum MrkdwnStyle
{
    None = 0,
    Bold = 1,
    Italic = 2,
    Strike = 4,
    Code = 8,
    Preformatted = 16,
}
