using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// What both store engines share about digests: whether an escalation is filed into its channel's digest (the pipeline rolled
/// it in, or the store's recheck found the budget or burst spent by another host meanwhile), and the digest message put
/// together from its lines when it is claimed.
/// </summary>
internal static class Digests
{
    /// <summary>
    /// The store's verdict on an escalation after its recheck: <c>Insert</c> false when it is held back (<paramref name="held"/>
    /// stands), otherwise inserted, rolled into the digest when <c>Digested</c>; <c>Note</c> rewrites its decision when the
    /// recheck (not the pipeline) rolled it in.
    /// </summary>
    public static (bool Insert, bool Digested, HeldBack? Note) Judge(NewEscalation e, HeldBack? held)
    {
        var digested = e.Digest is { Digested: true };
        if (held is null) return (true, digested, null);
        if (e.Digest is null || held.Kind is not (SuppressionKind.ChannelBudget or SuppressionKind.Burst)) return (false, false, held);
        if (digested) return (true, true, null);
        var policy = e.Recheck?.Channel.Digest?.ToString() ?? "";
        return (true, true, new HeldBack(Outcome.Digested, $"{held.Reason}; rolled into the digest ({policy})", held.Kind));
    }

    /// <summary>A digest delivery as claimed: its body the chat.postMessage of its lines (oldest first) under its stored head.</summary>
    public static DeliveryItem Assembled(DeliveryItem digest, IReadOnlyList<byte[]> lines) =>
        digest with { Body = DigestMessage.Assemble(digest.EscalationId, digest.Body, lines, digest.Target).Body.ToArray() };
}
