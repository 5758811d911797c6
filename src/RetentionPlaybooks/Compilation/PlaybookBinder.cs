using System.Text.Json;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Gates;
using RetentionPlaybooks.Loading;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Text;
using RetentionPlaybooks.Workspace;
using YamlDotNet.RepresentationModel;

namespace RetentionPlaybooks.Compilation;

/// <summary>
/// Binds one schema-checked playbook file against the workspace and the data model: resolves references,
/// compiles gates, checks templates and the PII policy, and applies the per-playbook lints.
/// </summary>
internal sealed class PlaybookBinder(YamlFile file, WorkspaceSymbols workspace, DataModelSymbols model, DiagnosticBag diagnostics)
{
    private readonly YamlMappingNode _root = (YamlMappingNode)file.Root;

    // Every channel a route entry names, with its YAML value: PII policy errors point at the route that sends.
    private readonly List<(ChannelSymbol Channel, YamlScalarNode Node)> _routeTargets = [];

    /// <summary>The playbook ids under <c>inhibited_by</c>, with their positions, whether or not the file bound: whether they
    /// exist, and whether they form a cycle, is known only once every file is bound (<see cref="PlaybookCompiler"/>).</summary>
    public List<InhibitorReference> InhibitorReferences { get; } = [];

    public CompiledPlaybook? Bind()
    {
        var errorsBefore = diagnostics.ErrorCount;
        var fileId = System.IO.Path.GetFileNameWithoutExtension(file.Path);
        var idNode = file.Scalar(_root, "id");
        var id = idNode?.Value ?? fileId;
        if (idNode is not null && id != fileId) diagnostics.ReportIdMismatch(file.Location(idNode), id, fileId);
        var whole = file.Location(_root);
        if (!HasSchemaLine(file.Text, Loading.SchemaValidator.Playbook)) Lint()?.ReportNoSchemaLine(new SourceLocation(file.Path, 1, 1), Loading.SchemaValidator.Playbook);

        var trigger = BindTrigger();
        // With a broken trigger, what event.* means is unknown: skip the expressions rather than report guesses.
        var scope = trigger is null ? null : PlaybookScope.For(trigger, model);

        var gatesNode = file.Sequence(_root, "gates");
        var gates = BindGates(gatesNode, scope);
        var excludes = BindGates(file.Sequence(_root, "exclude"), scope);
        if (gatesNode is null ? YamlAccess.KeyNode(_root, "gates") is null : gatesNode.Children.Count == 0)
        {
            Lint()?.ReportNoGates(gatesNode is null ? whole : file.Location(gatesNode), id);
        }

        var routes = BindRoutes(id, scope);

        var owner = default(OwnerSymbol);
        if (file.Scalar(_root, "owner") is { } ownerNode)
        {
            if (!workspace.Owners.TryGetValue(ownerNode.Value!, out owner))
            {
                diagnostics.ReportUnknownOwner(file.Location(ownerNode), ownerNode.Value!, id, Suggestions.Closest(ownerNode.Value!, workspace.Owners.Keys));
            }
        }
        else if (YamlAccess.KeyNode(_root, "owner") is null)
        {
            Lint()?.ReportNoOwner(whole, id);
        }

        var (sla, remindAfter, escalateTo) = BindSla(id);
        if (sla is null && YamlAccess.KeyNode(_root, "sla") is null) Lint()?.ReportNoSla(whole, id);

        var guardNode = file.Mapping(_root, "guardrails");
        var dedupe = scope is not null && file.Scalar(guardNode, "dedupe_key") is { } dk ? CheckTemplate(dk, scope) : null;
        foreach (var read in dedupe?.Reads ?? [])
        {
            // Dedupe keys are stored as they render; personal data has no place in them.
            if (read.Field?.Pii is { } cls) diagnostics.ReportPiiInDedupeKey(read.Location, read.Path, cls);
        }
        var cap = int.TryParse(file.Scalar(guardNode, "daily_cap")?.Value, out var c) ? c : (int?)null;
        var guardrails = new Guardrails(Duration("cooldown", guardNode), dedupe, cap);
        if (guardrails.IsEmpty && YamlAccess.KeyNode(_root, "guardrails") is null) Lint()?.ReportNoGuardrail(whole, id);

        var holdEndsOnNode = file.Sequence(_root, "hold_ends_on");
        var holdEndsOn = (holdEndsOnNode?.Children ?? []).OfType<YamlScalarNode>().Select(s => s.Value ?? "").Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
        if (holdEndsOnNode is not null && YamlAccess.KeyNode(_root, "hold_promotions") is null) diagnostics.ReportHoldEndsWithoutHold(file.Location(holdEndsOnNode));

        var valueField = scope is null ? null : BindValue(scope);

        var inhibitedBy = BindInhibition(id);
        var pii = BindPii();
        var message = BindMessage(id, scope, pii);

        if (diagnostics.ErrorCount > errorsBefore || trigger is null || owner is null || sla is null || message is null)
        {
            return null;
        }
        return new CompiledPlaybook
        {
            Id = id,
            File = file.Path,
            Description = file.Scalar(_root, "description")?.Value ?? "",
            Enabled = file.Scalar(_root, "enabled")?.Value != "false",
            Trigger = trigger,
            Gates = gates,
            Excludes = excludes,
            Routes = routes,
            Owner = owner,
            Sla = sla.Value,
            SlaRemindAfter = remindAfter ?? TimeSpan.FromTicks(sla.Value.Ticks / 4 * 3),
            SlaEscalateTo = escalateTo,
            Guardrails = guardrails,
            HoldPromotions = Duration("hold_promotions"),
            HoldEndsOn = holdEndsOn,
            ValueField = valueField,
            InhibitedBy = inhibitedBy,
            LostReasons = file.Sequence(_root, "lost_reasons")?.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").Where(v => v.Length > 0).ToArray() is { Length: > 0 } reasons
                ? reasons
                : CompiledPlaybook.DefaultLostReasons,
            Pii = pii ?? [],
            Message = message,
        };
    }

