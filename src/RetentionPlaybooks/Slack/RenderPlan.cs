using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// The Slack lowering of one route of a compiled playbook, made once when the playbook is compiled: what its
/// templates may see in that channel (the fields they read that both the playbook's and the channel's PII policy
/// allow) and the message's fixed Slack formatting (the owner's mention, the context line, the escaped and trimmed
/// field headings). The compiled playbook itself holds no Slack formatting.
/// </summary>
internal sealed class RenderPlan
{
    private RenderPlan(
        ChannelSymbol channel,
        FieldShape customer,
        Dictionary<string, FieldShape> events,
        HashSet<string> allowed,
        IReadOnlyDictionary<string, object?> playbook,
        bool trigger,
        string[] links,
        string contextLine,
        string fallbackSuffix,
        string[] fieldHeadings)
    {
        Channel = channel;
        Customer = customer;
        Events = events;
        Allowed = allowed;
        Playbook = playbook;
        Trigger = trigger;
        Links = links;
        ContextLine = contextLine;
        FallbackSuffix = fallbackSuffix;
        FieldHeadings = fieldHeadings;
    }

    /// <summary>The channel the plan renders for.</summary>
    public ChannelSymbol Channel { get; }

    /// <summary>The customer fields the templates read and the policy allows.</summary>
    public FieldShape Customer { get; }

    /// <summary>Per event name, the event properties the templates read and the policy allows.</summary>
    public Dictionary<string, FieldShape> Events { get; }

    /// <summary>The PII classes both the playbook (when lowered) and the channel allow.</summary>
    public HashSet<string> Allowed { get; }

    /// <summary>The <c>playbook.*</c> members a template sees.</summary>
    public IReadOnlyDictionary<string, object?> Playbook { get; }

    /// <summary>Whether a template reads <c>trigger.*</c>.</summary>
    public bool Trigger { get; }

    /// <summary>The <c>links.*</c> names the templates read.</summary>
    public string[] Links { get; }

    /// <summary>The fixed part of the context line (mrkdwn): playbook, owner (the only mention) and SLA.</summary>
    public string ContextLine { get; }

    /// <summary>What follows the escaped title in the fallback text: the owner's mention.</summary>
    public string FallbackSuffix { get; }

    /// <summary>Per message field, the bold label line that starts it in Slack, escaped and trimmed once here.</summary>
    public IReadOnlyList<string> FieldHeadings { get; }

    /// <summary>One plan per route of <paramref name="playbook"/>, in route order (routes to one channel share theirs).</summary>
    public static RenderPlan[] ForRoutes(CompiledPlaybook playbook, DataModelSymbols model)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        var plans = new RenderPlan[playbook.Routes.Count];
        for (var i = 0; i < plans.Length; i++)
        {
            var channel = playbook.Routes[i].Channel;
            plans[i] = Array.Find(plans, p => p is not null && p.Channel == channel) ?? Lower(playbook, channel, model);
        }
        return plans;
    }

    /// <summary>Lowers <paramref name="playbook"/> for <paramref name="channel"/>.</summary>
    public static RenderPlan Lower(CompiledPlaybook playbook, ChannelSymbol channel, DataModelSymbols model)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(model);
        var needed = playbook.TemplateFields;
        var allowed = new HashSet<string>(playbook.Pii.Where(channel.AllowedPii.Contains), StringComparer.Ordinal);
        // Only what the templates read is converted, and PII outside the policy never reaches the template engine.
        FieldShape Select(string root, IEnumerable<FieldSymbol> fields) =>
            new(fields.Where(f => needed.Contains(root + f.Name)), allowed);
        var owner = playbook.Owner;
        var mention = $"<@{owner.SlackUser}>";
        var playbookValues = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = playbook.Id,
            ["owner"] = owner.DisplayName ?? owner.Name,
            ["owner_mention"] = new MentionValue(mention, "@" + (owner.DisplayName ?? owner.Name)),
            ["sla"] = DurationSyntax.Format(playbook.Sla),
            ["channel"] = channel.Name,
            ["description"] = playbook.Description,
        };
        return new RenderPlan(
            channel,
            Select("customer.", model.Customer.Values),
            model.Events.ToDictionary(e => e.Key, e => Select("event.", e.Value.Properties.Values), StringComparer.Ordinal),
            allowed,
            playbookValues,
            needed.Any(f => f.StartsWith("trigger.", StringComparison.Ordinal)),
            needed.Where(f => f.StartsWith("links.", StringComparison.Ordinal)).Select(f => f["links.".Length..]).ToArray(),
            $"Playbook *{Mrkdwn.Escape(playbook.Id)}* · Owner {mention} · SLA {DurationSyntax.Format(playbook.Sla)}",
            $" · owner {mention}",
            playbook.Message.Fields.Select(f => Heading(f.Label)).ToArray());
    }

    private static string Heading(string label) =>
        "*" + BlockKitLimits.Trim(string.Join(' ', Mrkdwn.Escape(label).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), 200) + "*\n";
}

/// <summary>
/// The PII policy in force when a message renders: the playbook's and the channel's as they are then. Checked on
/// every field a template reads, behind the plan made at compile time (defence in depth: a policy changed after
/// the plan was made, as a defect would, still keeps the field out).
/// </summary>
internal readonly record struct PiiPolicy(IReadOnlySet<string> Playbook, IReadOnlySet<string> Channel)
{
    public bool Allows(string? pii) => pii is null || (Playbook.Contains(pii) && Channel.Contains(pii));
}
