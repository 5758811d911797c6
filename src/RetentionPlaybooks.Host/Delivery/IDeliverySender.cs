using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>
/// Delivers to one kind of destination — Slack's Web API, or the local preview sink when no token is set (a Customer.io
/// sender joins for write-back) — and says what a failure means: retry, wait, or give up.
/// </summary>
internal interface IDeliverySender
{
    /// <summary>Short name for logs and /health ("slack" or "preview").</summary>
    string Name { get; }

    /// <summary>Whether this sender delivers deliveries of <paramref name="kind"/>.</summary>
    bool Delivers(DeliveryKind kind);

    Task<SendResult> SendAsync(DeliveryItem item, CancellationToken ct);

    /// <summary>Settles an in-doubt delivery: whether its last attempt reached the destination (a post is looked up by its
    /// metadata). A kind that is safe to repeat (an update) answers "not there", so it is simply sent again.</summary>
    Task<FindResult> FindAsync(DeliveryItem item, CancellationToken ct);
}

/// <summary>The sender of each destination: Slack's (the Web API, or the preview sink without a bot token) for every Slack
/// kind, the write-back's (the Track API, or the preview sink without Track credentials) for Customer.io calls — each chosen
/// on its own, so a host without a Slack token still writes back to Customer.io when it has the credentials.</summary>
internal sealed class DeliverySenders(IDeliverySender slack, IDeliverySender? writeBack = null)
{
    /// <summary>The sender for <paramref name="kind"/>, or null when none is configured.</summary>
    public IDeliverySender? For(DeliveryKind kind)
    {
        if (kind == DeliveryKind.CustomerIo && writeBack is not null) return writeBack.Delivers(kind) ? writeBack : null;
        return slack.Delivers(kind) ? slack : null;
    }
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

/// <summary>Whether an in-doubt delivery reached its destination: found (with its channel and ts), not found, or unknown.</summary>
/// <param name="CanRetry">When unknown: whether asking again later may give an answer (Slack unreachable), or never will (missing scope).</param>
internal sealed record FindResult(bool? Posted, string? Channel = null, string? Ts = null, string? Error = null, bool CanRetry = true);
