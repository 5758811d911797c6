using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>Where escalations are delivered: Slack's Web API, or the local preview sink when no token is set.</summary>
internal interface ISlackSender
{
    /// <summary>Short name for logs and /health ("slack" or "preview").</summary>
    string Name { get; }

    Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct);

    /// <summary>Looks for a message already posted for this escalation (by its metadata), to settle an in-doubt send.</summary>
    Task<FindResult> FindAsync(OutboxItem item, CancellationToken ct);
}

internal enum SendOutcome
{
    Sent,
    RateLimited,
    Transient,
    Permanent,
}

/// <summary>What a send did; a sender says whether a failure is worth retrying.</summary>
/// <param name="InDoubt">For a transient failure: the request may have reached Slack (timeout, lost connection).</param>
internal sealed record SendResult(SendOutcome Outcome, string? Channel = null, string? Ts = null, string? Error = null, TimeSpan? RetryAfter = null, bool InDoubt = false)
{
    public static SendResult Posted(string channel, string ts) => new(SendOutcome.Sent, channel, ts);
}

/// <summary>Whether an in-doubt escalation reached Slack: found (with its channel and ts), not found, or unknown.</summary>
/// <param name="CanRetry">When unknown: whether asking again later may give an answer (Slack unreachable), or never will (missing scope).</param>
internal sealed record FindResult(bool? Posted, string? Channel = null, string? Ts = null, string? Error = null, bool CanRetry = true);
