namespace RetentionPlaybooks.Pipeline;

/// <summary>What the guardrails and inhibit rules need to know of earlier escalations. The host's store answers durably; replays use <see cref="InMemoryEscalationHistory"/>.</summary>
internal interface IEscalationHistory
{
    /// <summary>When the playbook last escalated this customer (the evaluation time of that escalation), or null.</summary>
    ValueTask<DateTimeOffset?> LastEscalationAsync(string playbook, string customerId, CancellationToken ct);

    ValueTask<bool> DedupeKeyUsedAsync(string playbook, string dedupeKey, CancellationToken ct);

    /// <summary>Escalations to a Slack target evaluated at or after <paramref name="since"/>, for one playbook or (null) all;
    /// digested ones included (they are cases: a playbook's daily cap counts them).</summary>
    ValueTask<int> CountSinceAsync(string target, string? playbook, DateTimeOffset since, CancellationToken ct);

    /// <summary>Escalations posted to a Slack target on their own (not rolled into a digest) evaluated at or after
    /// <paramref name="since"/>: the channel's messages, which its budget and burst count.</summary>
    ValueTask<int> PostsSinceAsync(string target, DateTimeOffset since, CancellationToken ct);

    /// <summary>
    /// The customer's latest open case in one of <paramref name="playbooks"/> — no outcome marked, its post not a dead letter,
    /// escalated (evaluated) at or after <paramref name="since"/> — or null.
    /// </summary>
    ValueTask<OpenCase?> OpenCaseAsync(IReadOnlyCollection<string> playbooks, string customerId, DateTimeOffset since, CancellationToken ct);
}

/// <summary>The last-seen values of watched attributes per customer, as a JSON object text.</summary>
internal interface IAttributeSnapshots
{
    ValueTask<string?> LastSeenAttributesAsync(string customerId, CancellationToken ct);
}

/// <summary>
/// Escalation history in memory, for replays and <c>playbooks explain --history</c>. A case is open until <see cref="Close"/>
/// marks its outcome; a replay marks none, so there a case stays open for the inhibit rule's whole <c>within</c> window.
/// </summary>
internal sealed class InMemoryEscalationHistory : IEscalationHistory
{
    private readonly Dictionary<(string Playbook, string Customer), DateTimeOffset> _last = [];
    private readonly HashSet<(string Playbook, string Key)> _keys = [];
    private readonly Dictionary<string, List<(string Playbook, DateTimeOffset At, bool Digested)>> _byTarget = new(StringComparer.Ordinal);
    private readonly List<(OpenCase Case, string Customer)> _cases = [];
    private readonly HashSet<string> _closed = new(StringComparer.Ordinal);

    public void Record(Escalation escalation)
    {
        Open(new OpenCase(escalation.Id, escalation.Playbook, escalation.EvaluatedAt), escalation.CustomerId);
        var key = (escalation.Playbook, escalation.CustomerId);
        if (escalation.CustomerId.Length > 0 && (!_last.TryGetValue(key, out var at) || at < escalation.EvaluatedAt)) _last[key] = escalation.EvaluatedAt;
        if (escalation.DedupeKey is { Length: > 0 } dedupe) _keys.Add((escalation.Playbook, dedupe));
        var target = escalation.Channel.SlackTarget;
        if (!_byTarget.TryGetValue(target, out var list)) _byTarget[target] = list = [];
        list.Add((escalation.Playbook, escalation.EvaluatedAt, escalation.Digested));
    }

    /// <summary>Records a case on its own (a fixture's open case), open until <see cref="Close"/>.</summary>
    public void Open(OpenCase openCase, string customerId) => _cases.Add((openCase, customerId));

    /// <summary>The case's outcome is marked (saved or lost): it no longer holds other playbooks back.</summary>
    public void Close(string escalationId) => _closed.Add(escalationId);

    public ValueTask<OpenCase?> OpenCaseAsync(IReadOnlyCollection<string> playbooks, string customerId, DateTimeOffset since, CancellationToken ct)
    {
        OpenCase? latest = null;
        foreach (var (c, customer) in _cases)
        {
            if (customer != customerId || c.EscalatedAt < since || !playbooks.Contains(c.Playbook) || _closed.Contains(c.EscalationId)) continue;
            if (latest is null || OpenCase.IsLater(c, latest)) latest = c;
        }
        return ValueTask.FromResult(latest);
    }

    public ValueTask<DateTimeOffset?> LastEscalationAsync(string playbook, string customerId, CancellationToken ct) =>
        ValueTask.FromResult(_last.TryGetValue((playbook, customerId), out var at) ? at : (DateTimeOffset?)null);

    public ValueTask<bool> DedupeKeyUsedAsync(string playbook, string dedupeKey, CancellationToken ct) => ValueTask.FromResult(_keys.Contains((playbook, dedupeKey)));

    public ValueTask<int> CountSinceAsync(string target, string? playbook, DateTimeOffset since, CancellationToken ct)
    {
        if (!_byTarget.TryGetValue(target, out var list)) return ValueTask.FromResult(0);
        var count = 0;
        foreach (var (p, at, _) in list)
        {
            if (at >= since && (playbook is null || p == playbook)) count++;
        }
        return ValueTask.FromResult(count);
    }

    public ValueTask<int> PostsSinceAsync(string target, DateTimeOffset since, CancellationToken ct)
    {
        if (!_byTarget.TryGetValue(target, out var list)) return ValueTask.FromResult(0);
        var count = 0;
        foreach (var (_, at, digested) in list)
        {
            if (at >= since && !digested) count++;
        }
        return ValueTask.FromResult(count);
    }
}

/// <summary>Attribute snapshots in memory, for replays.</summary>
internal sealed class InMemoryAttributeSnapshots : IAttributeSnapshots
{
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);

    public void Save(string customerId, string attributesJson) => _seen[customerId] = attributesJson;

    public ValueTask<string?> LastSeenAttributesAsync(string customerId, CancellationToken ct) =>
        ValueTask.FromResult(_seen.TryGetValue(customerId, out var json) ? json : null);
}

/// <summary>
/// History and attribute snapshots in memory, for replays (<c>playbooks explain --history</c>): after each batch,
/// <see cref="Commit"/> stores what the pipeline decided, as the host's store commits a batch's results.
/// </summary>
internal sealed class InMemoryStores
{
    public InMemoryEscalationHistory History { get; } = new();

    public InMemoryAttributeSnapshots Snapshots { get; } = new();

    public SignalPipeline Pipeline(Compilation.CompilationResult compilation, bool explain = false) => new(compilation, History, Snapshots, explain);

    /// <summary>Records the batch's escalations and attribute changes, so the history answers for them; returns how many escalations.</summary>
    public int Commit(SignalPipeline pipeline, IEnumerable<PlaybookOutcome> outcomes)
    {
        var escalations = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome.Escalation is not { } escalation) continue;
            History.Record(escalation);
            escalations++;
        }
        pipeline.Guardrails.Clear();
        foreach (var (customer, json) in pipeline.Attributes.TakeUpdates()) Snapshots.Save(customer, json);
        return escalations;
    }
}
