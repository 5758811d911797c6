using RetentionPlaybooks.Host.Report;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The dashboard's formatting at each of its limits: exactly at, one under, one over; absurd values too.</summary>
public sealed class DashboardFormatTests
{
    [Theory]
    [InlineData("a\u0001b", "a\uFFFDb")]       // a control character is replaced
    [InlineData("a\tb\nc\rd", "a\tb\nc\rd")]   // tab, newline and carriage return are kept
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Html_ReplacesControlCharacters_ButTabAndLineBreaks(string? text, string expected) =>
        Assert.Equal(expected, DashboardFormat.Html(text));

    [Theory]
    [InlineData("abcde", 5, "abcde")]          // at the limit: whole
    [InlineData("abcdef", 5, "abcd…")]         // one over: cut, with an ellipsis in the last place
    [InlineData("abcd", 5, "abcd")]
    [InlineData("😀😀😀", 2, "😀…")]             // counted in characters, never halving one
    [InlineData(null, 3, "")]
    public void Label_CutsToTheLimitWithAnEllipsis(string? text, int max, string expected) =>
        Assert.Equal(expected, DashboardFormat.Label(text, max));

    [Theory]
    [InlineData(1, 0, "—")]
    [InlineData(1, -1, "—")]
    [InlineData(1, 1, "100%")]
    [InlineData(1, 3, "33.3%")]
    [InlineData(5, 1, "100%")]                 // clamped
    public void Share_OfNothingIsNone(long part, long whole, string expected) =>
        Assert.Equal(expected, DashboardFormat.Share(part, whole));

    [Theory]
    [InlineData(0.0, "0 s")]
    [InlineData(-0.5, "—")]
    [InlineData(59.4, "59 s")]
    [InlineData(59.5, "1 min")]                // rounds to 60 s: a minute
    [InlineData(3569.0, "59 min")]
    [InlineData(3600.0, "1 h")]
    [InlineData(3660.0, "1 h 1 min")]
    [InlineData(86_340.0, "23 h 59 min")]
    [InlineData(86_400.0, "1 d")]
    [InlineData(90_000.0, "1 d 1 h")]
    [InlineData(999_999_999.0, "11574 d 1 h")]
    [InlineData(1e9, "over 31 years")]
    [InlineData(double.NaN, "—")]
    [InlineData(double.PositiveInfinity, "—")]
    public void Duration_AtEachUnitsEdge(double seconds, string expected) =>
        Assert.Equal(expected, DashboardFormat.Duration(seconds));

    [Theory]
    [InlineData(999.0, "999")]
    [InlineData(1.2345, "1.2")]                // one decimal at most, in every unit
    [InlineData(1_234_567.0, "1.2M")]
    [InlineData(1.2345e9, "1.2B")]
    [InlineData(1000.0, "1k")]
    [InlineData(999_949.0, "999.9k")]
    [InlineData(1e6, "1M")]
    [InlineData(2.5e8, "250M")]
    [InlineData(1e9, "1B")]
    [InlineData(-3.2e10, "-32B")]
    [InlineData(1e12, "1E+12")]
    [InlineData(1e300, "1E+300")]
    [InlineData(double.NaN, "—")]
    public void Compact_AtEachUnitsEdge(double value, string expected) =>
        Assert.Equal(expected, DashboardFormat.Compact(value));

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-5.0, 1.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(double.PositiveInfinity, 1.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(2.0, 2.0)]
    [InlineData(2.1, 5.0)]
    [InlineData(5.0, 5.0)]
    [InlineData(5.1, 10.0)]
    [InlineData(0.03, 0.05)]
    [InlineData(120.0, 200.0)]
    [InlineData(1.5e308, 1.5e308)]              // a nice ceiling past double's range: the value itself
    public void NiceCeiling_OneTwoOrFiveTimesAPowerOfTen(double value, double expected) =>
        Assert.Equal(expected, DashboardFormat.NiceCeiling(value), 12);

    [Fact]
    public void Add_Saturates_NeverWraps()
    {
        Assert.Equal(long.MaxValue, DashboardFormat.Add(long.MaxValue, 1));
        Assert.Equal(long.MinValue, DashboardFormat.Add(long.MinValue, -1));
        Assert.Equal(-1, DashboardFormat.Add(long.MaxValue, long.MinValue));
        Assert.Equal(5, DashboardFormat.Add(2L, 3L));
        Assert.Equal(decimal.MaxValue, DashboardFormat.Add(decimal.MaxValue, 1m));
        Assert.Equal(decimal.MinValue, DashboardFormat.Add(decimal.MinValue, -1m));
        Assert.Equal(5.5m, DashboardFormat.Add(2m, 3.5m));
    }
}
