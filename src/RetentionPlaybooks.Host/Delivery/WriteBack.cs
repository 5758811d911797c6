using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>
/// What the host writes back to Customer.io's Track API, as deliveries of the Customer.io lane (durable, paced, retried):
/// on escalation the hold (<c>retention_hold_until</c>, unix seconds, and the playbook that set it, as person attributes)
/// and a <c>retention_escalated</c> event a Journey can exit on; on an outcome a <c>retention_escalation_outcome</c> event
/// and, where the playbook says so, the hold ended. Each event carries its delivery's ULID as its id, so a resend is dropped
/// by Customer.io. No customer data beyond the id in the path: playbook ids, outcomes, reasons, times. Never /suppress.
/// </summary>
internal static class WriteBack
{
    /// <summary>The Customer.io destination: one target, so its pacing (100 requests/s) holds across the fleet.</summary>
    public const string Target = "customerio";

    public const string EscalatedEvent = "retention_escalated";

    public const string OutcomeEvent = "retention_escalation_outcome";

    public const string HoldUntil = "retention_hold_until";

    public const string HoldPlaybook = "retention_hold_playbook";

    /// <summary>On escalation: the hold (when the playbook declares hold_promotions: <paramref name="holdEnds"/>, the case's
    /// own hold end), then the event.</summary>
    public static IReadOnlyList<NewDelivery> OnEscalation(string escalationId, CompiledPlaybook playbook, string customerId, string channel, DateTimeOffset at, DateTimeOffset? slaDueAt,
        DateTimeOffset? holdEnds)
    {
        if (string.IsNullOrEmpty(customerId)) return [];
        var list = new List<NewDelivery>(2);
        long? holdUntil = null;
        if (holdEnds is { } ends)
        {
            holdUntil = Seconds(ends);
            list.Add(Attributes(escalationId, customerId, at, new JsonObject
            {
                [HoldUntil] = holdUntil,
                [HoldPlaybook] = playbook.Id,
            }, DeliveryPurposes.Hold));
        }
        var data = new JsonObject
        {
            ["playbook"] = playbook.Id,
            ["escalation_id"] = escalationId,
            ["channel"] = channel,
            ["owner"] = playbook.Owner.Name,
            ["hold_until"] = holdUntil,
            ["sla_due_at"] = slaDueAt is { } due && due != DateTimeOffset.MaxValue ? Seconds(due) : null,
        };
        list.Add(Event(escalationId, customerId, EscalatedEvent, at, data));
        return list;
    }

    /// <summary>On an outcome (saved, lost): the event with the case's figures, and the hold ended when the playbook says so.</summary>
    public static IReadOnlyList<NewDelivery> OnOutcome(CaseState state, CompiledPlaybook? playbook, DateTimeOffset at)
    {
        if (state.Outcome is not { } outcome || string.IsNullOrEmpty(state.CustomerId)) return [];
        var acknowledged = state.AcknowledgedAt is { } acked ? (long?)Math.Max(0, (long)(acked - state.CreatedAt).TotalSeconds) : null;
        // Met when the first human action (an acknowledgement, or the outcome itself) came by the SLA's end.
        var firstAction = state.AcknowledgedAt ?? at;
        var slaMet = state.SlaDueAt is { } due ? firstAction <= due : (bool?)null;
        var data = new JsonObject
        {
            ["playbook"] = state.Playbook,
            ["escalation_id"] = state.EscalationId,
            ["outcome"] = outcome,
            ["reason"] = state.OutcomeReason,
            ["seconds_to_acknowledge"] = acknowledged,
            ["sla_met"] = slaMet,
            ["seconds_to_outcome"] = Math.Max(0, (long)(at - state.CreatedAt).TotalSeconds),
            // What the case was worth (the playbook's value field, e.g. the cart), so a Journey or a report can sum saves.
            ["value"] = state.Value,
        };
        var list = new List<NewDelivery>(2) { Event(state.EscalationId, state.CustomerId!, OutcomeEvent, at, data) };
        if (playbook is { HoldPromotions: not null } && playbook.HoldEndsOn.Contains(outcome))
        {
            list.Add(Attributes(state.EscalationId, state.CustomerId!, at, new JsonObject { [HoldUntil] = Seconds(at), [HoldPlaybook] = playbook.Id }, DeliveryPurposes.HoldEnd));
        }
        return list;
    }

    private static NewDelivery Attributes(string escalationId, string customerId, DateTimeOffset at, JsonObject attributes, string purpose)
    {
        // _timestamp orders rapid updates of one person (the hold set, then ended, minutes apart); _update: true never
        // creates a person who does not exist.
        attributes["_timestamp"] = Seconds(at);
        attributes["_update"] = true;
        return new NewDelivery(Ulid.New(at), escalationId, DeliveryKind.CustomerIo, Target, Body("PUT", $"customers/{Uri.EscapeDataString(customerId)}", attributes), at,
            Purpose: purpose);
    }

    private static NewDelivery Event(string escalationId, string customerId, string name, DateTimeOffset at, JsonObject data)
    {
        var id = Ulid.New(at);
        var body = new JsonObject { ["name"] = name, ["id"] = id, ["timestamp"] = Seconds(at), ["data"] = data };
        return new NewDelivery(id, escalationId, DeliveryKind.CustomerIo, Target, Body("POST", $"customers/{Uri.EscapeDataString(customerId)}/events", body), at);
    }

    /// <summary>The stored request: method, path (relative to the Track API base) and JSON body.</summary>
    internal static byte[] Body(string method, string path, JsonObject body) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["method"] = method, ["path"] = path, ["body"] = body }.ToJsonString());

    private static long Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds();
}
