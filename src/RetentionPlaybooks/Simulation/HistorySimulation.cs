using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Simulation;

/// <summary>
/// Replays a history of Customer.io payloads through the pipeline the host runs (the core's stages on in-memory stores), each
/// signal at its own time, and counts per channel and UTC day what reached Slack and what the guardrails and inhibit rules held
/// back, with the busiest hour; per owner, the cases they were given. Payloads go in one at a time (<see cref="AddAsync"/>), as
/// the host would process them, so a long history is never held in memory. No customer value is kept: only counts.
/// </summary>
internal sealed class HistorySimulation
{
    private readonly CompilationResult _compilation;
    private readonly InMemoryStores _stores = new();
    private readonly SignalPipeline _pipeline;
    private readonly Dictionary<string, Dictionary<DateOnly, ChannelDay>> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<DateOnly, int>> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset DueAt, int Lines)> _openDigests = new(StringComparer.Ordinal);
    private readonly List<PlaybookOutcome> _outcomes = [];
    private long _index;
    private DateTimeOffset? _first;
    private DateTimeOffset? _last;
    private DateTimeOffset? _latest;
    private DateTimeOffset? _lastDigest;

    public HistorySimulation(CompilationResult compilation)
    {
        _compilation = compilation;
        _pipeline = _stores.Pipeline(compilation);
    }

    /// <summary>Payloads replayed.</summary>
    public long Payloads { get; private set; }

    /// <summary>Signals replayed (a Data Pipelines batch or a Journey body can hold several).</summary>
    public long Signals { get; private set; }

    /// <summary>Signals without a time of their own: replayed at the time of the signal before them.</summary>
    public long Untimed { get; private set; }

    /// <summary>Signals earlier than one replayed before them (the history is replayed in its order, as the host would take it).</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>Payloads that hold no signal the pipeline reads (not our envelope, a call without an event name).</summary>
    public long Unreadable { get; private set; }

    /// <summary>Replays one payload: each of its signals through the pipeline at the signal's time, then records its escalations
    /// in the in-memory history (as the host commits a processed record).</summary>
    public async Task AddAsync(SignalSource source, JsonElement root, string deliveryKey, CancellationToken ct = default)
    {
        Payloads++;
        var normalized = SignalNormalizer.Normalize(source, root, deliveryKey);
        if (normalized.Problem is not null && normalized.Outcome == Outcome.Unreadable)
        {
            Unreadable++;
            return;
        }
        _outcomes.Clear();
        foreach (var signal in normalized.Signals)
        {
            Signals++;
            DateTimeOffset at;
            if (signal.Timestamp is { } own)
            {
                at = own;
                if (_latest is { } latest && own < latest) OutOfOrder++;
                if (_latest is null || own > _latest) _latest = own;
            }
            else
            {
                Untimed++;
                at = _latest ?? DateTimeOffset.UnixEpoch;
            }
            if (_first is null || at < _first) _first = at;
            if (_last is null || at > _last) _last = at;
            var from = _outcomes.Count;
            await _pipeline.ProcessAsync(++_index, signal, at, at, _outcomes, ct).ConfigureAwait(false);
            for (var i = from; i < _outcomes.Count; i++) Count(_outcomes[i], signal.EvaluatedAt(at));
        }
        _stores.Commit(_pipeline, _outcomes);
    }

    private void Count(PlaybookOutcome outcome, DateTimeOffset at)
    {
        if (outcome.Playbook is not { } playbook || outcome.Channel is not { } channel) return;
        var date = DateOnly.FromDateTime(at.UtcDateTime);
        var day = Day(channel.Name, date);
        switch (outcome.Outcome)
        {
            case Outcome.Escalated:
                day.Posted++;
                day.ByHour[at.UtcDateTime.Hour]++;
                CountCase(playbook, date);
                break;
            case Outcome.Digested:
                day.Digested++;
                if (outcome.Suppression?.Kind == SuppressionKind.ChannelBudget) day.BudgetDigested++;
                CountCase(playbook, date);
                Digest(channel, at);
                break;
            case Outcome.Inhibited:
                day.Inhibited++;
                break;
            case Outcome.Suppressed:
                switch (outcome.Suppression!.Kind)
                {
                    case SuppressionKind.Cooldown: day.Cooldown++; break;
                    case SuppressionKind.Dedupe: day.Dedupe++; break;
                    case SuppressionKind.DailyCap: day.DailyCap++; break;
                    default: day.ChannelBudget++; break;
                }
                break;
        }
    }

    private void CountCase(CompiledPlaybook playbook, DateOnly date)
    {
        if (!_owners.TryGetValue(playbook.Owner.Name, out var days)) _owners[playbook.Owner.Name] = days = [];
        days[date] = days.GetValueOrDefault(date) + 1;
    }

    /// <summary>
    /// A line for the channel's digest, as the host's store files it: into the open digest while it is not yet due and has
    /// room; a full one is followed by another due at the same time; otherwise a new digest, due one interval on. A digest
    /// message is counted on the UTC day it is due.
    /// </summary>
    private void Digest(ChannelSymbol channel, DateTimeOffset at)
    {
        var every = channel.Digest!.Every;
        if (_openDigests.TryGetValue(channel.Name, out var open) && open.DueAt > at && open.Lines < DigestPolicy.MaxLines)
        {
            _openDigests[channel.Name] = (open.DueAt, open.Lines + 1);
            return;
        }
        var due = _openDigests.ContainsKey(channel.Name) && open.DueAt > at ? open.DueAt : at + every;
        _openDigests[channel.Name] = (due, 1);
        if (_lastDigest is null || due > _lastDigest) _lastDigest = due;
        Day(channel.Name, DateOnly.FromDateTime(due.UtcDateTime)).Digests++;
    }

    private ChannelDay Day(string channel, DateOnly date)
    {
        if (!_channels.TryGetValue(channel, out var days)) _channels[channel] = days = [];
        if (!days.TryGetValue(date, out var day)) days[date] = day = new ChannelDay();
        return day;
    }

    /// <summary>The figures so far: every channel the workspace declares (a quiet one with zeros), every UTC day from the first
    /// signal to the last.</summary>
    public SimulationReport Report()
    {
        var first = DateOnly.FromDateTime((_first ?? DateTimeOffset.UnixEpoch).UtcDateTime);
        // A digest due after the last signal is still sent: its day is part of the figures.
        var last = DateOnly.FromDateTime((_lastDigest > _last ? _lastDigest : _last ?? DateTimeOffset.UnixEpoch)!.Value.UtcDateTime);
        var dates = new List<DateOnly>();
        for (var d = first; d <= last; d = d.AddDays(1)) dates.Add(d);
        var channels = new List<ChannelFigures>();
        foreach (var channel in _compilation.Workspace?.Channels.Values.OrderBy(c => c.Name, StringComparer.Ordinal) ?? Enumerable.Empty<ChannelSymbol>())
        {
            var recorded = _channels.GetValueOrDefault(channel.Name) ?? [];
            var days = dates.Select(d => recorded.TryGetValue(d, out var day) ? day.Figures(d) : DayFigures.Empty(d)).ToList();
            channels.Add(new ChannelFigures(channel, days));
        }
        var owners = _owners.OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => new OwnerFigures(o.Key, o.Value.Values.Sum(), o.Value.Values.DefaultIfEmpty().Max(),
                _compilation.Playbooks.Where(p => p.Owner.Name == o.Key).Select(p => p.Sla).DefaultIfEmpty().Min()))
            .ToList();
        return new SimulationReport(_first, _last, dates.Count, Payloads, Signals, Untimed, OutOfOrder, Unreadable, channels, owners);
    }

    private sealed class ChannelDay
    {
        public int Posted;
        public int Digested;
        public int BudgetDigested;
        public int Digests;
        public int Cooldown;
        public int Dedupe;
        public int DailyCap;
        public int ChannelBudget;
        public int Inhibited;
        public readonly int[] ByHour = new int[24];

        public DayFigures Figures(DateOnly date)
        {
            var peak = 0;
            for (var h = 1; h < 24; h++) if (ByHour[h] > ByHour[peak]) peak = h;
            return new DayFigures(date, Posted, new Suppressed(Cooldown, Dedupe, DailyCap, ChannelBudget, Inhibited), ByHour[peak] == 0 ? null : peak, ByHour[peak])
            {
                Digested = Digested,
                BudgetDigested = BudgetDigested,
                Digests = Digests,
            };
        }
    }
}

