using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Diagnostics;

/// <summary>Messages for references between files: channels, owners, events, segments, PII classes, inhibiting playbooks (RP03xx).</summary>
internal sealed partial class DiagnosticBag
{
    public void ReportUnknownChannel(SourceLocation at, string channel, string playbook, string? suggestion) =>
        Error("RP0301", at, $"undefined channel \"{channel}\" used in playbook \"{playbook}\"{DidYouMean(suggestion)}");

    public void ReportUnknownOwner(SourceLocation at, string owner, string playbook, string? suggestion) =>
        Error("RP0302", at, $"undefined owner \"{owner}\" used in playbook \"{playbook}\"{DidYouMean(suggestion)}");

    public void ReportReminderNotBeforeSla(SourceLocation at, string remind, string within) =>
        Error("RP0309", at, $"remind_after {remind} is not before the SLA ({within}): the reminder would come after the SLA has passed; make it shorter than within, or leave it out (three quarters of within)");

    public void ReportUnknownTimeZone(SourceLocation at, string zone, string? suggestion) =>
        Error("RP0310", at, $"unknown time zone \"{zone}\": use an IANA name such as America/New_York or Europe/Berlin{DidYouMean(suggestion)}");

    public void ReportBusinessHoursEmpty(SourceLocation at, string open, string close) =>
        Error("RP0311", at, $"business_hours close {close} is not after open {open}: no time would ever count toward an SLA");

    public void ReportDigestEvery(SourceLocation at, string channel, string every) =>
        Error("RP0316", at, $"digest of channel \"{channel}\": every {every} is not between 1m and 24h; one digest message per interval, e.g. every: 30m");

    public void ReportDigestAfter(SourceLocation at, string channel, string after) =>
        Error("RP0317", at, $"digest of channel \"{channel}\": after \"{after}\" needs a count of at least 1 and a window between 1s and 24h, e.g. after: 5 in 10m");

    public void ReportHoldEndsWithoutHold(SourceLocation at) =>
        Error("RP0312", at, "hold_ends_on without hold_promotions: there is no hold to end; add hold_promotions (e.g. 72h) or remove hold_ends_on");

    public void ReportBadValueField(SourceLocation at, string path, string why, string? suggestion) =>
        Error("RP0330", at, $"value {path} cannot be a case's value: {why}{DidYouMean(suggestion)}");

    public void ReportUnknownInhibitingPlaybook(SourceLocation at, string inhibitor, string playbook, string? suggestion) =>
        Error("RP0313", at, $"undefined playbook \"{inhibitor}\" under inhibited_by of playbook \"{playbook}\": no file in this folder declares it{DidYouMean(suggestion)}");

    public void ReportSelfInhibition(SourceLocation at, string playbook) =>
        Error("RP0314", at, $"playbook \"{playbook}\" is listed under its own inhibited_by: its first case would hold back every later one for the customer; to space a customer's cases out, use guardrails.cooldown");

    public void ReportInhibitionCycle(SourceLocation at, IReadOnlyList<string> cycle) =>
        Error("RP0315", at, $"inhibition cycle: \"{cycle[0]}\"{string.Concat(cycle.Skip(1).Select((p, i) => $"{(i == 0 ? " is inhibited by" : ", which is inhibited by")} \"{p}\""))}; whichever escalates first would hold the others back, so what a customer gets would depend on which signal arrives first: remove one of these inhibited_by entries");

    public void ReportUnknownEvent(SourceLocation at, string name, string? suggestion) =>
        Error("RP0303", at, $"unknown event \"{name}\": declare it under \"events\" in data-model.yaml{DidYouMean(suggestion)}");

    public void ReportUnknownAttribute(SourceLocation at, string name, string? suggestion) =>
        Error("RP0304", at, $"unknown customer attribute \"{name}\": declare it under \"customer\" in data-model.yaml{DidYouMean(suggestion)}");

    public void ReportUnknownSegment(SourceLocation at, string name, string? suggestion) =>
        Error("RP0305", at, $"unknown segment \"{name}\": declare it under \"segments\" in data-model.yaml{DidYouMean(suggestion)}");

    public void ReportDuplicatePlaybook(SourceLocation at, string id, string otherFile) =>
        Error("RP0306", at, $"playbook id \"{id}\" is already used by {otherFile}");

    public void ReportUnknownPiiClass(SourceLocation at, string pii, string? suggestion) =>
        Error("RP0307", at, $"unknown PII class \"{pii}\": the data model marks no field with it{DidYouMean(suggestion)}");

    public void ReportAttributeValue(SourceLocation at, string key, string value, string attribute, string type) =>
        Error("RP0308", at, $"\"{key}\" value \"{value}\" is not a {type}, the type of customer.{attribute}");

    public void ReportPiiNotDeclared(SourceLocation at, string path, string pii, string playbook) =>
        Error("RP0403", at, $"template prints {path} (PII: {pii}), but playbook \"{playbook}\" does not list \"{pii}\" under pii");

    public void ReportPiiInDedupeKey(SourceLocation at, string path, string pii) =>
        Error("RP0407", at, $"dedupe_key reads {path} (PII: {pii}); dedupe keys are stored, so build them from ids such as customer.id or event.checkout_id");

    public void ReportPiiNotAllowedInChannel(SourceLocation at, string pii, string channel, IReadOnlyCollection<string> allowed, IReadOnlyList<string> allowing) =>
        Error("RP0406", at, $"this route sends PII class \"{pii}\" (listed under pii) to channel \"{channel}\", whose policy allows {(allowed.Count == 0 ? "no PII" : string.Join(", ", allowed.Order(StringComparer.Ordinal)))}; "
            + (allowing.Count == 0
                ? $"no channel in workspace.yaml allows \"{pii}\", so remove it from pii and from the message"
                : $"route it to a channel that allows \"{pii}\" ({string.Join(", ", allowing)}) or remove it from pii"));
}
