using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Tests.Cli;
using Xunit;

namespace RetentionPlaybooks.Tests.Compilation;

/// <summary>
/// The SLA's two forms and the workspace's business hours, compiled: the short form keeps its meaning, the long form's
/// reminder defaults to three quarters, its target resolves to a channel or an owner, and each mistake is one error at its
/// line and column. The schedule a case gets from them, with and without open hours.
/// </summary>
public sealed class SlaBindingTests
{
    private static CompilationResult Compile(Action<TempPlaybooks> change)
    {
        using var dir = new TempPlaybooks();
        change(dir);
        return PlaybookCompiler.CompileDirectory(dir.Path);
    }

    private static CompiledPlaybook Vip(CompilationResult result) => result.Playbooks.Single(p => p.Id == "vip-cart-abandonment");

    private static Diagnostic SingleError(CompilationResult result) => Assert.Single(result.Diagnostics, d => d.IsError);

    private const string LongForm = """
        sla:
          within: 2h
          remind_after: 30m
          escalate_to:
            channel: cx-escalations
        """;

    [Fact]
    public void TheShortForm_RemindsAtThreeQuarters_AndEscalatesNowhere()
    {
        var vip = Vip(Compile(_ => { }));

        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromMinutes(90), null), (vip.Sla, vip.SlaRemindAfter, vip.SlaEscalateTo));
    }

    [Fact]
    public void TheLongForm_BindsWithinReminderAndAChannelTarget()
    {
        var result = Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", LongForm + "\n"));
        var vip = Vip(result);

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromMinutes(30)), (vip.Sla, vip.SlaRemindAfter));
        Assert.Equal(("channel cx-escalations", "C07CXESCAL"), (vip.SlaEscalateTo!.Name, vip.SlaEscalateTo.SlackTarget));
    }

    [Fact]
    public void TheShippedLateOrderPlaybook_EscalatesToTheRetentionLeadByDirectMessage()
    {
        var risk = Compile(_ => { }).Playbooks.Single(p => p.Id == "post-purchase-risk");

        Assert.Equal((TimeSpan.FromDays(1), TimeSpan.FromHours(4)), (risk.Sla, risk.SlaRemindAfter));
        Assert.Equal(("owner retention-lead", "U07RETLEAD"), (risk.SlaEscalateTo!.Name, risk.SlaEscalateTo.SlackTarget));
    }

    [Fact]
    public void TheLongForm_WithoutRemindAfter_DefaultsToThreeQuarters()
    {
        var vip = Vip(Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", "sla:\n  within: 3h\n")));

        Assert.Equal((TimeSpan.FromHours(3), TimeSpan.FromMinutes(135), null), (vip.Sla, vip.SlaRemindAfter, vip.SlaEscalateTo));
    }

    [Theory]
    [InlineData("1h59m", false)]
    [InlineData("119m", false)]
    [InlineData("120m", true)]
    [InlineData("3h", true)]
    public void ARemindAfter_NotBeforeWithin_IsAnError(string remind, bool error)
    {
        // "1h59m" is not a duration at all: the schema says so (RP0105), not this rule.
        var result = Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", $"sla:\n  within: 2h\n  remind_after: {remind}\n"));

        var rp0309 = result.Diagnostics.Where(d => d.Code == "RP0309").ToList();
        Assert.Equal(error ? 1 : 0, rp0309.Count);
        if (error)
        {
            Assert.Equal((23, 17), (rp0309[0].Location.Line, rp0309[0].Location.Column));
            Assert.Equal($"remind_after {remind} is not before the SLA (2h): the reminder would come after the SLA has passed; make it shorter than within, or leave it out (three quarters of within)", rp0309[0].Message);
        }
    }

    [Fact]
    public void AnUnknownEscalationChannel_OrOwner_IsAnErrorWithASuggestion()
    {
        var channel = SingleError(Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", "sla:\n  within: 2h\n  escalate_to:\n    channel: cx-escalation\n")));
        var owner = SingleError(Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", "sla:\n  within: 2h\n  escalate_to:\n    owner: retention-leed\n")));

        Assert.Equal(("RP0301", 24, 14), (channel.Code, channel.Location.Line, channel.Location.Column));
        Assert.EndsWith("did you mean \"cx-escalations\"?", channel.Message, StringComparison.Ordinal);
        Assert.Equal(("RP0302", 24, 12), (owner.Code, owner.Location.Line, owner.Location.Column));
        Assert.EndsWith("did you mean \"retention-lead\"?", owner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BothTargets_AnUnknownKey_OrAMissingWithin_AreSchemaErrors()
    {
        var both = Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", "sla:\n  within: 2h\n  escalate_to:\n    channel: vip-saves\n    owner: cx-lead\n"));
        var typo = SingleError(Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", "sla:\n  within: 2h\n  remind: 1h\n")));
        var missing = SingleError(Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", "sla:\n  remind_after: 1h\n")));

        var one = SingleError(both);
        Assert.Equal(("RP0104", 24, 5), (one.Code, one.Location.Line, one.Location.Column));
        Assert.EndsWith("give one of channel or owner, not several", one.Message, StringComparison.Ordinal);
        Assert.Equal(("RP0101", 23, 3), (typo.Code, typo.Location.Line, typo.Location.Column));
        Assert.Contains("did you mean \"remind_after\"?", typo.Message, StringComparison.Ordinal);
        Assert.Equal(("RP0103", 22, 3), (missing.Code, missing.Location.Line, missing.Location.Column));
        Assert.Contains("\"within\"", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AShortFormThatIsNotADuration_SaysSoAtTheValue_AndAListIsTheWrongType()
    {
        var bad = SingleError(Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", "sla: 2 hours\n")));
        var list = SingleError(Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", "sla: [2h]\n")));

        Assert.Equal((21, 6), (bad.Location.Line, bad.Location.Column));
        Assert.Contains("2 hours", bad.Message, StringComparison.Ordinal);
        Assert.Equal((21, 6), (list.Location.Line, list.Location.Column));
        Assert.Contains("a duration such as 2h, or a mapping", list.Message, StringComparison.Ordinal);
    }

    private const string Hours = """
        business_hours:
          time_zone: America/New_York
          days: [mon, tue, wed, thu, fri]
          open: "09:00"
          close: "17:00"

        """;

    [Fact]
    public void BusinessHours_Bind_AndTheScheduleCountsOnlyOpenTime()
    {
        var result = Compile(dir => dir.Replace("workspace.yaml", "owners:\n", Hours + "owners:\n"));
        var hours = result.Workspace!.BusinessHours!;
        var vip = Vip(result);
        // Friday 4 December 2026, 16:30 in New York (21:30 UTC).
        var friday = new DateTimeOffset(2026, 12, 4, 21, 30, 0, TimeSpan.Zero);

        var schedule = SlaSchedule.For(vip, hours, friday);
        var wallClock = SlaSchedule.For(vip, null, friday);

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        Assert.Equal(("America/New_York", 5, TimeSpan.FromHours(9), TimeSpan.FromHours(17)), (hours.Zone.Id, hours.Days.Count, hours.Open, hours.Close));
        Assert.DoesNotContain(DayOfWeek.Saturday, hours.Days);
        // 90 min of open time: 30 min on Friday, 60 on Monday; 2 h: 90 min on Monday.
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero), schedule.RemindAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 15, 30, 0, TimeSpan.Zero), schedule.DueAt);
        Assert.Equal((friday + TimeSpan.FromMinutes(90), friday + TimeSpan.FromHours(2)), (wallClock.RemindAt, wallClock.DueAt));
    }

    [Fact]
    public void AnSlaTooLongForTheCalendar_NeverEnds_InsteadOfOverflowing()
    {
        var vip = Vip(Compile(dir => dir.Replace("vip-cart-abandonment.yaml", "sla: 2h\n", "sla: 1000000w\n")));

        var schedule = SlaSchedule.For(vip, null, DateTimeOffset.MaxValue - TimeSpan.FromDays(365));

        Assert.Equal((DateTimeOffset.MaxValue, DateTimeOffset.MaxValue), (schedule.RemindAt, schedule.DueAt));
    }

    [Theory]
    [InlineData("time_zone: America/New_York", "time_zone: America/NewYork", "RP0310", 46, 14, "unknown time zone \"America/NewYork\": use an IANA name such as America/New_York or Europe/Berlin; did you mean \"America/New_York\"?")]
    [InlineData("time_zone: America/New_York", "time_zone: Eastern Standard Time", "RP0310", 46, 14, null)]
    [InlineData("close: \"17:00\"", "close: \"09:00\"", "RP0311", 49, 10, "business_hours close 09:00 is not after open 09:00: no time would ever count toward an SLA")]
    [InlineData("close: \"17:00\"", "close: \"25:00\"", "RP0104", 49, 10, null)]
    [InlineData("days: [mon, tue, wed, thu, fri]", "days: [mon, tue, wed, thu, fry]", "RP0104", 47, 30, null)]
    [InlineData("days: [mon, tue, wed, thu, fri]", "days: []", "RP0104", 47, 9, null)]
    public void BusinessHoursMistakes_AreOneErrorAtTheValue(string oldText, string newText, string code, int line, int column, string? message)
    {
        var result = Compile(dir => dir.Replace("workspace.yaml", "owners:\n", Hours.Replace(oldText, newText, StringComparison.Ordinal) + "owners:\n"));

        var error = SingleError(result);
        Assert.Equal((code, line, column), (error.Code, error.Location.Line, error.Location.Column));
        if (message is not null) Assert.Equal(message, error.Message);
    }
}