/// <summary>What the guardrails and inhibit rules held back, by kind.</summary>
internal sealed record Suppressed(int Cooldown, int Dedupe, int DailyCap, int ChannelBudget, int Inhibited)
{
    public static readonly Suppressed None = new(0, 0, 0, 0, 0);

    public int Total => Cooldown + Dedupe + DailyCap + ChannelBudget + Inhibited;

    public Suppressed Plus(Suppressed other) => new(Cooldown + other.Cooldown, Dedupe + other.Dedupe, DailyCap + other.DailyCap,
        ChannelBudget + other.ChannelBudget, Inhibited + other.Inhibited);
}

/// <summary>One channel's UTC day: messages posted, escalations held back by kind, and the hour (UTC) with the most posts;
/// with a digest, the escalations rolled into one and the digest messages due that day.</summary>
internal sealed record DayFigures(DateOnly Date, int Posted, Suppressed Suppressed, int? PeakHour, int PeakHourPosted)
{
    public static DayFigures Empty(DateOnly date) => new(date, 0, Suppressed.None, null, 0);

    /// <summary>Escalations rolled into a digest (past the budget or in a burst): cases, listed in a digest message.</summary>
    public int Digested { get; init; }

    /// <summary>Of <see cref="Digested"/>, those past the daily budget (the rest came in a burst).</summary>
    public int BudgetDigested { get; init; }

