using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Templates;

namespace RetentionPlaybooks.Host.Interactivity;

/// <summary>
/// What is sent about an applied action: the escalation's message updated in place (chat.update: its blocks as posted,
/// and a status line — who acknowledged and after how long against the SLA, the outcome and its reason), or, when someone
/// was first, a reply only the person who clicked sees. Only Slack user ids (as mentions) and the playbook's own words
/// are added: no customer data.
/// </summary>
internal static class CaseMessages
{
    public const string StatusBlockPrefix = "rp_status";

    /// <summary>The deliveries an applied action needs.</summary>
    public static IReadOnlyList<NewDelivery> For(CaseTransition transition, CompilationResult playbooks, DateTimeOffset now)
    {
        var action = transition.Action.Action;
        if (transition.Result == CaseResult.Applied && transition.After is { DigestId: not null } digested)
        {
            // A case in a digest: the digest lists many, so its status goes in the digest's thread instead of an update.
            var playbook = playbooks.Playbooks.FirstOrDefault(p => p.Id == digested.Playbook);
            var id = Ulid.New(now);
            var reply = new NewDelivery(id, digested.EscalationId, DeliveryKind.ThreadReply, digested.Target, DigestStatus(id, digested, playbook), now);
            return action.Action == CaseAction.Acknowledge ? [reply] : [reply, .. Delivery.WriteBack.OnOutcome(digested, playbook, now)];
        }
        if (transition.Result == CaseResult.Applied && transition.After is { PostBody: { } body } after)
        {
            var playbook = playbooks.Playbooks.FirstOrDefault(p => p.Id == after.Playbook);
            var update = new NewDelivery(Ulid.New(now), after.EscalationId, DeliveryKind.Update, after.Target, Update(body, after, playbook), now);
            // An outcome is written back once: this transition is the one that set it.
            return action.Action == CaseAction.Acknowledge ? [update] : [update, .. Delivery.WriteBack.OnOutcome(after, playbook, now)];
        }
        if (transition.Result != CaseResult.Applied && action.ResponseUrl is { } url)
        {
            var text = Told(transition, playbooks, now);
            var message = new JsonObject { ["response_type"] = "ephemeral", ["replace_original"] = false, ["delete_original"] = false, ["text"] = text };
            var payload = new JsonObject { ["url"] = url, ["message"] = message };
            return [new NewDelivery(Ulid.New(now), action.EscalationId, DeliveryKind.Ephemeral, "ephemeral:" + action.EscalationId, Encoding.UTF8.GetBytes(payload.ToJsonString()), now)];
        }
        return [];
    }

    /// <summary>Message metadata of an SLA escalation's post (in the target's history), so an in-doubt one is found again.</summary>
    public const string ForwardEventType = "retention_sla_escalation";

    /// <summary>Message metadata of a reminder in the thread, so an in-doubt one is found again.</summary>
    public const string ReminderEventType = "retention_sla_reminder";

    /// <summary>What the sender replaces with the original message's permalink (it is known only once the message is posted).
    /// The forward's text is built from the playbook's and workspace's own names only, never from customer data.</summary>
    public const string PermalinkPlaceholder = "{permalink}";

    /// <summary>
    /// A new case's SLA clocks, as deliveries due at their time: the reminder in the thread, the update that marks the SLA
    /// missed, and (when the playbook names a target) the escalation there. None when the SLA never ends in the calendar.
    /// </summary>
    public static IReadOnlyList<NewDelivery> Clocks(string escalationId, CompiledPlaybook playbook, string channel, string target, byte[] postBody, SlaSchedule schedule, DateTimeOffset createdAt)
    {
        if (schedule.DueAt == DateTimeOffset.MaxValue) return [];
        var list = new List<NewDelivery>(3);
        if (schedule.RemindAt < schedule.DueAt)
        {
            list.Add(new NewDelivery(Ulid.New(createdAt), escalationId, DeliveryKind.ThreadReply, target, Reminder(escalationId, playbook, schedule), schedule.RemindAt, SlaClocks.Remind));
        }
        var open = new CaseState(escalationId, playbook.Id, target, createdAt, null, null, null, null, null, null, postBody, null, null, schedule.DueAt, schedule.DueAt);
        list.Add(new NewDelivery(Ulid.New(createdAt), escalationId, DeliveryKind.Update, target, Update(postBody, open, playbook), schedule.DueAt, SlaClocks.Breach));
        if (playbook.SlaEscalateTo is { } to)
        {
            list.Add(new NewDelivery(Ulid.New(createdAt), escalationId, DeliveryKind.Forward, to.SlackTarget, Forward(escalationId, playbook, channel, to), schedule.DueAt, SlaClocks.Escalate));
        }
        return list;
    }

    /// <summary>Message metadata of a digested case's status reply in the digest's thread (keyed by its delivery: a case may get two).</summary>
    public const string DigestStatusEventType = "retention_case_status";

