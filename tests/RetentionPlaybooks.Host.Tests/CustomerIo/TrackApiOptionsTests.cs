using RetentionPlaybooks.Host.CustomerIo;

namespace RetentionPlaybooks.Host.Tests.CustomerIo;

public sealed class TrackApiOptionsTests
{
    private static TrackApiOptions Valid() => new() { SiteId = "site", TrackApiKey = "key" };

    [Theory]
    [InlineData(null, "https://track.customer.io/api/v1/")]
    [InlineData("", "https://track.customer.io/api/v1/")]
    [InlineData("us", "https://track.customer.io/api/v1/")]
    [InlineData("US", "https://track.customer.io/api/v1/")]
    [InlineData("eu", "https://track-eu.customer.io/api/v1/")]
    [InlineData(" EU ", "https://track-eu.customer.io/api/v1/")]
    public void DefaultBaseUrl_ByRegion(string? region, string expected)
    {
        Assert.Equal(expected, TrackApiOptions.DefaultBaseUrl(region).AbsoluteUri);
    }

    [Theory]
    [InlineData("ap")]
    [InlineData("europe")]
    public void DefaultBaseUrl_UnknownRegion_Throws(string region)
    {
        var e = Assert.Throws<ArgumentException>(() => TrackApiOptions.DefaultBaseUrl(region));

        Assert.Contains($"region must be \"us\" or \"eu\"; got \"{region}\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreTheUsRegionAndTenSeconds()
    {
        var options = new TrackApiOptions();

        Assert.Equal("https://track.customer.io/api/v1/", options.BaseUrl.AbsoluteUri);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
    }

    [Fact]
    public void Validate_ValidOptions_HasNoProblem()
    {
        Assert.Empty(Valid().Validate());
    }

    [Fact]
    public void Validate_Empty_ReportsEveryMissingValueTogether()
    {
        var problems = new TrackApiOptions { BaseUrl = null!, Timeout = TimeSpan.FromMinutes(5) }.Validate();

        Assert.Equal(
            [
                "SiteId is required: the workspace's Track API site id",
                "TrackApiKey is required: the workspace's Track API key",
                "BaseUrl is required (e.g. https://track.customer.io/api/v1/)",
                "Timeout must be between 10 ms and 2 min; got 00:05:00",
            ],
            problems);
    }

    [Theory]
    [InlineData("ftp://track.customer.io/api/v1/")]
    [InlineData("file:///etc/passwd")]
    public void Validate_BaseUrlNotHttp_IsAProblem(string url)
    {
        var options = Valid();
        options.BaseUrl = new Uri(url);

        Assert.Contains(options.Validate(), p => p.StartsWith("BaseUrl must be an absolute http or https URL", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RelativeBaseUrl_IsAProblem()
    {
        var options = Valid();
        options.BaseUrl = new Uri("api/v1/", UriKind.Relative);

        Assert.Contains(options.Validate(), p => p.StartsWith("BaseUrl must be an absolute http or https URL", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CredentialsInTheBaseUrl_AreAProblem_NotEchoed()
    {
        var options = Valid();
        options.BaseUrl = new Uri("https://site:hunter2-key@track.customer.io/api/v1/");

        var problem = Assert.Single(options.Validate());

        Assert.StartsWith("BaseUrl must not hold credentials", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KeyWithANewline_IsAProblem_NotEchoed()
    {
        var options = Valid();
        options.TrackApiKey = "trk-abc\n";

        var problem = Assert.Single(options.Validate());

        Assert.DoesNotContain("trk-abc", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SiteIdWithAColon_IsAProblem()
    {
        var options = Valid();
        options.SiteId = "site:x";

        Assert.StartsWith("SiteId must not contain a colon", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(120_000, true)]
    [InlineData(120_001, false)]
    public void Validate_Timeout_Between10msAnd2min(int milliseconds, bool valid)
    {
        var options = Valid();
        options.Timeout = TimeSpan.FromMilliseconds(milliseconds);

        Assert.Equal(valid, options.Validate().Count == 0);
    }
}
