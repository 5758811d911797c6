using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Diagnostics;

/// <summary>Lints: a playbook that is valid but would make a noisy or unactionable channel (RP05xx).</summary>
internal sealed partial class DiagnosticBag
{
    public void ReportNoGates(SourceLocation at, string playbook) =>
        Warning("RP0501", at, $"playbook \"{playbook}\" has no gates: every signal escalates; add gates that qualify the moment");

    public void ReportNoOwner(SourceLocation at, string playbook) =>
        Error("RP0502", at, $"playbook \"{playbook}\" has no owner: every escalation needs a person who acts on it");

    public void ReportNoSla(SourceLocation at, string playbook) =>
        Error("RP0503", at, $"playbook \"{playbook}\" has no sla: say how soon the owner must act, e.g. sla: 2h");

    public void ReportNoGuardrail(SourceLocation at, string playbook) =>
        Warning("RP0504", at, $"playbook \"{playbook}\" has no guardrails: set a cooldown, a dedupe_key or a daily_cap so one customer cannot flood the channel");

    public void ReportNoNextStep(SourceLocation at, string playbook) =>
        Warning("RP0505", at, $"message of playbook \"{playbook}\" has no next_step: say the one thing the owner should do");

    public void ReportNoLink(SourceLocation at, string playbook) =>
        Warning("RP0506", at, $"message of playbook \"{playbook}\" has no links: give the owner a way to the customer (e.g. {{{{ links.customerio_profile }}}})");

    public void ReportChannelOverBudget(SourceLocation at, string channel, int budget, string breakdown, int total) =>
        Warning("RP0507", at, $"channel \"{channel}\" has a daily budget of {budget}, but {breakdown} may post {total} a day; lower their daily_cap, raise the budget, or give the channel a digest so the rest roll into it");

    public void ReportDigestAfterOverBudget(SourceLocation at, string channel, int count, int budget) =>
        Warning("RP0510", at, $"digest of channel \"{channel}\": after {count} is not below its daily_budget {budget}, so the budget always rolls escalations in first and the burst rule never applies; lower the count");

    public void ReportNoSchemaLine(SourceLocation at, string schema) =>
        Warning("RP0509", at, $"the file does not start with \"# yaml-language-server: $schema=.../{schema}\"; add it so editors check the file as you type");

    public void ReportTemplateMayExceedLimit(SourceLocation at, string what, int limit) =>
        Warning("RP0508", at, $"{what} may exceed Slack's limit of {limit} characters; it would be cut with an ellipsis");
}