    /// <summary>
    /// <c>sla: 2h</c>, or the long form: <c>within</c>, <c>remind_after</c> (before <c>within</c>) and <c>escalate_to</c> (a
    /// channel or an owner of the workspace).
    /// </summary>
    private (TimeSpan? Within, TimeSpan? RemindAfter, SlaEscalation? EscalateTo) BindSla(string id)
    {
        if (file.Mapping(_root, "sla") is not { } map) return (Duration("sla"), null, null);
        var within = Duration("within", map);
        var remind = Duration("remind_after", map);
        if (within is { } w && remind is { } r && r >= w && file.Scalar(map, "remind_after") is { } remindNode)
        {
            diagnostics.ReportReminderNotBeforeSla(file.Location(remindNode), remindNode.Value!, file.Scalar(map, "within")!.Value!);
        }
        SlaEscalation? escalateTo = null;
        var target = file.Mapping(map, "escalate_to");
        if (file.Scalar(target, "channel") is { } channelNode)
        {
            if (ResolveChannel(channelNode, id) is { } channel) escalateTo = new SlaEscalation(channel, null);
        }
        else if (file.Scalar(target, "owner") is { } ownerNode)
        {
            if (workspace.Owners.TryGetValue(ownerNode.Value!, out var owner)) escalateTo = new SlaEscalation(null, owner);
            else diagnostics.ReportUnknownOwner(file.Location(ownerNode), ownerNode.Value!, id, Suggestions.Closest(ownerNode.Value!, workspace.Owners.Keys));
        }
        return (within, remind, escalateTo);
    }

    /// <summary><c>value: event.cart_value</c>: a number or money field of the trigger's scope.</summary>
    private DataModel.FieldSymbol? BindValue(PlaybookScope scope)
    {
        if (file.Scalar(_root, "value") is not { } node || file.IsInvalid(node) || node.Value is not { } path) return null;
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var root = path[..dot];
        var name = path[(dot + 1)..];
        if (!scope.Gates.Roots.TryGetValue(root, out var fields))
        {
            diagnostics.ReportBadValueField(file.Location(node), path, scope.Gates.UnavailableRoots.TryGetValue(root, out var why) ? why : $"there is no \"{root}\" here", null);
            return null;
        }
        if (!fields.TryGetValue(name, out var field))
        {
            diagnostics.ReportBadValueField(file.Location(node), path, $"{root} has no field \"{name}\" in data-model.yaml",
                Suggestions.Closest(name, fields.Values.Where(f => f.Type.Kind is DataModel.TypeKind.Number or DataModel.TypeKind.Money).Select(f => f.Name)) is { } s ? $"{root}.{s}" : null);
            return null;
        }
        if (field.Type.Kind is not (DataModel.TypeKind.Number or DataModel.TypeKind.Money))
        {
            diagnostics.ReportBadValueField(file.Location(node), path, $"it is a {field.Type}, and a case's value is a number or money", null);
            return null;
        }
        return field;
    }

