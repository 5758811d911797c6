using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Host.Pipeline;

/// <summary>
/// Frequency guardrails: per customer and playbook cooldown, dedupe key, the playbook's daily cap per channel,
/// and the channel's daily budget across playbooks. Sees committed escalations plus those of the batch in hand.
/// </summary>
internal sealed class GuardrailChecker(IEscalationStore store)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly List<NewEscalation> _batch = [];

    public void Add(NewEscalation escalation) => _batch.Add(escalation);

    /// <summary>Drops the batch's escalations of an inbox record that was set aside.</summary>
    public void Forget(long inboxId) => _batch.RemoveAll(e => e.InboxId == inboxId);

    /// <summary>Null when the escalation may go ahead; otherwise why it is suppressed.</summary>
    public async Task<string?> CheckAsync(CompiledPlaybook playbook, ChannelSymbol channel, string customerId, string? dedupeKey, DateTimeOffset now, CancellationToken ct)
    {
        var rails = playbook.Guardrails;
        if (rails.Cooldown is { } cooldown && customerId.Length > 0)
        {
            var last = _batch.Where(e => e.Playbook == playbook.Id && e.CustomerId == customerId).Select(e => (DateTimeOffset?)e.CreatedAt).Max()
                ?? await store.LastEscalationAsync(playbook.Id, customerId, ct).ConfigureAwait(false);
            if (last is { } at && now - at < cooldown)
            {
                return $"cooldown: this customer was escalated {Templates.MarketerFilters.Relative(now - at)} (cooldown {DurationSyntax.Format(cooldown)})";
            }
        }
        if (dedupeKey is { Length: > 0 })
        {
            if (_batch.Any(e => e.Playbook == playbook.Id && e.DedupeKey == dedupeKey) || await store.DedupeKeyUsedAsync(playbook.Id, dedupeKey, ct).ConfigureAwait(false))
            {
                return $"duplicate: dedupe key \"{dedupeKey}\" already escalated";
            }
        }
        var since = now - Day;
        if (rails.DailyCap is { } cap)
        {
            var count = _batch.Count(e => e.Playbook == playbook.Id && e.Target == channel.SlackTarget)
                + await store.CountSinceAsync(channel.SlackTarget, playbook.Id, since, ct).ConfigureAwait(false);
            if (count >= cap) return $"daily cap: {count} escalation(s) to {channel.Name} in the last 24 h (daily_cap {cap})";
        }
        var total = _batch.Count(e => e.Target == channel.SlackTarget) + await store.CountSinceAsync(channel.SlackTarget, null, since, ct).ConfigureAwait(false);
        if (total >= channel.DailyBudget) return $"channel budget: {total} message(s) to {channel.Name} in the last 24 h (daily_budget {channel.DailyBudget})";
        return null;
    }
}
