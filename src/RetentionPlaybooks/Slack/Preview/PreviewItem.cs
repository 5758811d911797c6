using RetentionPlaybooks.Slack.BlockKit;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>One rendered Slack message to preview, with the playbook and test case that produced it.</summary>
internal sealed record PreviewItem(string Playbook, string Case, string Channel, BlockKitMessage Message, string? Note);
