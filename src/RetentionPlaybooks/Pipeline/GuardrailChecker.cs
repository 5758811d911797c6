using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Pipeline;

/// <summary>
/// The guardrail stage, in order: cooldown per customer, dedupe key, the playbook's daily cap (its cases, digested ones
/// included), the channel's daily budget and, with a digest's <c>after</c>, its burst (both count the channel's messages:
/// posts, not escalations rolled into a digest; with a digest, what they hold back rolls into it — see
/// <see cref="Suppression.RollsIntoDigest"/>). Counts what the history holds plus what this batch has escalated but not yet stored; windows end at the
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
        // The budget and the burst count the channel's messages: an escalation rolled into a digest is not one of them.
        var total = Posts(channel, since) + await history.PostsSinceAsync(channel.SlackTarget, since, ct).ConfigureAwait(false);
        if (total >= channel.DailyBudget) return new(SuppressionKind.ChannelBudget, $"channel budget: {total} message(s) to {channel.Name} in the last 24 h (daily_budget {channel.DailyBudget})");
        if (channel.Digest is { AfterCount: { } burst, AfterWindow: { } window })
        {
            var recent = Posts(channel, now - window) + await history.PostsSinceAsync(channel.SlackTarget, now - window, ct).ConfigureAwait(false);
            if (recent >= burst)
            {
                return new(SuppressionKind.Burst, $"burst: {recent} message(s) to {channel.Name} in the last {DurationSyntax.Format(window)} (digest after {burst} in {DurationSyntax.Format(window)})");
            }
        }
        return null;
    }

    private int Posts(ChannelSymbol channel, DateTimeOffset since) =>
        _batch.Count(e => !e.Escalation.Digested && e.Escalation.Channel.SlackTarget == channel.SlackTarget && e.Escalation.EvaluatedAt >= since);

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
