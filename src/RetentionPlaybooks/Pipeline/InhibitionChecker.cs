using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Templates;

namespace RetentionPlaybooks.Pipeline;

/// <summary>
/// The inhibition stage, Alertmanager's inhibit rules for customers: a playbook with <c>inhibited_by</c> does not escalate a
/// customer who has an open case in one of the playbooks it names (a cancel-save in progress holds the winback push back).
/// Asks the history, and first the batch's escalations not yet stored (open: nobody has marked them yet). The window ends
/// at the signal's evaluation time and includes its far edge: a case escalated exactly <c>within</c> ago still counts.
/// </summary>
internal sealed class InhibitionChecker(IEscalationHistory history, IEnumerable<Escalation> batch)
{
    /// <summary>Null when no open case holds the escalation back; otherwise the case, and why in words.</summary>
    public async ValueTask<Inhibition?> CheckAsync(CompiledPlaybook playbook, string customerId, DateTimeOffset now, CancellationToken ct)
    {
        // Without a customer id there is no "same customer" to be inhibited for.
        if (playbook.InhibitedBy is not { } rule || customerId.Length == 0) return null;
        var since = rule.Within >= now - DateTimeOffset.MinValue ? DateTimeOffset.MinValue : now - rule.Within;
        var open = Latest(rule, customerId, since) ?? await history.OpenCaseAsync(rule.Playbooks, customerId, since, ct).ConfigureAwait(false);
        return open is null ? null : new Inhibition(open, Describe(open, now));
    }

    /// <summary>The reason a decision carries: the case and its playbook, and how long ago it was escalated; no customer data.</summary>
    public static string Describe(OpenCase open, DateTimeOffset now)
    {
        // A signal Customer.io delivered late can be judged at a time before a case the store already holds: still open now.
        var age = now - open.EscalatedAt;
        var when = age >= TimeSpan.Zero ? MarketerFilters.Relative(age) : MarketerFilters.Relative(-age).Replace(" ago", " after this signal", StringComparison.Ordinal);
        return $"inhibited: case {open.EscalationId} of {open.Playbook} is open (escalated {when})";
    }

    private OpenCase? Latest(InhibitionRule rule, string customerId, DateTimeOffset since)
    {
        OpenCase? latest = null;
        foreach (var e in batch)
        {
            if (e.CustomerId != customerId || e.EvaluatedAt < since || !rule.Playbooks.Contains(e.Playbook)) continue;
            var candidate = new OpenCase(e.Id, e.Playbook, e.EvaluatedAt);
            if (latest is null || OpenCase.IsLater(candidate, latest)) latest = candidate;
        }
        return latest;
    }
}
