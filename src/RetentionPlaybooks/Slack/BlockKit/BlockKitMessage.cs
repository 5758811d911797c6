namespace RetentionPlaybooks.Slack.BlockKit;

/// <summary>
/// A <c>chat.postMessage</c> body as typed Block Kit: what the renderer builds, what the validator and the previews
/// read, and what <see cref="BlockKitWriter"/> serialises, once, into the bytes sent to Slack.
/// </summary>
/// <param name="Channel">The channel (or user, for a DM) id; empty when a body read from outside has none.</param>
/// <param name="Text">The notification fallback text (mrkdwn); empty when a body read from outside has none.</param>
/// <param name="Blocks">The blocks, in order.</param>
internal sealed record BlockKitMessage(string Channel, string Text, IReadOnlyList<Block> Blocks)
{
    /// <summary><c>unfurl_links</c>; written only when set (the renderer always sets it to false).</summary>
    public bool? UnfurlLinks { get; init; }

    /// <summary><c>unfurl_media</c>; written only when set (the renderer always sets it to false).</summary>
    public bool? UnfurlMedia { get; init; }

    /// <summary>Slack message metadata tagging the post, so it can be found again after a crash.</summary>
    public EscalationMetadata? Metadata { get; init; }
}

/// <summary>
/// Message metadata naming the escalation a post belongs to: <c>{"event_type":…,"event_payload":{"escalation_id":…,"playbook":…}}</c>.
/// An opaque id and the playbook id, never customer data.
/// </summary>
internal sealed record EscalationMetadata(string EventType, string EscalationId, string Playbook);