    /// <summary>Message metadata of a digested case's "SLA missed" reply in the digest's thread.</summary>
    public const string DigestBreachEventType = "retention_sla_breach";

    /// <summary>A case as named in its digest's thread: its playbook, value and when it was raised (the playbook's words and the
    /// value only, as its digest line shows them).</summary>
    internal static string DigestCase(string playbook, decimal? value, DateTimeOffset createdAt) =>
        $"the *{Mrkdwn.Escape(playbook)}* case{(value is { } v ? " of " + Mrkdwn.Escape(MarketerFilters.FormatMoney(v, MarketerFilters.DefaultCurrency)) : "")} raised {Date(createdAt)}";

    /// <summary>The status of a digested case after a click, as a reply in the digest's thread.</summary>
    internal static byte[] DigestStatus(string deliveryId, CaseState state, CompiledPlaybook? playbook) =>
        ThreadMessage($"{Capital(DigestCase(state.Playbook, state.Value, state.CreatedAt))}: {Status(state, playbook)}", DigestStatusEventType,
            new JsonObject { ["escalation_id"] = state.EscalationId, ["delivery_id"] = deliveryId });

    /// <summary>
    /// The SLA clocks of a case rolled into a digest: the reminder and the "SLA missed" notice as replies in the digest's thread
    /// (naming the case: the thread holds several), and the escalation to the SLA's target as for any case.
    /// </summary>
    public static IReadOnlyList<NewDelivery> DigestClocks(string escalationId, CompiledPlaybook playbook, string channel, string target, decimal? value, SlaSchedule schedule, DateTimeOffset createdAt)
    {
        if (schedule.DueAt == DateTimeOffset.MaxValue) return [];
        var list = new List<NewDelivery>(3);
        var named = DigestCase(playbook.Id, value, createdAt);
        var payload = new JsonObject { ["escalation_id"] = escalationId, ["playbook"] = playbook.Id };
        if (schedule.RemindAt < schedule.DueAt)
        {
            var text = $":alarm_clock: <@{playbook.Owner.SlackUser}> nobody has acknowledged {named} in this digest yet; its SLA ({DurationSyntax.Format(playbook.Sla)}) ends {Date(schedule.DueAt)}.";
            list.Add(new NewDelivery(Ulid.New(createdAt), escalationId, DeliveryKind.ThreadReply, target, ThreadMessage(text, ReminderEventType, payload.DeepClone().AsObject()), schedule.RemindAt, SlaClocks.Remind));
        }
        var missed = $":alarm_clock: {Capital(named)} in this digest was not acknowledged within its SLA ({DurationSyntax.Format(playbook.Sla)})"
            + (playbook.SlaEscalateTo is { } to ? $"; escalated to {(to.Channel is { } c ? Mrkdwn.Escape(c.Name) : Mention(to.Owner!.SlackUser))}." : ".");
        list.Add(new NewDelivery(Ulid.New(createdAt), escalationId, DeliveryKind.ThreadReply, target, ThreadMessage(missed, DigestBreachEventType, payload.DeepClone().AsObject()), schedule.DueAt, SlaClocks.Breach));
        if (playbook.SlaEscalateTo is { } escalateTo)
        {
            list.Add(new NewDelivery(Ulid.New(createdAt), escalationId, DeliveryKind.Forward, escalateTo.SlackTarget, Forward(escalationId, playbook, channel, escalateTo), schedule.DueAt, SlaClocks.Escalate));
        }
        return list;
    }

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>A reply in a thread (the sender sets channel and thread_ts), tagged with metadata so an in-doubt one is found again.</summary>
    private static byte[] ThreadMessage(string text, string eventType, JsonObject payload)
    {
        var message = new JsonObject
        {
            ["text"] = text,
            ["unfurl_links"] = false,
            ["unfurl_media"] = false,
            ["metadata"] = new JsonObject { ["event_type"] = eventType, ["event_payload"] = payload },
        };
        return Encoding.UTF8.GetBytes(message.ToJsonString());
    }

    /// <summary>The reminder in the thread: the owner's mention, how long the case has waited, when the SLA ends (Slack shows it
    /// in the reader's time zone). Sent with the thread's channel and ts set by the sender.</summary>
    internal static byte[] Reminder(string escalationId, CompiledPlaybook playbook, SlaSchedule schedule)
    {
        var text = $":alarm_clock: <@{playbook.Owner.SlackUser}> nobody has acknowledged this case yet; its SLA ({DurationSyntax.Format(playbook.Sla)}) ends {Date(schedule.DueAt)}.";
        return ThreadMessage(text, ReminderEventType, new JsonObject { ["escalation_id"] = escalationId, ["playbook"] = playbook.Id });
    }

