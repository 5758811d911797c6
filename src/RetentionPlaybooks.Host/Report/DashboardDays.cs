namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// The UTC days the charts span: the report's period (its end exclusive), widened to any day the series hold, so a day
/// without a row still shows as a day with nothing in it.
/// </summary>
internal readonly record struct DashboardDays(DateOnly First, DateOnly Last)
{
    /// <summary>Days in the span, first and last included.</summary>
    public int Count => Last.DayNumber - First.DayNumber + 1;

    public static DashboardDays Of(ReportModel report, IEnumerable<DateOnly> dataDays)
    {
        var first = DateOnly.FromDateTime(report.From.UtcDateTime);
        var last = report.To > report.From ? DateOnly.FromDateTime(report.To.AddTicks(-1).UtcDateTime) : first;
        foreach (var day in dataDays)
        {
            if (day < first) first = day;
            if (day > last) last = day;
        }

        return new(first, last);
    }

    /// <summary>The latest <paramref name="max"/> days: a chart with a bar a day stays legible however long the period.</summary>
    public DashboardDays Latest(int max) => Count <= max ? this : new(DateOnly.FromDayNumber(Last.DayNumber - max + 1), Last);

    public int IndexOf(DateOnly day) => day.DayNumber - First.DayNumber;

    public IEnumerable<DateOnly> All()
    {
        for (var n = First.DayNumber; n <= Last.DayNumber; n++) yield return DateOnly.FromDayNumber(n);
    }
}
