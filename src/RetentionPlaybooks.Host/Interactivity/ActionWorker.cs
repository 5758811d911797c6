using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Interactivity;

/// <summary>
/// Applies the stored clicks in arrival order, off Slack's 3-second path: each one changes its case once (the first
/// acknowledgement, the first outcome), and queues the message's update or — when someone was first — a reply to the
/// person who clicked. A click's application and its deliveries are one transaction, so a crash repeats nothing.
/// </summary>
internal sealed class ActionWorker(
    IActionStore store,
    PlaybookCatalog catalog,
    ActionSignal actions,
    OutboxSignal outbox,
    TimeProvider time,
    ILogger<ActionWorker> logger) : ResilientWorker
{
    protected override TimeProvider Clock => time;

    protected override ILogger Log => logger;

    protected override string FailureMessage => "Applying Slack clicks failed; retrying in 1 s (the clicks stay stored)";

    protected override Task WaitForWorkAsync(CancellationToken ct) => actions.Signal.WaitAsync(ct);

    protected override Task<bool> StepAsync(CancellationToken ct) => ApplyPendingAsync(ct);

    /// <summary>Applies what is pending; false when nothing was.</summary>
    internal async Task<bool> ApplyPendingAsync(CancellationToken ct)
    {
        var pending = await store.PendingAsync(50, ct).ConfigureAwait(false);
        if (pending.Count == 0) return false;
        foreach (var action in pending)
        {
            var now = time.GetUtcNow();
            var playbooks = catalog.Current;
            var transition = await store.ApplyAsync(action.Id, now, CaseMessages.LostReasons(playbooks), t => CaseMessages.For(t, playbooks, now), ct).ConfigureAwait(false);
            if (transition is null) continue;
            logger.LogInformation("Escalation {Escalation}: {Action} by {User} → {Result}", action.Action.EscalationId, action.Action.Action, action.Action.UserId, transition.Result);
        }
        outbox.NotifyAll();
        return true;
    }
}