    /// <summary>Message metadata of a hold-violation reply, so an in-doubt one is found again.</summary>
    public const string HoldViolationEventType = "retention_hold_violation";

    /// <summary>The reply on a case whose hold a promotion broke: which promotion, when, and until when the hold runs.</summary>
    internal static byte[] HoldViolation(string deliveryId, string escalationId, string promotion, DateTimeOffset sentAt, DateTimeOffset holdUntil)
    {
        var text = $":warning: *Hold violated:* promotional {Mrkdwn.Escape(promotion.Replace(':', ' '))} was sent to this customer at {Date(sentAt)}, while their "
            + $"retention hold runs until {Date(holdUntil)}. Check that promotion's filter or exit condition (docs/customerio-setup.md).";
        return ThreadMessage(text, HoldViolationEventType, new JsonObject { ["escalation_id"] = escalationId, ["delivery_id"] = deliveryId, ["promotion"] = promotion });
    }

    /// <summary>Slack's date token (the reader's time zone) with a UTC fallback.</summary>
    private static string Date(DateTimeOffset at) =>
        $"<!date^{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}^{{date_short_pretty}} at {{time}}|{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC>";

    /// <summary>The case posted to the SLA's escalation target: which playbook, where, the SLA, the owner, and a link to the
    /// original message (its permalink set by the sender). The playbook's and the workspace's words only: no customer data.</summary>
    internal static byte[] Forward(string escalationId, CompiledPlaybook playbook, string channel, SlaEscalation to)
    {
        var text = $":rotating_light: *SLA missed:* a *{Mrkdwn.Escape(playbook.Id)}* case in *{Mrkdwn.Escape(channel)}* was not acknowledged within "
            + $"{DurationSyntax.Format(playbook.Sla)} (owner <@{playbook.Owner.SlackUser}>). <{PermalinkPlaceholder}|Open the case>";
        var message = new JsonObject
        {
            ["channel"] = to.SlackTarget,
            ["text"] = $"SLA missed: a {playbook.Id} case in {channel} was not acknowledged within {DurationSyntax.Format(playbook.Sla)}",
            ["blocks"] = new JsonArray(new JsonObject
            {
                ["type"] = "section",
                ["block_id"] = "rp_sla_escalation",
                ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text },
            }),
            ["unfurl_links"] = false,
            ["unfurl_media"] = false,
            ["metadata"] = new JsonObject { ["event_type"] = ForwardEventType, ["event_payload"] = new JsonObject { ["escalation_id"] = escalationId, ["playbook"] = playbook.Id } },
        };
        return Encoding.UTF8.GetBytes(message.ToJsonString());
    }

    /// <summary>The post's body with its status line replaced: for chat.update (the sender sets channel and ts).</summary>
    internal static byte[] Update(byte[] postBody, CaseState state, CompiledPlaybook? playbook)
    {
        var message = JsonNode.Parse(postBody)!.AsObject();
        message.Remove("channel");
        var status = Status(state, playbook);
        if (message["blocks"] is JsonArray blocks)
        {
            for (var i = blocks.Count - 1; i >= 0; i--)
            {
                if (blocks[i]?["block_id"]?.GetValue<string>() is { } id && id.StartsWith(StatusBlockPrefix, StringComparison.Ordinal)) blocks.RemoveAt(i);
            }
            // The buttons that still make sense: Saved and Lost until there is an outcome, Acknowledge until someone has.
            var caseAt = -1;
            for (var i = 0; i < blocks.Count; i++)
            {
                if (blocks[i]?["block_id"]?.GetValue<string>() == MessageRenderer.CaseBlockId) caseAt = i;
            }
            if (caseAt >= 0)
            {
                if (state.Outcome is not null)
                {
                    blocks.RemoveAt(caseAt);
                }
                else
                {
                    var reasons = playbook?.LostReasons ?? CompiledPlaybook.DefaultLostReasons;
                    var actions = MessageRenderer.CaseActions(state.EscalationId, reasons, acknowledged: state.AcknowledgedAt is not null);
                    blocks[caseAt] = BlockJson(actions);
                }
            }
            // A changed block gets a new block_id, so Slack redraws it.
            var version = (state.OutcomeAt ?? state.AcknowledgedAt ?? (state.SlaMissedAt is { } missed && missed != DateTimeOffset.MaxValue ? missed : state.CreatedAt)).ToUnixTimeMilliseconds();
            blocks.Add(new JsonObject
            {
                ["type"] = "context",
                ["block_id"] = $"{StatusBlockPrefix}_{version.ToString(CultureInfo.InvariantCulture)}",
                ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = status }),
            });
        }
        if (message["text"]?.GetValue<string>() is { } text)
        {
            var bar = text.IndexOf(" · status: ", StringComparison.Ordinal);
            message["text"] = (bar >= 0 ? text[..bar] : text) + " · status: " + Plain(state);
        }
        return Encoding.UTF8.GetBytes(message.ToJsonString());
    }

    /// <summary>One block as the renderer writes it (through a message of that block alone).</summary>
    private static JsonNode BlockJson(Slack.BlockKit.Block block) =>
        JsonNode.Parse(Slack.BlockKit.BlockKitWriter.Serialize(new Slack.BlockKit.BlockKitMessage("-", "-", [block])))!["blocks"]![0]!.DeepClone();

    /// <summary>The status line: "Acknowledged by @x after 4 min (SLA 2h: met)", "Saved by @y", "Lost (price) by @z".</summary>
    internal static string Status(CaseState state, CompiledPlaybook? playbook)
    {
        var parts = new List<string>();
        if (state.Outcome is { } outcome)
        {
            var reason = state.OutcomeReason is { } r ? $" ({r.Replace('_', ' ')})" : "";
            parts.Add(outcome == "saved" ? $":white_check_mark: *Saved* by {Mention(state.OutcomeBy)}" : $":x: *Lost*{reason} by {Mention(state.OutcomeBy)}");
        }
        if (state.AcknowledgedAt is { } acked)
        {
            var after = acked - state.CreatedAt;
            // The case's own SLA end (open hours counted when it was raised); a case from before clocks has none.
            var due = state.SlaDueAt ?? (playbook is null ? null : state.CreatedAt + playbook.Sla);
            var sla = playbook is null || due is not { } end ? "" : acked <= end
                ? $" (SLA {DurationSyntax.Format(playbook.Sla)}: met)"
                : $" (SLA {DurationSyntax.Format(playbook.Sla)}: missed by {Span(acked - end)})";
            parts.Add($":eyes: Acknowledged by {Mention(state.AcknowledgedBy)} after {Span(after)}{sla}");
        }
        else if (state.Outcome is null && state.SlaMissedAt is not null)
        {
            var escalated = playbook?.SlaEscalateTo is { } to ? $"; escalated to {(to.Channel is { } c ? Mrkdwn.Escape(c.Name) : Mention(to.Owner!.SlackUser))}" : "";
            var sla = playbook is null ? "its SLA" : $"its SLA ({DurationSyntax.Format(playbook.Sla)})";
            parts.Add($":alarm_clock: Not acknowledged within {sla}{escalated}");
        }
        return string.Join(" · ", parts);
    }

    private static string Plain(CaseState state) => state.Outcome ?? (state.AcknowledgedAt is not null ? "acknowledged" : state.SlaMissedAt is not null ? "SLA missed" : "open");

    /// <summary>The Lost reasons each loaded playbook declares; null for a playbook no longer loaded (its message's reasons
    /// cannot be checked, so any reason key stands).</summary>
    public static Func<string, IReadOnlyList<string>?> LostReasons(CompilationResult playbooks) =>
        id => playbooks.Playbooks.FirstOrDefault(p => p.Id == id)?.LostReasons;

    /// <summary>What the person who clicked is told when someone was first, the reason is not the playbook's, or the case
    /// is not known.</summary>
    internal static string Told(CaseTransition transition, CompilationResult playbooks, DateTimeOffset now)
    {
        var before = transition.Before;
        return transition.Result switch
        {
            CaseResult.UnknownReason => LostReasons(playbooks)(before!.Playbook) is { } reasons
                ? $"Lost needs one of this playbook's reasons ({string.Join(", ", reasons.Select(r => r.Replace('_', ' ')))}); nothing changed. Pick it from the menu again."
                : "Lost needs a reason; nothing changed. Pick it from the menu again.",
            CaseResult.AlreadyAcknowledged => $"{Mention(before!.AcknowledgedBy)} acknowledged this case {Span(now - before.AcknowledgedAt!.Value)} ago; nothing changed.",
            CaseResult.AlreadyClosed => $"This case was already marked *{before!.Outcome}*{(before.OutcomeReason is { } r ? $" ({r.Replace('_', ' ')})" : "")} by {Mention(before.OutcomeBy)} {Span(now - before.OutcomeAt!.Value)} ago; nothing changed.",
            _ => "This message is not a case this RetentionPlaybooks host knows; nothing changed.",
        };
    }

    /// <summary>A Slack user id as a mention; ids are letters and digits (checked when the click was read).</summary>
    private static string Mention(string? user) => user is { Length: > 0 } ? $"<@{user}>" : "someone";

    /// <summary>"45 s", "4 min", "2 h 5 min", "3 d 4 h".</summary>
    internal static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span < TimeSpan.FromMinutes(1)) return $"{(int)span.TotalSeconds} s";
        if (span < TimeSpan.FromHours(1)) return $"{(int)span.TotalMinutes} min";
        if (span < TimeSpan.FromDays(1)) return span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min";
        return span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h";
    }
}
