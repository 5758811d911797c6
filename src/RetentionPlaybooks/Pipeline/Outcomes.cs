using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Pipeline;

/// <summary>What became of a signal for one playbook (or, for <see cref="NoTrigger"/> and <see cref="Unreadable"/>, for all of them).</summary>
internal enum Outcome
{
    /// <summary>Every gate held, no exclusion applied, no guardrail stood in the way: a message is queued.</summary>
    Escalated,
    /// <summary>A gate did not hold.</summary>
    Skipped,
    /// <summary>An exclusion applied.</summary>
    Excluded,
    /// <summary>A guardrail held it back (see <see cref="SuppressionKind"/>).</summary>
    Suppressed,
    /// <summary>
    /// Past the channel's budget or in a burst, with the channel's <c>digest:</c> declared: a case like an escalated one,
    /// whose line goes into the channel's next digest message instead of a message of its own.
    /// </summary>
    Digested,
    /// <summary>A case for the customer is open in a playbook this one is inhibited by (see <see cref="Pipeline.Inhibition"/>).</summary>
    Inhibited,
    /// <summary>The playbook is switched off (enabled: false).</summary>
    Disabled,
    /// <summary>The signal is readable, and no playbook is triggered by it.</summary>
    NoTrigger,
    /// <summary>The payload holds no signal (not our envelope, a call without an event name...).</summary>
    Unreadable,
}

/// <summary>Which guardrail held an escalation back.</summary>
internal enum SuppressionKind
{
    /// <summary>The playbook escalated this customer less than its cooldown ago.</summary>
    Cooldown,
    /// <summary>The playbook already escalated with this dedupe key.</summary>
    Dedupe,
    /// <summary>The playbook's daily cap for the channel is reached (last 24 h).</summary>
    DailyCap,
    /// <summary>The channel's daily budget is spent (last 24 h, all playbooks).</summary>
    ChannelBudget,
    /// <summary>The channel's digest <c>after</c>: that many messages went there within its window (only with a digest).</summary>
    Burst,
}

/// <summary>A guardrail that held an escalation back, and the figures it judged by, in words.</summary>
internal sealed record Suppression(SuppressionKind Kind, string Detail)
{
    /// <summary>Whether the escalation rolls into the channel's digest instead of being held back: the channel's budget or
    /// burst, on a channel that declares a digest.</summary>
    public bool RollsIntoDigest(ChannelSymbol channel) => channel.Digest is not null && Kind is SuppressionKind.ChannelBudget or SuppressionKind.Burst;

    /// <summary>The reason of a digested escalation: what held it back, and where it goes instead.</summary>
    public string DigestReason(ChannelSymbol channel) => $"{Detail}; rolled into the digest ({channel.Digest})";
}

/// <summary>A case that is open: its escalation id, its playbook, and when it was escalated (the signal's evaluation time).</summary>
internal sealed record OpenCase(string EscalationId, string Playbook, DateTimeOffset EscalatedAt)
{
    /// <summary>The order in which the latest of several open cases is the one named: the later escalation, then the greater id
    /// (as the store's <c>ORDER BY evaluated_at DESC, id DESC</c>).</summary>
    public static bool IsLater(OpenCase a, OpenCase b) =>
        a.EscalatedAt != b.EscalatedAt ? a.EscalatedAt > b.EscalatedAt : string.CompareOrdinal(a.EscalationId, b.EscalationId) > 0;
}

/// <summary>The open case that held an escalation back under the playbook's inhibit rule, and why in words (no customer data).</summary>
internal sealed record Inhibition(OpenCase Case, string Detail);

/// <summary>An escalation the pipeline decided to post: its id, guardrail keys and the rendered message.</summary>
internal sealed record Escalation(
    string Id,
    string Playbook,
    string CustomerId,
    ChannelSymbol Channel,
    string? DedupeKey,
    SlackMessage Message,
    DateTimeOffset EvaluatedAt)
{
    /// <summary>What the case is worth (the playbook's value field), or null.</summary>
    public decimal? Value { get; init; }

    /// <summary>Rolled into the channel's digest: its line goes into the next digest message; <see cref="Message"/> is kept
    /// for the line (its title and first link), never posted on its own.</summary>
    public bool Digested { get; init; }
}

/// <summary>
/// One playbook's verdict on one signal: the outcome, why in words, the channel when a route chose one, the
/// suppression when a guardrail held it, the evaluation (every check), the escalation when one is queued, and the open
/// case when an inhibit rule held it.
/// <paramref name="Playbook"/> is null for the signal-wide outcomes (no trigger, unreadable).
/// </summary>
internal sealed record PlaybookOutcome(
    CompiledPlaybook? Playbook,
    Outcome Outcome,
    string Reason,
    ChannelSymbol? Channel = null,
    Suppression? Suppression = null,
    Decision? Evaluation = null,
    Escalation? Escalation = null,
    Inhibition? Inhibition = null);

/// <summary>Text for the edges (storage, JSON, the CLI): one word per outcome and suppression kind.</summary>
internal static class OutcomeText
{
    public static string Of(Outcome outcome) => outcome switch
    {
        Outcome.Escalated => "escalated",
        Outcome.Skipped => "skipped",
        Outcome.Excluded => "excluded",
        Outcome.Suppressed => "suppressed",
        Outcome.Inhibited => "inhibited",
        Outcome.Digested => "digested",
        Outcome.Disabled => "disabled",
        Outcome.NoTrigger => "no_trigger",
        _ => "unreadable",
    };

    public static string Of(SuppressionKind kind) => kind switch
    {
        SuppressionKind.Cooldown => "cooldown",
        SuppressionKind.Dedupe => "dedupe",
        SuppressionKind.DailyCap => "daily_cap",
        SuppressionKind.Burst => "burst",
        _ => "channel_budget",
    };
}
