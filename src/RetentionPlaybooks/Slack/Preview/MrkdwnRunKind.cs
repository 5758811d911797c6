namespace RetentionPlaybooks.Slack.Preview;

/// <summary>What a run of parsed mrkdwn stands for.</summary>
internal enum MrkdwnRunKind
{
    Text,
    Link,
    Mention,
    LineBreak,
}
