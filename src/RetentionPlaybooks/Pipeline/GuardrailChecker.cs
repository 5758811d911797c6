using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Pipeline;

/// <summary>
/// The guardrail stage, in order: cooldown per customer, dedupe key, the playbook's daily cap, the channel's daily
/// budget. Counts what the history holds plus what this batch has escalated but not yet stored; windows end at the
/// signal's evaluation time.
/// </summary>
internal sealed class GuardrailChecker(IEscalationHistory history)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly List<(long Source, Escalation Escalation)> _batch = [];

    /// <summary>The batch's escalations not yet in the history, as they are now (a live view, for the inhibition stage).</summary>
    public IEnumerable<Escalation> Pending => _batch.Select(e => e.Escalation);

    /// <summary>Counts an escalation of this batch (not yet in the history) against the guardrails of later signals.</summary>
    public void Add(long source, Escalation escalation) => _batch.Add((source, escalation));

    /// <summary>Forgets the escalations of one signal source (it was set aside).</summary>
    public void Forget(long source) => _batch.RemoveAll(e => e.Source == source);

    /// <summary>The batch's escalations have been stored: the history answers for them now.</summary>
    public void Clear() => _batch.Clear();

    /// <summary>Null when the escalation may go ahead; otherwise which guardrail holds it back and why.</summary>
    public async ValueTask<Suppression?> CheckAsync(CompiledPlaybook playbook, ChannelSymbol channel, string customerId, string? dedupeKey, DateTimeOffset now, CancellationToken ct)
    {
        var rails = playbook.Guardrails;
        if (rails.Cooldown is { } cooldown && customerId.Length > 0)
        {
            var last = Latest(playbook.Id, customerId) ?? await history.LastEscalationAsync(playbook.Id, customerId, ct).ConfigureAwait(false);
            if (last is { } at && now - at < cooldown)
            {
                return new(SuppressionKind.Cooldown,
                    $"cooldown: this customer was escalated {Templates.MarketerFilters.Relative(now - at)} (cooldown {DurationSyntax.Format(cooldown)})");
            }
        }
        if (dedupeKey is { Length: > 0 })
        {
            if (_batch.Exists(e => e.Escalation.Playbook == playbook.Id && e.Escalation.DedupeKey == dedupeKey)
                || await history.DedupeKeyUsedAsync(playbook.Id, dedupeKey, ct).ConfigureAwait(false))
            {
                return new(SuppressionKind.Dedupe, $"duplicate: dedupe key \"{dedupeKey}\" already escalated");
            }
        }
        var since = now - Day;
        if (rails.DailyCap is { } cap)
        {
            var count = _batch.Count(e => e.Escalation.Playbook == playbook.Id && e.Escalation.Channel.SlackTarget == channel.SlackTarget && e.Escalation.EvaluatedAt >= since)
                + await history.CountSinceAsync(channel.SlackTarget, playbook.Id, since, ct).ConfigureAwait(false);
            if (count >= cap) return new(SuppressionKind.DailyCap, $"daily cap: {count} escalation(s) to {channel.Name} in the last 24 h (daily_cap {cap})");
        }
        var total = _batch.Count(e => e.Escalation.Channel.SlackTarget == channel.SlackTarget && e.Escalation.EvaluatedAt >= since)
            + await history.CountSinceAsync(channel.SlackTarget, null, since, ct).ConfigureAwait(false);
        if (total >= channel.DailyBudget) return new(SuppressionKind.ChannelBudget, $"channel budget: {total} message(s) to {channel.Name} in the last 24 h (daily_budget {channel.DailyBudget})");
        return null;
    }

    private DateTimeOffset? Latest(string playbook, string customerId)
    {
        DateTimeOffset? latest = null;
        foreach (var (_, e) in _batch)
        {
            if (e.Playbook == playbook && e.CustomerId == customerId && (latest is null || e.EvaluatedAt > latest)) latest = e.EvaluatedAt;
        }
        return latest;
    }
}