    /// <summary><c>inhibited_by: { playbooks: [...], within: 14d }</c>; a playbook may not name itself.</summary>
    private InhibitionRule? BindInhibition(string id)
    {
        if (file.Mapping(_root, "inhibited_by") is not { } map || file.Sequence(map, "playbooks") is not { } list) return null;
        var playbooks = new List<string>();
        foreach (var item in list.Children)
        {
            if (item is not YamlScalarNode { Value: { Length: > 0 } inhibitor } node || file.IsInvalid(node)) continue;
            if (inhibitor == id)
            {
                diagnostics.ReportSelfInhibition(file.Location(node), id);
                continue;
            }
            InhibitorReferences.Add(new InhibitorReference(id, inhibitor, file.Location(node)));
            playbooks.Add(inhibitor);
        }
        return playbooks.Count == 0 ? null : new InhibitionRule(playbooks, Duration("within", map) ?? InhibitionRule.DefaultWithin);
    }

    internal static bool HasSchemaLine(string text, string schema)
    {
        var firstLine = text.AsSpan().TrimStart('\uFEFF');
        var end = firstLine.IndexOf('\n');
        if (end >= 0) firstLine = firstLine[..end];
        firstLine = firstLine.TrimEnd();
        return firstLine.StartsWith("# yaml-language-server: $schema=", StringComparison.Ordinal) && firstLine.EndsWith(schema, StringComparison.Ordinal);
    }

    /// <summary>Lints run only on files whose shape is right, so a misspelt key yields one error, not a lint too.</summary>
    private DiagnosticBag? Lint() => file.HasSchemaErrors ? null : diagnostics;

    private PlaybookTrigger? BindTrigger()
    {
        var node = file.Mapping(_root, "trigger");
        if (node is null) return null;
        var ev = file.Scalar(node, "event");
        var segment = file.Scalar(node, "segment");
        var attribute = file.Scalar(node, "attribute");
        var count = (ev is null ? 0 : 1) + (segment is null ? 0 : 1) + (attribute is null ? 0 : 1);
        if (count != 1)
        {
            diagnostics.ReportTriggerKind(file.Location(node), count);
            return null;
        }
        foreach (var key in new[] { "from", "to" })
        {
            if (attribute is null && YamlAccess.KeyNode(node, key) is { } k) diagnostics.ReportFromToWithoutAttribute(file.Location(k), key);
        }
        if (ev is not null)
        {
            if (model.Events.ContainsKey(ev.Value!)) return new PlaybookTrigger(TriggerKind.Event, ev.Value!);
            diagnostics.ReportUnknownEvent(file.Location(ev), ev.Value!, Suggestions.Closest(ev.Value!, model.Events.Keys));
            return null;
        }
        if (segment is not null)
        {
            if (model.Segments.ContainsKey(segment.Value!)) return new PlaybookTrigger(TriggerKind.Segment, segment.Value!);
            diagnostics.ReportUnknownSegment(file.Location(segment), segment.Value!, Suggestions.Closest(segment.Value!, model.Segments.Keys));
            return null;
        }
        if (!model.Customer.TryGetValue(attribute!.Value!, out var field))
        {
            diagnostics.ReportUnknownAttribute(file.Location(attribute), attribute.Value!, Suggestions.Closest(attribute.Value!, model.Customer.Keys));
            return null;
        }
        return new PlaybookTrigger(TriggerKind.Attribute, field.Name, field, AttributeValue(node, "from", field), AttributeValue(node, "to", field));
    }

