using RetentionPlaybooks.Slack.Api;

namespace RetentionPlaybooks.Host.Health;

/// <summary>What Slack last answered this host — any Web API call, and auth.test (asked at start-up) — so /health can say it
/// without calling Slack on every request. Slack's error codes only: no token, no message.</summary>
internal sealed class SlackStatus(TimeProvider time)
{
    private volatile SlackCallSeen? _last;
    private volatile SlackCallSeen? _auth;

    public SlackCallSeen? Last => _last;

    /// <summary>The last auth.test: whether the bot token is good; null before it was asked.</summary>
    public SlackCallSeen? Auth => _auth;

    public void Observe(string method, SlackCallOutcome outcome, string? error)
    {
        var seen = new SlackCallSeen(method, outcome, error, time.GetUtcNow());
        _last = seen;
        if (method == "auth.test") _auth = seen;
    }
}

/// <summary>One Slack call as /health reports it.</summary>
internal sealed record SlackCallSeen(string Method, SlackCallOutcome Outcome, string? Error, DateTimeOffset At);
