namespace RetentionPlaybooks.Slack.Api;

/// <summary>Who the bot token belongs to, as auth.test reports it.</summary>
internal sealed record AuthTestResult(string Team, string TeamId, string User, string UserId, string? BotId, string? Url);
