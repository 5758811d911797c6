using RetentionPlaybooks.Gates;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Compilation;

/// <summary>A playbook the compiler accepted: every reference resolved, every gate compiled, every template parsed.</summary>
internal sealed class CompiledPlaybook
{
    public required string Id { get; init; }

    /// <summary>The file it came from, as shown in diagnostics.</summary>
    public required string File { get; init; }

    public required string Description { get; init; }

    public required bool Enabled { get; init; }

    public required PlaybookTrigger Trigger { get; init; }

    public required IReadOnlyList<CompiledGate> Gates { get; init; }

    public required IReadOnlyList<CompiledGate> Excludes { get; init; }

    public required IReadOnlyList<CompiledRoute> Routes { get; init; }

    public required OwnerSymbol Owner { get; init; }

    /// <summary>How soon the owner must acknowledge (open time only, when the workspace declares business hours).</summary>
    public required TimeSpan Sla { get; init; }

    /// <summary>When the owner is reminded in the thread if nobody has acknowledged: three quarters of the SLA unless declared.</summary>
    public TimeSpan SlaRemindAfter { get; init; }

    /// <summary>Where the case goes when the SLA passes unacknowledged (a channel, or an owner's direct message); null: nowhere,
    /// the message is only marked missed.</summary>
    public SlaEscalation? SlaEscalateTo { get; init; }

    public required Guardrails Guardrails { get; init; }

    /// <summary>The playbooks whose open cases for a customer hold this one back (its inhibit rule); null: none do.</summary>
    public InhibitionRule? InhibitedBy { get; init; }

    public TimeSpan? HoldPromotions { get; init; }

    /// <summary>The number or money field a case is worth (the report's value at stake and saved); null when undeclared.</summary>
    public DataModel.FieldSymbol? ValueField { get; init; }

    /// <summary>What this playbook's case is worth in a record: its value field's number, or null when undeclared or missing.</summary>
    public decimal? ValueOf(Evaluation.Record record)
    {
        if (ValueField is not { } field) return null;
        var value = record.Slots[field.Slot];
        if (value.IsMissing || value.Kind is not (DataModel.TypeKind.Number or DataModel.TypeKind.Money)) return null;
        var n = value.AsNumber;
        // A decimal holds about ±7.9e28; anything past it (or not a number) is no amount worth counting.
        return double.IsFinite(n) && Math.Abs(n) < 1e28 ? (decimal)n : null;
    }

    /// <summary>Outcomes ("saved", "lost") that end the hold when they are marked; empty: the hold runs its course.</summary>
    public IReadOnlySet<string> HoldEndsOn { get; init; } = new HashSet<string>();

    /// <summary>Why a case can be lost: the Lost menu's options (keys as declared, shown with spaces).</summary>
    public IReadOnlyList<string> LostReasons { get; init; } = DefaultLostReasons;

    public static readonly IReadOnlyList<string> DefaultLostReasons = ["price", "product", "service", "other"];

    /// <summary>PII classes this playbook's message may show.</summary>
    public required IReadOnlySet<string> Pii { get; init; }

    public required MessageTemplates Message { get; init; }

    /// <summary>
    /// The Slack lowering of each route, in route order: what the message may show in its channel and its fixed
    /// Slack formatting. Made by <see cref="Lower"/> right after binding, before the compiler hands the playbook out.
    /// </summary>
    public IReadOnlyList<Slack.RenderPlan> RenderPlans { get; private set; } = [];

    /// <summary>The lowering step: one render plan per route.</summary>
    internal void Lower(DataModel.DataModelSymbols model) => RenderPlans = Slack.RenderPlan.ForRoutes(this, model);

    /// <summary>The render plan of the first route to <paramref name="channel"/>, or null when no route names it.</summary>
    public Slack.RenderPlan? RenderPlanFor(ChannelSymbol channel)
    {
        foreach (var plan in RenderPlans)
        {
            if (ReferenceEquals(plan.Channel, channel) || plan.Channel == channel) return plan;
        }
        return null;
    }

    /// <summary>Top-level data fields the message templates read ("customer.first_name", "event.items"); the renderer converts only these.</summary>
    public IReadOnlySet<string> TemplateFields => _templateFields ??= CollectTemplateFields();

    private IReadOnlySet<string>? _templateFields;

    private HashSet<string> CollectTemplateFields()
    {
        var templates = new List<CheckedTemplate> { Message.Title };
        templates.AddRange(Message.Fields.Select(f => f.Value));
        if (Message.NextStep is { } step) templates.Add(step);
        templates.AddRange(Message.Links.SelectMany(l => new[] { l.Label, l.Url }));
        if (Guardrails.DedupeKey is { } dedupe) templates.Add(dedupe);
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var read in templates.SelectMany(t => t.Reads))
        {
            var segments = read.Path.Split('.');
            if (segments.Length >= 2) fields.Add(segments[0] + "." + segments[1].Replace("[]", "", StringComparison.Ordinal));
        }
        return fields;
    }

    /// <summary>Every channel this playbook can post to.</summary>
    public IEnumerable<ChannelSymbol> Channels => Routes.Select(r => r.Channel).Distinct();
}

/// <summary>One routing rule: when the gate holds (or always, for the default), post to the channel.</summary>
internal sealed record CompiledRoute(CompiledGate? When, ChannelSymbol Channel)
{
    public bool IsDefault => When is null;
}

/// <summary>Frequency limits: per-customer cooldown, a dedupe key template, a per-channel daily cap.</summary>
internal sealed record Guardrails(TimeSpan? Cooldown, CheckedTemplate? DedupeKey, int? DailyCap)
{
    public bool IsEmpty => Cooldown is null && DedupeKey is null && DailyCap is null;
}

/// <summary>
/// An inhibit rule (Alertmanager's, for customers): while a case for the customer is open in one of <paramref name="Playbooks"/>
/// — escalated at most <paramref name="Within"/> ago, no outcome marked, its post not a dead letter — the playbook that declares
/// it does not escalate them.
/// </summary>
internal sealed record InhibitionRule(IReadOnlyList<string> Playbooks, TimeSpan Within)
{
    /// <summary>How long a case without an outcome counts as open when <c>within</c> is not given: 7 days.</summary>
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromDays(7);
}

/// <summary>A playbook id named under another's <c>inhibited_by</c>, where it is written: checked once every file is bound.</summary>
internal sealed record InhibitorReference(string Playbook, string Inhibitor, Text.SourceLocation Location);

/// <summary>The Liquid templates of a message.</summary>
internal sealed record MessageTemplates(
    CheckedTemplate Title,
    IReadOnlyList<MessageField> Fields,
    CheckedTemplate? NextStep,
    IReadOnlyList<MessageLink> Links);

/// <summary>A message field: its label as written (the render plan makes its Slack heading) and its value template.</summary>
internal sealed record MessageField(string Label, CheckedTemplate Value);

internal sealed record MessageLink(CheckedTemplate Label, CheckedTemplate Url);

/// <summary>Where a case goes when its SLA passes unacknowledged: a channel (a post linking the original message), or an
/// owner (a direct message to them).</summary>
internal sealed record SlaEscalation(ChannelSymbol? Channel, OwnerSymbol? Owner)
{
    /// <summary>chat.postMessage's channel: the channel's id (or its DM user), or the owner's user id.</summary>
    public string SlackTarget => Channel?.SlackTarget ?? Owner!.SlackUser;

    /// <summary>As declared: "channel cx-leads" or "owner head-of-cx".</summary>
    public string Name => Channel is { } c ? $"channel {c.Name}" : $"owner {Owner!.Name}";
}
