using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Evaluation;

internal enum DecisionOutcome
{
    /// <summary>Every gate held, no exclusion applied: post to <see cref="Decision.Channel"/>.</summary>
    Escalate,
    /// <summary>The playbook is switched off (enabled: false).</summary>
    Disabled,
    /// <summary>A gate did not hold.</summary>
    GateFailed,
    /// <summary>An exclusion applied.</summary>
    Excluded,
}

/// <summary>What a check is: a gate (must hold), an exclusion (must not apply), a route condition (picks the channel).</summary>
internal enum CheckKind
{
    Gate,
    Exclusion,
    Route,
}

/// <summary>One check made while deciding: which expression, what it returned, and why in terms of the data.</summary>
internal sealed record CheckResult(CheckKind Kind, string Expression, bool Result, string Reason);

/// <summary>What a playbook decided for one signal, with every check it made, so a skip can be explained.</summary>
internal sealed record Decision(CompiledPlaybook Playbook, DecisionOutcome Outcome, ChannelSymbol? Channel, string Reason, IReadOnlyList<CheckResult> Checks)
{
    public bool Escalates => Outcome == DecisionOutcome.Escalate;
}
