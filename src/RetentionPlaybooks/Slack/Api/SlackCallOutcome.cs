namespace RetentionPlaybooks.Slack.Api;

/// <summary>What a caller should do after a Slack Web API call.</summary>
internal enum SlackCallOutcome
{
    /// <summary>Slack answered ok:true.</summary>
    Success,

    /// <summary>HTTP 429 or error ratelimited: wait <see cref="SlackCall{T}.RetryAfter"/>, then retry.</summary>
    RateLimited,

    /// <summary>5xx, timeout, connection failure, a garbled answer or a retryable Slack error: retry with backoff.
    /// For a post this is in doubt: Slack may have posted the message before the answer was lost.</summary>
    Transient,

    /// <summary>A Slack error that retrying cannot fix (channel_not_found, invalid_auth, invalid_blocks...).</summary>
    Permanent,
}