    private Value? AttributeValue(YamlMappingNode trigger, string key, FieldSymbol field)
    {
        if (file.Scalar(trigger, key) is not { } node) return null;
        using var doc = JsonDocument.Parse(file.Json.SelectToken($"trigger.{key}")!.ToString(Newtonsoft.Json.Formatting.None));
        var value = ValueReader.Read(doc.RootElement.Clone(), field.Type);
        if (value.IsMissing) diagnostics.ReportAttributeValue(file.Location(node), key, node.Value ?? "", field.Name, field.Type.ToString());
        return value.IsMissing ? null : value;
    }

    private List<CompiledGate> BindGates(YamlSequenceNode? node, PlaybookScope? scope)
    {
        var gates = new List<CompiledGate>();
        if (scope is null) return gates;
        foreach (var item in node?.Children ?? [])
        {
            if (item is YamlScalarNode s && !file.IsInvalid(s) && GateCompiler.Compile(s.Value ?? "", file.SourceMap(s), scope.Gates, diagnostics) is { } gate)
            {
                gates.Add(gate);
            }
        }
        return gates;
    }

    private List<CompiledRoute> BindRoutes(string id, PlaybookScope? scope)
    {
        var routes = new List<CompiledRoute>();
        var node = file.Sequence(_root, "route");
        if (node is null) return routes;
        var sawDefault = false;
        foreach (var item in node.Children)
        {
            if (item is not YamlMappingNode map || file.IsInvalid(map)) continue;
            var when = file.Scalar(map, "when");
            var channel = file.Scalar(map, "channel");
            var fallback = file.Scalar(map, "default");
            if (sawDefault)
            {
                diagnostics.ReportRouteDefault(file.Location(map), "this route entry comes after the \"default\" and can never be chosen; the default must be last");
                continue;
            }
            if (fallback is not null)
            {
                if (when is not null || channel is not null)
                {
                    diagnostics.ReportRouteDefault(file.Location(map), "a \"default\" route entry takes no \"when\" or \"channel\"");
                }
                sawDefault = true;
                if (ResolveChannel(fallback, id) is { } ch)
                {
                    routes.Add(new CompiledRoute(null, ch));
                    _routeTargets.Add((ch, fallback));
                }
                continue;
            }
            if (when is null || channel is null)
            {
                diagnostics.ReportRouteDefault(file.Location(map), "a route entry needs both \"when\" and \"channel\", or only \"default\"");
                continue;
            }
            var gate = scope is null ? null : GateCompiler.Compile(when.Value ?? "", file.SourceMap(when), scope.Gates, diagnostics);
            if (ResolveChannel(channel, id) is { } target)
            {
                _routeTargets.Add((target, channel));
                if (gate is not null) routes.Add(new CompiledRoute(gate, target));
            }
        }
        if (!sawDefault) diagnostics.ReportRouteDefault(file.Location(node), "route has no \"default\" entry: end it with \"- default: <channel>\" so every escalation has a place to go");
        return routes;
    }

    private ChannelSymbol? ResolveChannel(YamlScalarNode node, string id)
    {
        if (workspace.Channels.TryGetValue(node.Value!, out var channel)) return channel;
        diagnostics.ReportUnknownChannel(file.Location(node), node.Value!, id, Suggestions.Closest(node.Value!, workspace.Channels.Keys));
        return null;
    }

    /// <summary>The PII classes the playbook declares, or null when the list itself has errors (then templates are not checked against it).</summary>
    private HashSet<string>? BindPii()
    {
        var pii = new HashSet<string>(StringComparer.Ordinal);
        var reliable = file.Sequence(_root, "pii") is not null || YamlAccess.KeyNode(_root, "pii") is null;
        var known = model.PiiClasses.ToList();
        foreach (var item in file.Sequence(_root, "pii")?.Children ?? [])
        {
            if (item is not YamlScalarNode s || s.Value is null) continue;
            if (!known.Contains(s.Value, StringComparer.Ordinal))
            {
                diagnostics.ReportUnknownPiiClass(file.Location(s), s.Value, Suggestions.Closest(s.Value, known));
                reliable = false;
                continue;
            }
            pii.Add(s.Value);
            foreach (var (channel, target) in _routeTargets.DistinctBy(t => t.Channel))
            {
                if (channel.AllowedPii.Contains(s.Value)) continue;
                var allowing = workspace.Channels.Values.Where(c => c.AllowedPii.Contains(s.Value)).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
                diagnostics.ReportPiiNotAllowedInChannel(file.Location(target), s.Value, channel.Name, channel.AllowedPii, allowing);
            }
        }
        return reliable ? pii : null;
    }

