using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;

namespace RetentionPlaybooks.Host.Pipeline;

/// <summary>
/// Runs a batch of inbox records through the core pipeline (<see cref="SignalPipeline"/>) over the durable store, and
/// turns each record's outcomes into what the store writes: decisions, escalations (the outbox), attribute snapshots.
/// A record whose processing throws on its content is quarantined; the records behind it go on.
/// </summary>
internal sealed class SignalProcessor(PlaybookCatalog catalog, IStore store, TimeProvider time, ILogger<SignalProcessor> logger)
{
    public async Task<IReadOnlyList<ProcessingResult>> ProcessAsync(IReadOnlyList<InboxRecord> records, CancellationToken ct)
    {
        var playbooks = catalog.Current;
        var pipeline = new SignalPipeline(playbooks, store.Escalations, store.Attributes);
        var results = new List<ProcessingResult>(records.Count);
        foreach (var inbox in records)
        {
            IReadOnlyList<PlaybookOutcome> outcomes = []; // assigned in the try; initialised so mutation testing can change the try alone
            IReadOnlyList<PromotionSent>? promotions = null;
            var now = time.GetUtcNow();
            try
            {
                outcomes = await pipeline.ProcessAsync(inbox.Id, inbox.Source, inbox.Payload, inbox.DeliveryKey, inbox.ReceivedAt, now, ct).ConfigureAwait(false);
                // Read inside the try, so that a body it cannot read sets this record aside instead of failing the whole batch.
                promotions = inbox.Source == SignalSource.Reporting ? PromotionSentIn(inbox.Payload, playbooks.Workspace?.Promotions, inbox.ReceivedAt) : null;
            }
            catch (Exception ex) when (IsContentFault(ex))
            {
                // This record's content broke a stage: set it aside so the records behind it are processed. What it
                // added to the batch's guardrail and attribute state goes with it.
                pipeline.Forget(inbox.Id);
                var reason = QuarantineReason(ex, pipeline.Stage);
                results.Add(ProcessingResult.Quarantined(inbox.Id, reason));
                // The exception's message may quote customer data; its type and stack trace do not.
                logger.LogError("Inbox {InboxId} ({Source} {DeliveryKey}) quarantined: {Reason}\n{StackTrace}", inbox.Id, inbox.Source, inbox.DeliveryKey, reason, ex.StackTrace);
                continue;
            }
            var decisions = new List<DecisionRecord>(outcomes.Count);
            var escalations = new List<NewEscalation>();
            foreach (var o in outcomes)
            {
                decisions.Add(new DecisionRecord(inbox.Id, o.Playbook?.Id ?? "-", OutcomeText.Of(o.Outcome), o.Reason, o.Channel?.Name, o.Escalation?.Id,
                    o.Suppression is { } s ? OutcomeText.Of(s.Kind) : null));
                if (o.Escalation is { } e)
                {
                    // The case's SLA clocks start now, when it is queued: rows due at their time, not timers.
                    var body = e.Message.Body.ToArray();
                    var schedule = SlaSchedule.For(o.Playbook!, playbooks.Workspace?.BusinessHours, now);
                    DateTimeOffset? holdUntil = o.Playbook!.HoldPromotions is { } hold ? SlaSchedule.Later(now, hold) : null;
                    var writeBack = WriteBack.OnEscalation(e.Id, o.Playbook!, e.CustomerId, e.Channel.Name, now, schedule.DueAt, holdUntil);
                    // On a channel with a digest, how the case is filed if it rolls in — now, or when the store's recheck finds the
                    // budget or burst spent by another host meanwhile.
                    var digest = e.Channel.Digest is { } policy
                        ? new DigestFiling(e.Digested, DigestMessage.LineJson(e, o.Playbook!), DigestMessage.Head(e.Channel), policy.Every,
                            [.. CaseMessages.DigestClocks(e.Id, o.Playbook!, e.Channel.Name, e.Channel.SlackTarget, e.Value, schedule, now), .. writeBack])
                        : null;
                    escalations.Add(new NewEscalation(e.Id, inbox.Id, e.Playbook, e.CustomerId, e.Channel.Name, e.Channel.SlackTarget, e.DedupeKey,
                        body, now, e.EvaluatedAt, new GuardrailRecheck(o.Playbook!, e.Channel),
                        schedule.DueAt == DateTimeOffset.MaxValue ? null : schedule.DueAt,
                        [.. CaseMessages.Clocks(e.Id, o.Playbook!, e.Channel.Name, e.Channel.SlackTarget, body, schedule, now), .. writeBack],
                        e.Value,
                        holdUntil,
                        digest));
                }
            }
            results.Add(new ProcessingResult(inbox.Id, decisions, escalations, pipeline.Attributes.TakeUpdates(), Promotions: promotions));
            if (escalations.Count > 0) logger.LogInformation("Inbox {InboxId}: {Count} escalation(s) queued", inbox.Id, escalations.Count);
        }
        return results;
    }

    /// <summary>
    /// A reporting webhook of a message sent by a promotion the workspace declares (campaign, broadcast or journey), to a
    /// known customer: the store checks it against the customer's running holds. Anything else (or unreadable): nothing.
    /// </summary>
    internal static IReadOnlyList<PromotionSent>? PromotionSentIn(byte[] payload, IReadOnlySet<string>? promotions, DateTimeOffset receivedAt)
    {
        if (promotions is not { Count: > 0 }) return null;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object || Text(root, "metric") != "sent") return null;
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != System.Text.Json.JsonValueKind.Object) return null;
            var customer = data.TryGetProperty("identifiers", out var ids) && ids.ValueKind == System.Text.Json.JsonValueKind.Object ? Text(ids, "id") : null;
            if (string.IsNullOrEmpty(customer)) return null;
            // When it was sent: the webhook's own time when it is sane, else when it arrived.
            var at = root.TryGetProperty("timestamp", out var ts) && ts.ValueKind == System.Text.Json.JsonValueKind.Number && ts.TryGetInt64(out var seconds)
                && seconds > 0 && seconds < 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds) : receivedAt;
            foreach (var (field, kind) in new[] { ("campaign_id", "campaign"), ("broadcast_id", "broadcast"), ("journey_id", "journey") })
            {
                if (Text(data, field) is { Length: > 0 } id && promotions.Contains($"{kind}:{id}")) return [new PromotionSent(customer, $"{kind}:{id}", at)];
            }
            return null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A string, or a number's text (ids come either way).</summary>
    private static string? Text(System.Text.Json.JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            System.Text.Json.JsonValueKind.String => v.GetString(),
            System.Text.Json.JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    /// <summary>
    /// A failure caused by the record in hand, which would fail the same way on every retry. The store being busy,
    /// full or gone, or the host stopping, is not: those leave the record in the inbox for the next attempt.
    /// </summary>
    internal static bool IsContentFault(Exception ex) =>
        ex is not (OperationCanceledException or ObjectDisposedException or System.Data.Common.DbException or OutOfMemoryException);

    /// <summary>What an operator needs to find the fault — the stage, the exception type and where it was thrown — and no customer data.</summary>
    internal static string QuarantineReason(Exception ex, string stage)
    {
        var site = ex.TargetSite is { } method ? $" in {method.DeclaringType?.Name}.{method.Name}" : "";
        return $"{ex.GetType().Name}{site} while {stage}";
    }
}
