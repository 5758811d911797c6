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
            IReadOnlyList<Signal> signals;
            try
            {
                signals = SignalNormalizer.Normalize(inbox);
            }
            catch (JsonException)
            {
                // Verified at the door, so this cannot normally happen; record it rather than block the inbox.
                decisions.Add(new DecisionRecord(inbox.Id, "-", "unreadable", "the stored payload is not valid JSON", null, null));
                results.Add(new ProcessingResult(inbox.Id, decisions, escalations, []));
                continue;
            }
            foreach (var signal in signals)
            {
                var now = time.GetUtcNow();
                var triggers = new List<TriggerInput>();
                if (signal.Trigger is { } t) triggers.Add(t);
                triggers.AddRange(await attributes.ChangesAsync(signal, ct).ConfigureAwait(false));
                foreach (var input in triggers)
                {
                    var record = reader.Read(input, now);
                    foreach (var playbook in compilation.Match(input))
                    {
                        var decision = PlaybookEvaluator.Decide(playbook, record);
                        if (!decision.Escalates)
                        {
                            decisions.Add(new DecisionRecord(inbox.Id, playbook.Id, decision.Outcome == DecisionOutcome.Excluded ? "excluded" : "skipped", decision.Reason, null, null));
                            continue;
                        }
                        var channel = decision.Channel!;
                        var context = renderer.Prepare(playbook, channel, input, record, now);
                        var dedupeKey = playbook.Guardrails.DedupeKey is { } template ? MessageRenderer.RenderPlain(template, context) : null;
                        var blocked = await guardrails.CheckAsync(playbook, channel, signal.CustomerId, dedupeKey, now, ct).ConfigureAwait(false);
                        if (blocked is not null)
                        {
                            decisions.Add(new DecisionRecord(inbox.Id, playbook.Id, "suppressed", blocked, channel.Name, null));
                            continue;
                        }
                        var id = Ulid.New(now);
                        var message = renderer.Render(playbook, channel, input, now, context, id);
                        var escalation = new NewEscalation(id, inbox.Id, playbook.Id, signal.CustomerId, channel.Name, channel.SlackTarget, dedupeKey, message.Body.ToArray(), now);
                        guardrails.Add(escalation);
                        escalations.Add(escalation);
                        decisions.Add(new DecisionRecord(inbox.Id, playbook.Id, "escalated", decision.Reason, channel.Name, id));
                    }
                }
            }
            results.Add(new ProcessingResult(inbox.Id, decisions, escalations, attributes.TakeUpdates()));
            if (escalations.Count > 0) logger.LogInformation("Inbox {InboxId}: {Count} escalation(s) queued", inbox.Id, escalations.Count);
        }
        return results;
    }
}
