using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Slack;

namespace RetentionPlaybooks.Pipeline;

/// <summary>
/// The pipeline the host and the CLI share, one stage after another: normalize → attribute changes → match (the
/// trigger index) → gates, exclusions, route → inhibition → guardrails → render. One instance serves one batch of payloads:
/// the inhibition and guardrail stages count the batch's escalations before they are stored, and the attribute stage
/// remembers what the batch saw. Gates, exclusions, inhibit rules and guardrails are evaluated at each signal's own time (<see cref="Signal.EvaluatedAt"/>);
/// what a message says about time is relative to <c>renderedAt</c>, when it is rendered.
/// </summary>
internal sealed class SignalPipeline
{
    private readonly CompilationResult _compilation;
    private readonly RecordReader _reader;
    private readonly MessageRenderer _renderer;
    private readonly bool _explain;
    private readonly InhibitionChecker _inhibitions;

    /// <param name="explain">Evaluate and explain every gate, exclusion and route (for <c>playbooks explain</c>), not only up to the first that decides.</param>
    public SignalPipeline(CompilationResult compilation, IEscalationHistory history, IAttributeSnapshots snapshots, bool explain = false)
    {
        _compilation = compilation;
        _reader = new RecordReader(compilation.DataModel!);
        _renderer = new MessageRenderer(compilation.Workspace!, compilation.DataModel!);
        _explain = explain;
        Guardrails = new GuardrailChecker(history);
        _inhibitions = new InhibitionChecker(history, Guardrails.Pending);
        Attributes = new AttributeTracker(snapshots, compilation);
    }

    public GuardrailChecker Guardrails { get; }

    public AttributeTracker Attributes { get; }

    /// <summary>The stage in progress, for a failure report ("while evaluating playbook x"); no customer data.</summary>
    public string Stage { get; private set; } = "starting";

    /// <summary>Parses a stored body (UTF-8 JSON) and runs it through every stage; a body that is not JSON throws <see cref="JsonException"/>.</summary>
    public async Task<IReadOnlyList<PlaybookOutcome>> ProcessAsync(
        long source, SignalSource kind, ReadOnlyMemory<byte> body, string deliveryKey, DateTimeOffset receivedAt, DateTimeOffset renderedAt, CancellationToken ct)
    {
        Stage = "normalizing the payload";
        using var doc = JsonDocument.Parse(body);
        return await ProcessAsync(source, kind, doc.RootElement, deliveryKey, receivedAt, renderedAt, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one payload through every stage. <paramref name="source"/> identifies it within the batch (the host's inbox
    /// id), so that <see cref="Forget"/> can drop what it added when it is set aside.
    /// </summary>
    public async Task<IReadOnlyList<PlaybookOutcome>> ProcessAsync(
        long source, SignalSource kind, JsonElement payload, string deliveryKey, DateTimeOffset receivedAt, DateTimeOffset renderedAt, CancellationToken ct)
    {
        Stage = "normalizing the payload";
        var normalized = SignalNormalizer.Normalize(kind, payload, deliveryKey);
        if (normalized.Problem is { } problem) return [new PlaybookOutcome(null, normalized.Outcome, problem)];
        var outcomes = new List<PlaybookOutcome>();
        foreach (var signal in normalized.Signals) await ProcessAsync(source, signal, receivedAt, renderedAt, outcomes, ct).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>Runs one normalized signal through the stages after normalizing; appends one outcome per matched playbook.</summary>
    public async Task ProcessAsync(long source, Signal signal, DateTimeOffset receivedAt, DateTimeOffset renderedAt, List<PlaybookOutcome> outcomes, CancellationToken ct)
    {
        var at = signal.EvaluatedAt(receivedAt);
        var triggers = new List<TriggerInput>(2);
        if (signal.Trigger is { } t) triggers.Add(t);
        Stage = "tracking attribute changes";
        triggers.AddRange(await Attributes.ChangesAsync(signal, ct).ConfigureAwait(false));
        var matched = 0;
        foreach (var input in triggers)
        {
            Stage = "reading the signal";
            var record = _reader.Read(input, at);
            foreach (var playbook in _compilation.Match(input))
            {
                matched++;
                Stage = $"evaluating playbook {playbook.Id}";
                outcomes.Add(await DecideAsync(source, signal, playbook, input, record, at, renderedAt, ct).ConfigureAwait(false));
            }
        }
        if (matched == 0 && signal.Trigger is { } trigger)
        {
            outcomes.Add(new PlaybookOutcome(null, Outcome.NoTrigger, $"no playbook is triggered by {Describe(trigger)}"));
        }
    }

    private async Task<PlaybookOutcome> DecideAsync(
        long source, Signal signal, CompiledPlaybook playbook, TriggerInput input, Record record, DateTimeOffset at, DateTimeOffset renderedAt, CancellationToken ct)
    {
        var decision = _explain ? PlaybookEvaluator.Explain(playbook, record) : PlaybookEvaluator.Decide(playbook, record);
        switch (decision.Outcome)
        {
            case DecisionOutcome.Disabled:
                return new(playbook, Outcome.Disabled, decision.Reason, Evaluation: decision);
            case DecisionOutcome.GateFailed:
                return new(playbook, Outcome.Skipped, decision.Reason, Evaluation: decision);
            case DecisionOutcome.Excluded:
                return new(playbook, Outcome.Excluded, decision.Reason, Evaluation: decision);
        }
        var channel = decision.Channel!;
        Stage = $"checking the inhibit rule of playbook {playbook.Id}";
        if (await _inhibitions.CheckAsync(playbook, signal.CustomerId, at, ct).ConfigureAwait(false) is { } inhibition)
        {
            return new(playbook, Outcome.Inhibited, inhibition.Detail, channel, Evaluation: decision, Inhibition: inhibition);
        }
        Stage = $"rendering playbook {playbook.Id}";
        var context = _renderer.Prepare(playbook, channel, input, record, renderedAt);
        var dedupeKey = playbook.Guardrails.DedupeKey is { } template ? MessageRenderer.RenderPlain(template, context) : null;
        Stage = $"checking the guardrails of playbook {playbook.Id}";
        var suppression = await Guardrails.CheckAsync(playbook, channel, signal.CustomerId, dedupeKey, at, ct).ConfigureAwait(false);
        var digested = suppression is not null && suppression.RollsIntoDigest(channel);
        if (suppression is not null && !digested)
        {
            return new(playbook, Outcome.Suppressed, suppression.Detail, channel, suppression, decision);
        }
        Stage = $"rendering playbook {playbook.Id}";
        var id = Ulid.New(renderedAt);
        var message = _renderer.Render(playbook, channel, input, renderedAt, context, id);
        var escalation = new Escalation(id, playbook.Id, signal.CustomerId, channel, dedupeKey, message, at) { Value = playbook.ValueOf(record), Digested = digested };
        Guardrails.Add(source, escalation);
        return digested
            ? new(playbook, Outcome.Digested, suppression!.DigestReason(channel), channel, suppression, decision, escalation)
            : new(playbook, Outcome.Escalated, decision.Reason, channel, null, decision, escalation);
    }

    /// <summary>Drops what one payload added to the batch's state (its escalations, its attribute changes): it was set aside.</summary>
    public void Forget(long source)
    {
        Guardrails.Forget(source);
        Attributes.Abandon();
    }

    private static string Describe(TriggerInput trigger) =>
        trigger.EventName is { } e ? $"the event \"{e}\""
        : trigger.Segment is { } s ? $"entering the segment \"{s}\""
        : $"a change of \"{trigger.ChangedAttribute}\"";
}
