using RetentionPlaybooks.Workspace;
using Xunit;

namespace RetentionPlaybooks.Tests.Workspace;

/// <summary>
/// Open time added to an instant: inside a window, across the close, over a weekend, from before the opening, through the
/// clock changes of a real zone, and at the calendar's end — the edges, each exactly.
/// </summary>
public sealed class BusinessHoursTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static readonly BusinessHours Weekdays = new(NewYork,
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        TimeSpan.FromHours(9), TimeSpan.FromHours(17));

    /// <summary>A New York wall-clock time as an instant.</summary>
    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, NewYork.GetUtcOffset(local)).ToUniversalTime();
    }

    [Fact]
    public void InsideAWindow_AddsWallTime()
    {
        // Tuesday 1 December 2026, 10:00.
        Assert.Equal(Local(2026, 12, 1, 12), Weekdays.Add(Local(2026, 12, 1, 10), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void EndingExactlyAtTheClose_EndsThere_OneMinuteMore_GoesToTheNextOpening()
    {
        Assert.Equal(Local(2026, 12, 1, 17), Weekdays.Add(Local(2026, 12, 1, 15), TimeSpan.FromHours(2)));
        Assert.Equal(Local(2026, 12, 2, 9, 1), Weekdays.Add(Local(2026, 12, 1, 15), TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void FridayAfternoon_TwoHours_EndOnMondayMorning()
    {
        // Friday 4 December 2026 16:30 + 2 h of open time = 30 min on Friday, 90 min on Monday 7 December.
        Assert.Equal(Local(2026, 12, 7, 10, 30), Weekdays.Add(Local(2026, 12, 4, 16, 30), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void BeforeTheOpening_OrOnAClosedDay_CountsFromTheNextOpening()
    {
        Assert.Equal(Local(2026, 12, 1, 10), Weekdays.Add(Local(2026, 12, 1, 6), TimeSpan.FromHours(1)));
        Assert.Equal(Local(2026, 12, 7, 10), Weekdays.Add(Local(2026, 12, 5, 12), TimeSpan.FromHours(1)));   // Saturday
        Assert.Equal(Local(2026, 12, 7, 9), Weekdays.Add(Local(2026, 12, 5, 12), TimeSpan.Zero));
    }

    [Fact]
    public void AcrossTheSpringClockChange_TheWindowIsLocalTime()
    {
        // Clocks go forward on Sunday 8 March 2026: Friday 16:00 EST + 2 h = Monday 10:00 EDT, 65 h later, not the 66 the wall clock shows.
        var from = Local(2026, 3, 6, 16);
        var due = Weekdays.Add(from, TimeSpan.FromHours(2));

        Assert.Equal(Local(2026, 3, 9, 10), due);
        Assert.Equal(TimeSpan.FromHours(65), due - from);
        Assert.Equal(TimeSpan.FromHours(-4), TimeZoneInfo.ConvertTime(due, NewYork).Offset);
    }

    [Fact]
    public void AWindowTheClockChangeCuts_CountsItsRealLength()
    {
        // Hours 00:00-06:00 on Sunday 8 March 2026: 02:00-03:00 does not exist, so the window holds 5 h.
        var nights = new BusinessHours(NewYork, new HashSet<DayOfWeek> { DayOfWeek.Sunday }, TimeSpan.Zero, TimeSpan.FromHours(6));

        Assert.Equal(Local(2026, 3, 8, 6), nights.Add(Local(2026, 3, 8, 0), TimeSpan.FromHours(5)));
    }

    [Fact]
    public void ManyWeeks_SkipWholeWeeks_AndLandWhereWalkingDayByDayWould()
    {
        // 10 weeks of 40 open hours from a Monday opening end on the 10th Friday's close.
        Assert.Equal(Local(2027, 2, 12, 17), Weekdays.Add(Local(2026, 12, 7, 9), TimeSpan.FromHours(400)));
        // One minute more is the 11th Monday's opening plus a minute.
        Assert.Equal(Local(2027, 2, 15, 9, 1), Weekdays.Add(Local(2026, 12, 7, 9), TimeSpan.FromHours(400) + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void ASpanBeyondTheCalendar_Saturates_NeverThrows()
    {
        Assert.Equal(DateTimeOffset.MaxValue, Weekdays.Add(Local(2026, 12, 1, 10), TimeSpan.MaxValue));
        Assert.Equal(DateTimeOffset.MaxValue, Weekdays.Add(Local(2026, 12, 1, 10), TimeSpan.FromDays(10_000_000)));
        Assert.Equal(DateTimeOffset.MaxValue, Weekdays.Add(DateTimeOffset.MaxValue - TimeSpan.FromDays(1), TimeSpan.FromHours(40)));
        Assert.Equal(Local(2026, 12, 1, 10), Weekdays.Add(Local(2026, 12, 1, 10), TimeSpan.FromHours(-3)));
    }

    [Fact]
    public void NoDays_OrAWindowThatNeverOpens_NeverEnds()
    {
        Assert.Equal(DateTimeOffset.MaxValue, (Weekdays with { Days = new HashSet<DayOfWeek>() }).Add(Local(2026, 12, 1, 10), TimeSpan.FromHours(1)));
        Assert.Equal(DateTimeOffset.MaxValue, (Weekdays with { Close = TimeSpan.FromHours(9) }).Add(Local(2026, 12, 1, 10), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void ZeroOpenTime_ExactlyAtTheClose_IsTheNextOpening_NotTheClose()
    {
        // Friday 4 December 2026 17:00 is closed (the window is [09:00, 17:00)): nothing to add, but the clock waits for Monday.
        Assert.Equal(Local(2026, 12, 7, 9), Weekdays.Add(Local(2026, 12, 4, 17), TimeSpan.Zero));
        Assert.Equal(Local(2026, 12, 4, 17), Weekdays.Add(Local(2026, 12, 4, 16), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void OneOpenDayAWeek_ThreeWeeksOfOpenTime_WalkMoreThanThreeWeeksOfDays()
    {
        // Mondays 09:00-17:00 only; from a Monday after its close, 24 open hours (three weeks' worth, so no week is skipped)
        // are the next three Mondays: the walk passes 21 days.
        var mondays = Weekdays with { Days = new HashSet<DayOfWeek> { DayOfWeek.Monday } };

        Assert.Equal(Local(2026, 12, 28, 17), mondays.Add(Local(2026, 12, 7, 18), TimeSpan.FromHours(24)));
        Assert.Equal(Local(2027, 1, 4, 9, 1), mondays.Add(Local(2026, 12, 7, 18), TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void AWindowOpeningInTheAutumnsRepeatedHour_OpensAtItsFirstOccurrence()
    {
        // Clocks go back on Sunday 1 November 2026 at 02:00 EDT: 01:30 happens twice, first at 05:30Z (EDT), then 06:30Z (EST).
        var sundays = new BusinessHours(NewYork, new HashSet<DayOfWeek> { DayOfWeek.Sunday }, TimeSpan.FromMinutes(90), TimeSpan.FromHours(6));

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), sundays.Add(Local(2026, 10, 31, 12), TimeSpan.Zero));
        // The window then holds 5 h 30 min of real time (01:30 EDT to 06:00 EST).
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 11, 0, 0, TimeSpan.Zero), sundays.Add(Local(2026, 10, 31, 12), TimeSpan.FromMinutes(330)));
    }
}
