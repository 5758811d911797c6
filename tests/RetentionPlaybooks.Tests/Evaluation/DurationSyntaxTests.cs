using RetentionPlaybooks.Evaluation;
using Xunit;

namespace RetentionPlaybooks.Tests.Evaluation;

/// <summary>Durations as marketers write them: each unit, the 10,000,000 limit exactly and one over, and the shortest form back.</summary>
public sealed class DurationSyntaxTests
{
    [Theory]
    [InlineData("1s", 1L)]
    [InlineData("45s", 45L)]
    [InlineData("10m", 600L)]
    [InlineData("2h", 7200L)]
    [InlineData("30d", 2_592_000L)]
    [InlineData("1w", 604_800L)]
    [InlineData("0s", 0L)]
    [InlineData("007m", 420L)]
    [InlineData("10000000s", 10_000_000L)]      // exactly the limit
    [InlineData("10000000d", 864_000_000_000L)]
    public void TryParse_EachUnit_UpToTheLimit(string text, long seconds)
    {
        Assert.True(DurationSyntax.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]         // one character: no number
    [InlineData("5")]
    [InlineData("5y")]
    [InlineData("5S")]
    [InlineData("+5s")]
    [InlineData("-5s")]
    [InlineData(" 5s")]
    [InlineData("5 s")]
    [InlineData("1.5h")]
    [InlineData("10000001s")] // one over the limit
    [InlineData("10000001d")]
    [InlineData("99999999999999999999s")]
    public void TryParse_Refuses(string text)
    {
        Assert.False(DurationSyntax.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1L, "1s")]
    [InlineData(59L, "59s")]
    [InlineData(60L, "1m")]
    [InlineData(90L, "90s")]
    [InlineData(3_600L, "1h")]
    [InlineData(5_400L, "90m")]
    [InlineData(86_400L, "1d")]
    [InlineData(90_000L, "25h")]
    [InlineData(604_800L, "1w")]
    [InlineData(691_200L, "8d")]
    [InlineData(1_209_600L, "2w")]
    public void Format_TheLargestUnitThatDividesIt(long seconds, string expected)
    {
        Assert.Equal(expected, DurationSyntax.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Format_DropsFractionsOfASecond()
    {
        Assert.Equal("1m", DurationSyntax.Format(TimeSpan.FromSeconds(60.7)));
    }

    [Theory] // was a product bug: past TimeSpan's range threw instead of refusing (RP0013 for sla, cooldown or a gate); fixed in DurationSyntax
    [InlineData("1600000w")]
    [InlineData("10000000w")]
    public void TryParse_PastTimeSpansRange_IsRefused(string text)
    {
        Assert.False(DurationSyntax.TryParse(text, out _));
    }
}
