namespace RetentionPlaybooks.Slack.Api;

/// <summary>One message from conversations.history. <see cref="Metadata"/> is only present when asked for with include_all_metadata.</summary>
internal sealed record HistoryMessage(string Ts, string? Text, string? BotId, MessageMetadata? Metadata);
