using RetentionPlaybooks.Slack.Api;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Api;

public sealed class SlackApiOptionsTests
{
    [Fact]
    public void Validate_Defaults_OnlyTheTokenIsMissing()
    {
        var problems = new SlackApiOptions().Validate();

        Assert.Equal(["BotToken is required: the Slack app's bot token (xoxb-...)"], problems);
        Assert.Equal(new Uri("https://slack.com/api/"), new SlackApiOptions().BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(10), new SlackApiOptions().Timeout);
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryProblemWithoutTheToken()
    {
        var options = new SlackApiOptions
        {
            BaseUrl = new Uri("ftp://example.com/api/"),
            BotToken = "xoxb-secret\n",
            Timeout = TimeSpan.FromMinutes(5),
        };

        var problems = options.Validate();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("BaseUrl must be an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("BotToken must not contain whitespace", StringComparison.Ordinal));
        Assert.Contains("Timeout must be between 10 ms and 2 min; got 00:05:00", problems);
        Assert.DoesNotContain(problems, p => p.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingAllProblems()
    {
        using var http = new HttpClient();

        var e = Assert.Throws<ArgumentException>(() => new SlackApiClient(http, new SlackApiOptions { Timeout = TimeSpan.Zero }));

        Assert.Contains("BotToken is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout must be between", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizedBaseUrl_WithoutTrailingSlash_AppendsMethodNamesInsteadOfReplacingTheLastSegment()
    {
        var options = new SlackApiOptions { BaseUrl = new Uri("http://127.0.0.1:5199/api"), BotToken = "xoxb-x" };

        Assert.Equal(new Uri("http://127.0.0.1:5199/api/chat.postMessage"), new Uri(options.NormalizedBaseUrl, "chat.postMessage"));
    }
}
