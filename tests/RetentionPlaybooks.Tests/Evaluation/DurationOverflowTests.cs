using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Tests.Cli;
using Xunit;

namespace RetentionPlaybooks.Tests.Evaluation;

/// <summary>A duration past what a TimeSpan holds is a marketer's typo, reported as such, never an internal compiler error.</summary>
public sealed class DurationOverflowTests
{
    [Theory]
    [InlineData("1525000w", true)]    // about 29,000 years: the largest count of weeks a TimeSpan holds
    [InlineData("1600000w", false)]
    [InlineData("10000000w", false)]
    [InlineData("10000000d", true)]
    [InlineData("10000001s", false)]
    [InlineData("99999999999999999999h", false)]
    [InlineData("9223372036854775807s", false)]
    public void TryParse_RefusesWhatATimeSpanCannotHold(string text, bool ok)
    {
        Assert.Equal(ok, DurationSyntax.TryParse(text, out var duration));
        if (ok) Assert.True(duration > TimeSpan.Zero);
    }

    [Fact]
    public void APlaybookWithACooldownOf1600000Weeks_GetsABadDurationDiagnostic_NotAnInternalError()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "cooldown: 7d", "cooldown: 1600000w");

        var result = PlaybookCompiler.CompileDirectory(dir.Path);

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.NotEqual("RP0013", error.Code);
        Assert.Contains("1600000w", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sla: 2h", "sla: 1600000w")]
    [InlineData("hold_promotions: 72h", "hold_promotions: 9999999w")]
    [InlineData("event.cart_value >= 150", "event.checkout_started_at within 1600000w")]
    public void EveryDurationPlace_TooLong_IsOneDiagnostic_NotAnInternalError(string from, string to)
    {
        using var dir = new TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", from, to);

        var result = PlaybookCompiler.CompileDirectory(dir.Path);

        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "RP0013");
        Assert.Contains(result.Diagnostics, d => d.IsError);
    }
}
