using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Slack;

namespace RetentionPlaybooks.Host.Pipeline;

/// <summary>
/// The pipeline, one small stage after another: normalize → derive attribute changes → match playbooks by
/// trigger (index) → gates and exclusions → guardrails → render → outbox. Every decision is recorded,
/// escalated or skipped and why. Processes a batch of inbox records; the caller commits the results at once.
/// </summary>
internal sealed class SignalProcessor(PlaybookCatalog catalog, IEscalationStore store, TimeProvider time, ILogger<SignalProcessor> logger)
{
    public async Task<IReadOnlyList<ProcessingResult>> ProcessAsync(IReadOnlyList<InboxRecord> records, CancellationToken ct)
    {
        var compilation = catalog.Current;
        var renderer = new MessageRenderer(compilation.Workspace!, compilation.DataModel!);
        var reader = new RecordReader(compilation.DataModel!);
        var guardrails = new GuardrailChecker(store);
        var attributes = new AttributeTracker(store, compilation);
        var results = new List<ProcessingResult>(records.Count);
        foreach (var inbox in records)
        {
            var decisions = new List<DecisionRecord>();
            var escalations = new List<NewEscalation>();
            var stage = "normalizing the payload";
            try
            {
                foreach (var signal in SignalNormalizer.Normalize(inbox))
                {
                    var now = time.GetUtcNow();
                    var triggers = new List<TriggerInput>();
                    if (signal.Trigger is { } t) triggers.Add(t);
                    stage = "tracking attribute changes";
                    triggers.AddRange(await attributes.ChangesAsync(signal, ct).ConfigureAwait(false));
                    foreach (var input in triggers)
                    {
                        stage = "reading the signal";
                        var record = reader.Read(input, now);
                        foreach (var playbook in compilation.Match(input))
                        {
                            stage = $"evaluating playbook {playbook.Id}";
                            var decision = PlaybookEvaluator.Decide(playbook, record);
                            if (!decision.Escalates)
                            {
                                decisions.Add(new DecisionRecord(inbox.Id, playbook.Id, decision.Outcome == DecisionOutcome.Excluded ? "excluded" : "skipped", decision.Reason, null, null));
                                continue;
                            }
                            var channel = decision.Channel!;
                            stage = $"rendering playbook {playbook.Id}";
                            var context = renderer.Prepare(playbook, channel, input, record, now);
                            var dedupeKey = playbook.Guardrails.DedupeKey is { } template ? MessageRenderer.RenderPlain(template, context) : null;
                            stage = $"checking the guardrails of playbook {playbook.Id}";
                            var blocked = await guardrails.CheckAsync(playbook, channel, signal.CustomerId, dedupeKey, now, ct).ConfigureAwait(false);
                            if (blocked is not null)
                            {
                                decisions.Add(new DecisionRecord(inbox.Id, playbook.Id, "suppressed", blocked, channel.Name, null));
                                continue;
                            }
                            stage = $"rendering playbook {playbook.Id}";
                            var id = Ulid.New(now);
                            var message = renderer.Render(playbook, channel, input, now, context, id);
                            var escalation = new NewEscalation(id, inbox.Id, playbook.Id, signal.CustomerId, channel.Name, channel.SlackTarget, dedupeKey, message.Body.ToArray(), now);
                            guardrails.Add(escalation);
                            escalations.Add(escalation);
                            decisions.Add(new DecisionRecord(inbox.Id, playbook.Id, "escalated", decision.Reason, channel.Name, id));
                        }
                    }
                }
            }
            catch (Exception ex) when (IsContentFault(ex))
            {
                // This record's content broke a stage: set it aside so the records behind it are processed. What it
                // added to the batch's guardrail and attribute state goes with it.
                guardrails.Forget(inbox.Id);
                attributes.Abandon();
                var reason = QuarantineReason(ex, stage);
                results.Add(ProcessingResult.Quarantined(inbox.Id, reason));
                // The exception's message may quote customer data; its type and stack trace do not.
                logger.LogError("Inbox {InboxId} ({Source} {DeliveryKey}) quarantined: {Reason}\n{StackTrace}", inbox.Id, inbox.Source, inbox.DeliveryKey, reason, ex.StackTrace);
                continue;
            }
            results.Add(new ProcessingResult(inbox.Id, decisions, escalations, attributes.TakeUpdates()));
            if (escalations.Count > 0) logger.LogInformation("Inbox {InboxId}: {Count} escalation(s) queued", inbox.Id, escalations.Count);
        }
        return results;
    }

    /// <summary>
    /// A failure caused by the record in hand, which would fail the same way on every retry. The store being busy,
    /// full or gone, or the host stopping, is not: those leave the record in the inbox for the next attempt.
    /// </summary>
    internal static bool IsContentFault(Exception ex) =>
        ex is not (OperationCanceledException or ObjectDisposedException or Microsoft.Data.Sqlite.SqliteException or OutOfMemoryException);

    /// <summary>What an operator needs to find the fault — the stage, the exception type and where it was thrown — and no customer data.</summary>
    internal static string QuarantineReason(Exception ex, string stage)
    {
        var site = ex.TargetSite is { } method ? $" in {method.DeclaringType?.Name}.{method.Name}" : "";
        return $"{ex.GetType().Name}{site} while {stage}";
    }
}
