using RetentionPlaybooks.Host.Report;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>/report's period, read from its from and to: dates (midnight UTC; a bare to-date includes its day) or instants,
/// at each limit — the default 30 days, the Unix epoch, the longest period, the last date there is. Null is the 400.</summary>
public sealed class ReportPeriodTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Default_TheLast30Days_UpToNowIncluded() =>
        Assert.Equal((Now.AddMilliseconds(1) - TimeSpan.FromDays(30), Now.AddMilliseconds(1)), ReportEndpoints.Period(null, null, Now));

    [Fact]
    public void Default_NearTheEpoch_StartsAtTheEpoch()
    {
        var now = DateTimeOffset.UnixEpoch + TimeSpan.FromDays(1);

        Assert.Equal((DateTimeOffset.UnixEpoch, now.AddMilliseconds(1)), ReportEndpoints.Period("", "", now));
    }

    [Theory]
    [InlineData("2026-11-01", "2026-11-30", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z")]           // a to-date includes its day
    [InlineData("2026-11-01T09:00:00+02:00", "2026-11-01T10:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T10:00:00Z")]
    [InlineData("2026-11-01T09:00:00", "2026-11-01T09:00:01", "2026-11-01T09:00:00Z", "2026-11-01T09:00:01Z")]   // no offset: UTC
    [InlineData("1970-01-01", "1970-01-02", "1970-01-01T00:00:00Z", "1970-01-03T00:00:00Z")]           // from the epoch itself
    [InlineData("9999-12-30", "9999-12-31", "9999-12-30T00:00:00Z", "9999-12-31T00:00:00Z")]           // the last date: an instant, no day after it
    [InlineData("2016-11-30", "2026-12-08T00:00:00Z", "2016-11-30T00:00:00Z", "2026-12-08T00:00:00Z")] // exactly 3,660 days
    public void Read(string from, string to, string start, string end) =>
        Assert.Equal((At(start), At(end)), ReportEndpoints.Period(from, to, Now));

    [Theory]
    [InlineData("2026-11-01", "2026-11-01T00:00:00Z")]            // empty: from at to
    [InlineData("2026-11-02", "2026-11-01")]                      // from after to
    [InlineData("1969-12-31T23:59:59Z", "1970-01-02")]            // before the epoch
    [InlineData("2016-11-29T23:59:59.999Z", "2026-12-08T00:00:00Z")] // 3,660 days and a millisecond
    [InlineData("yesterday", "2026-11-01")]
    [InlineData("2026-11-01", "soon")]
    [InlineData("2026-13-01", null)]
    public void Refused(string? from, string? to) => Assert.Null(ReportEndpoints.Period(from, to, Now));
}
