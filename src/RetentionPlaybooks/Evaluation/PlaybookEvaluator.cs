using System.Diagnostics;
using RetentionPlaybooks.Compilation;

namespace RetentionPlaybooks.Evaluation;

/// <summary>
/// Decides one playbook for one record: gates must all hold, no exclusion may apply, then the first route
/// whose condition holds picks the channel. A pure function of the playbook and the record.
/// </summary>
internal static class PlaybookEvaluator
{
    /// <summary>The fast decision: stops at the first failing check and explains only that one.</summary>
    public static Decision Decide(CompiledPlaybook playbook, Record record) => Run(playbook, record, explainAll: false);

    /// <summary>Evaluates and explains every gate, exclusion and route, for <c>playbooks explain</c>.</summary>
    public static Decision Explain(CompiledPlaybook playbook, Record record) => Run(playbook, record, explainAll: true);

    private static Decision Run(CompiledPlaybook playbook, Record record, bool explainAll)
    {
        var checks = new List<CheckResult>();
        if (!playbook.Enabled) return new Decision(playbook, DecisionOutcome.Disabled, null, "the playbook is disabled (enabled: false)", checks);

        Decision? skip = null;
        foreach (var gate in playbook.Gates)
        {
            if (!explainAll && skip is null && gate.Evaluate(record)) continue;
            var e = gate.Explain(record);
            checks.Add(new CheckResult(CheckKind.Gate, gate.Source, e.Result, e.Reason));
            if (!e.Result && skip is null)
            {
                skip = new Decision(playbook, DecisionOutcome.GateFailed, null, $"gate \"{gate.Source}\" did not hold: {e.Reason}", checks);
                if (!explainAll) return skip;
            }
        }
        foreach (var exclude in playbook.Excludes)
        {
            if (!explainAll && skip is null && !exclude.Evaluate(record)) continue;
            var e = exclude.Explain(record, Gates.ExplainWording.Exclusion);
            checks.Add(new CheckResult(CheckKind.Exclusion, exclude.Source, e.Result, e.Reason));
            if (e.Result && skip is null)
            {
                skip = new Decision(playbook, DecisionOutcome.Excluded, null, $"excluded by \"{exclude.Source}\": {e.Reason}", checks);
                if (!explainAll) return skip;
            }
        }
        Compilation.CompiledRoute? chosen = null;
        foreach (var route in playbook.Routes)
        {
            if (route.When is null)
            {
                if (explainAll) checks.Add(new CheckResult(CheckKind.Route, "default", true, $"default → {route.Channel.Name}"));
                chosen ??= route;
                break;
            }
            if (explainAll)
            {
                var e = route.When.Explain(record);
                checks.Add(new CheckResult(CheckKind.Route, route.When.Source, e.Result, e.Reason));
                if (e.Result) chosen ??= route;
            }
            else if (route.When.Evaluate(record))
            {
                chosen = route;
                break;
            }
        }
        if (skip is not null) return skip with { Checks = checks };
        if (chosen is null) throw new UnreachableException("the binder guarantees every route list ends with a default");
        return new Decision(playbook, DecisionOutcome.Escalate, chosen.Channel,
            chosen.IsDefault ? $"escalates to {chosen.Channel.Name} (default route)" : $"escalates to {chosen.Channel.Name} (route \"{chosen.When!.Source}\")", checks);
    }
}
