namespace RetentionPlaybooks.Slack.Api;

/// <summary>Who the bot token belongs to, as auth.test reports it.</summary>
internal sealed record AuthTestResult(string Team, string TeamId, string User, string UserId, string? BotId, string? Url)
{
    /// <summary>The token's scopes, from the answer's <c>x-oauth-scopes</c> header; null when Slack did not send it.</summary>
    public IReadOnlySet<string>? Scopes { get; init; }
}

/// <summary>A Slack user as users.info reports it: whether the account is deactivated, whether it is a bot.</summary>
internal sealed record UserInfo(string Id, string? Name, bool Deleted, bool IsBot);
