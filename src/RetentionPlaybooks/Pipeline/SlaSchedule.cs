using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Pipeline;

/// <summary>
/// When a case's SLA clocks fire: the reminder in the thread and the SLA's end (the message marked missed, and the case
/// escalated where the playbook says). Counted in open time when the workspace declares business hours, in wall-clock
/// time otherwise; an SLA too long for the calendar never ends (saturates), it never throws.
/// </summary>
internal sealed record SlaSchedule(DateTimeOffset RemindAt, DateTimeOffset DueAt)
{
    public static SlaSchedule For(CompiledPlaybook playbook, BusinessHours? hours, DateTimeOffset createdAt) => new(
        At(createdAt, playbook.SlaRemindAfter, hours),
        At(createdAt, playbook.Sla, hours));

    private static DateTimeOffset At(DateTimeOffset from, TimeSpan span, BusinessHours? hours) =>
        hours is not null ? hours.Add(from, span) : Later(from, span);

    /// <summary><paramref name="from"/> + <paramref name="span"/> (not negative), or the calendar's end when that is past it:
    /// a duration as long as the compiler allows (about 29,000 years) never overflows.</summary>
    public static DateTimeOffset Later(DateTimeOffset from, TimeSpan span) =>
        span >= DateTimeOffset.MaxValue - from ? DateTimeOffset.MaxValue : from + span;
}
