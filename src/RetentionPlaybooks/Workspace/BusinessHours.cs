namespace RetentionPlaybooks.Workspace;

/// <summary>
/// The workspace's open hours (days, a daily window, a time zone), as PagerDuty's support hours: an SLA counts only time
/// inside them. A day's window is local time, so it follows daylight saving; a window a clock change cuts short (or makes
/// longer) counts as long as it really is.
/// </summary>
internal sealed record BusinessHours(TimeZoneInfo Zone, IReadOnlySet<DayOfWeek> Days, TimeSpan Open, TimeSpan Close)
{
    /// <summary>The instant <paramref name="open"/> of open time after <paramref name="from"/> (itself, when the span is zero and
    /// the hours are open then; the next opening when they are closed). Saturates at <see cref="DateTimeOffset.MaxValue"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset from, TimeSpan open)
    {
        if (Days.Count == 0 || Close <= Open) return DateTimeOffset.MaxValue;
        if (open < TimeSpan.Zero) open = TimeSpan.Zero;
        var cursor = from.ToUniversalTime();
        var day = TimeZoneInfo.ConvertTime(cursor, Zone).Date;
        // Whole weeks first: a 10-week SLA should not walk 70 days one by one. From any instant, the same instant a week
        // later holds one week's open time (a clock change inside a window, which real hours rarely straddle, moves it by at
        // most an hour); the last two weeks are walked day by day.
        var perWeek = TimeSpan.FromTicks((Close - Open).Ticks * Days.Count);
        if (open > perWeek * 3)
        {
            var weeks = open.Ticks / perWeek.Ticks - 2;
            var local = TimeZoneInfo.ConvertTime(cursor, Zone).DateTime;
            if (weeks > (DateTime.MaxValue - local).Days / 7 - 2) return DateTimeOffset.MaxValue;
            open -= TimeSpan.FromTicks(perWeek.Ticks * weeks);
            local = local.AddDays(7.0 * weeks);
            cursor = Instant(local);
            day = local.Date;
        }
        for (var i = 0; i < 7 * 5 + 14; i++)
        {
            if (Days.Contains(day.DayOfWeek))
            {
                var (windowStart, windowEnd) = Window(day);
                if (cursor < windowStart) cursor = windowStart;
                if (cursor < windowEnd)
                {
                    var left = windowEnd - cursor;
                    if (open <= left) return cursor + open;
                    open -= left;
                    cursor = windowEnd;
                }
            }
            if (day >= DateTime.MaxValue.Date.AddDays(-2)) return DateTimeOffset.MaxValue;
            day = day.AddDays(1);
        }
        return DateTimeOffset.MaxValue;
    }

    /// <summary>A day's window as instants: its local open and close times, each resolved through the zone.</summary>
    private (DateTimeOffset Start, DateTimeOffset End) Window(DateTime day) => (Instant(day + Open), Instant(day + Close));

    /// <summary>A local wall-clock time as an instant: a time in a spring-forward gap moves past the gap, an ambiguous one
    /// (autumn) takes its first occurrence.</summary>
    private DateTimeOffset Instant(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
