namespace RetentionPlaybooks.Host.Storage;

/// <summary>What an action does to a case, decided the same way by every store engine inside its transaction.</summary>
internal static class CaseRules
{
    /// <summary>
    /// The result of <paramref name="action"/> on the case as it stands (<paramref name="before"/>): the first
    /// acknowledgement and the first outcome win; Lost must carry one of its playbook's reasons
    /// (<paramref name="lostReasons"/> of the playbook id; null when the playbook is no longer loaded, so any reason key stands).
    /// </summary>
    public static CaseResult Decide(CaseState? before, Interactivity.BlockAction action, Func<string, IReadOnlyList<string>?> lostReasons) => before switch
    {
        null => CaseResult.UnknownEscalation,
        { Outcome: not null } => CaseResult.AlreadyClosed,
        { AcknowledgedAt: not null } when action.Action == Interactivity.CaseAction.Acknowledge => CaseResult.AlreadyAcknowledged,
        _ when action.Action == Interactivity.CaseAction.Lost && !ReasonAllowed(action.Reason, lostReasons(before.Playbook)) => CaseResult.UnknownReason,
        _ => CaseResult.Applied,
    };

    private static bool ReasonAllowed(string? reason, IReadOnlyList<string>? declared) =>
        reason is not null && (declared is null || declared.Contains(reason, StringComparer.Ordinal));
}