    private MessageTemplates? BindMessage(string id, PlaybookScope? scope, HashSet<string>? pii)
    {
        var node = file.Mapping(_root, "message");
        if (node is null || scope is null) return null;
        var titleNode = file.Scalar(node, "title");
        var title = titleNode is null ? null : CheckPrinted(titleNode, scope, id, pii);
        if (title is not null) TemplateLimitCheck.Check(title, "the title", Slack.BlockKitLimits.HeaderText, singleLine: true, file.Location(titleNode!), Lint());
        var fields = new List<MessageField>();
        foreach (var (key, value) in file.Entries(file.Mapping(node, "fields")))
        {
            if (value is YamlScalarNode s && CheckPrinted(s, scope, id, pii) is { } template)
            {
                TemplateLimitCheck.Check(template, $"field \"{key.Value}\"", Slack.BlockKitLimits.FieldText, singleLine: false, file.Location(s), Lint());
                fields.Add(new MessageField(key.Value!, template));
            }
        }
        var nextStepNode = file.Scalar(node, "next_step");
        var nextStep = nextStepNode is null ? null : CheckPrinted(nextStepNode, scope, id, pii);
        if (nextStep is not null) TemplateLimitCheck.Check(nextStep, "next_step", Slack.BlockKitLimits.SectionText, singleLine: false, file.Location(nextStepNode!), Lint());
        if (nextStepNode is null && YamlAccess.KeyNode(node, "next_step") is null) Lint()?.ReportNoNextStep(file.Location(node), id);
        var links = new List<MessageLink>();
        var linksNode = file.Sequence(node, "links");
        foreach (var item in linksNode?.Children ?? [])
        {
            if (item is not YamlMappingNode link || file.IsInvalid(link)) continue;
            var labelNode = file.Scalar(link, "label");
            var label = labelNode is null ? null : CheckPrinted(labelNode, scope, id, pii);
            if (label is not null) TemplateLimitCheck.Check(label, "the link label", Slack.BlockKitLimits.ButtonText, singleLine: true, file.Location(labelNode!), Lint());
            var url = file.Scalar(link, "url") is { } u ? CheckPrinted(u, scope, id, pii) : null;
            if (label is not null && url is not null) links.Add(new MessageLink(label, url));
        }
        if (linksNode is null ? YamlAccess.KeyNode(node, "links") is null : linksNode.Children.Count == 0) Lint()?.ReportNoLink(file.Location(linksNode ?? (YamlNode)node), id);
        return title is null ? null : new MessageTemplates(title, fields, nextStep, links);
    }

    private CheckedTemplate? CheckTemplate(YamlScalarNode node, PlaybookScope scope) =>
        TemplateAnalyzer.Check(node.Value ?? "", file.SourceMap(node), scope.Templates, diagnostics);

    /// <summary>Checks a template whose output goes to Slack: every printed PII field must be declared by the playbook.</summary>
    private CheckedTemplate? CheckPrinted(YamlScalarNode node, PlaybookScope scope, string id, HashSet<string>? pii)
    {
        var template = CheckTemplate(node, scope);
        if (template is null) return null;
        foreach (var read in template.Reads)
        {
            if (pii is not null && read.Printed && read.Field?.Pii is { } cls && !pii.Contains(cls))
            {
                diagnostics.ReportPiiNotDeclared(read.Location, read.Path, cls, id);
            }
        }
        return template;
    }

    private TimeSpan? Duration(string key, YamlMappingNode? map = null)
    {
        if (file.Scalar(map ?? _root, key) is not { } node) return null;
        if (DurationSyntax.TryParse(node.Value ?? "", out var d)) return d;
        // The schema checked the shape ("30d"): what is left is a number too large to be a duration. Said, never dropped.
        if (node.Value is { Length: > 0 } text && System.Text.RegularExpressions.Regex.IsMatch(text, DurationSyntax.Pattern))
        {
            diagnostics.ReportInvalidValue(file.Location(node), key, $"\"{text}\"", "too long a duration: at most 10000000 of its unit, and no more than about 29,000 years");
        }
        return null;
    }
}
