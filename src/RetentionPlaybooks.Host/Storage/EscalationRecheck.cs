using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>What every engine's escalation insert judges again in its write transaction, and what it says when the insert is
/// refused: one place for both, so SQLite and PostgreSQL hold an escalation back alike.</summary>
internal static class EscalationRecheck
{
    /// <summary>The inhibit rule, then the guardrails (the pipeline's order), over the history as the transaction sees it; null
    /// when the escalation still passes (or has nothing to re-check). Completes synchronously when the history does.</summary>
    public static async ValueTask<HeldBack?> JudgeAsync(IEscalationHistory history, NewEscalation e)
    {
        if (e.Recheck is not { } recheck) return null;
        var inhibition = await new InhibitionChecker(history, []).CheckAsync(recheck.Playbook, e.CustomerId, e.EvaluatedAt, CancellationToken.None).ConfigureAwait(false);
        if (inhibition is not null) return new HeldBack(Outcome.Inhibited, inhibition.Detail);
        var suppression = await new GuardrailChecker(history).CheckAsync(recheck.Playbook, recheck.Channel, e.CustomerId, e.DedupeKey, e.EvaluatedAt, CancellationToken.None).ConfigureAwait(false);
        return suppression is null ? null : new HeldBack(Outcome.Suppressed, suppression.Detail, suppression.Kind);
    }

    /// <summary>The insert did nothing: the (inbox, playbook) pair is already escalated (a replayed result), or the dedupe key's
    /// unique index refused it.</summary>
    public static HeldBack Duplicate(NewEscalation e) => new(Outcome.Suppressed, e.DedupeKey is { Length: > 0 } key
        ? $"duplicate: dedupe key \"{key}\" already escalated"
        : "duplicate: this signal already escalated this playbook", SuppressionKind.Dedupe);
}
