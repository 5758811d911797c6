namespace RetentionPlaybooks.Slack.Api;

/// <summary>The parts of conversations.info the host checks before posting: does the channel exist, is it archived, is the bot in it.</summary>
internal sealed record ConversationInfo(string Id, string? Name, bool IsArchived, bool IsMember, bool IsIm);