    /// <summary>Digest messages due this day.</summary>
    public int Digests { get; init; }

    /// <summary>More escalations wanted the channel than its budget let through, and some were held back (a channel with a
    /// digest rolls them into it instead: <see cref="BudgetDigested"/>).</summary>
    public bool OverBudget => Suppressed.ChannelBudget > 0;
}

/// <summary>One channel over the whole history.</summary>
internal sealed record ChannelFigures(ChannelSymbol Channel, IReadOnlyList<DayFigures> Days)
{
    public int Posted => Days.Sum(d => d.Posted);

    public int Digested => Days.Sum(d => d.Digested);

    public int Digests => Days.Sum(d => d.Digests);

    public Suppressed Suppressed => Days.Aggregate(Suppressed.None, (s, d) => s.Plus(d.Suppressed));

    public int DaysOverBudget => Days.Count(d => d.OverBudget);

    /// <summary>Messages per day over the history's days.</summary>
    public double PostedPerDay => Days.Count == 0 ? 0 : (double)Posted / Days.Count;

    /// <summary>The busiest hour of the whole history: its day and hour, and how many messages it had; null when nothing was posted.</summary>
    public (DateOnly Date, int Hour, int Posted)? PeakHour =>
        Days.Where(d => d.PeakHour is not null).OrderByDescending(d => d.PeakHourPosted).ThenBy(d => d.Date).Select(d => (d.Date, d.PeakHour!.Value, d.PeakHourPosted))
            .Cast<(DateOnly, int, int)?>().FirstOrDefault();
}

/// <summary>One owner: the cases they were given, the most in one UTC day, and the shortest SLA of their playbooks.</summary>
internal sealed record OwnerFigures(string Owner, int Cases, int BusiestDay, TimeSpan ShortestSla);

/// <summary>The simulation's figures (see <see cref="HistorySimulation.Report"/>).</summary>
internal sealed record SimulationReport(
    DateTimeOffset? First,
    DateTimeOffset? Last,
    int DayCount,
    long Payloads,
    long Signals,
    long Untimed,
    long OutOfOrder,
    long Unreadable,
    IReadOnlyList<ChannelFigures> Channels,
    IReadOnlyList<OwnerFigures> Owners);
