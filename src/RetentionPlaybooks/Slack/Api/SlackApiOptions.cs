namespace RetentionPlaybooks.Slack.Api;

/// <summary>Where and how the host calls the Slack Web API. Created once, shared by every call.</summary>
internal sealed class SlackApiOptions
{
    public static readonly Uri DefaultBaseUrl = new("https://slack.com/api/");
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The Web API base; method names are appended (https://slack.com/api/ by default, http://127.0.0.1:5199/api/ for the fake).
    /// A missing trailing slash is added.</summary>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>The bot token (xoxb-...), sent as a bearer token. Required. Never logged.</summary>
    public string? BotToken { get; set; }

    /// <summary>How long one call may take, answer included; must be between 10 ms and 2 min; the default is 10 s.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Every problem with these options, as messages naming the option; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BaseUrl is null)
        {
            problems.Add("BaseUrl is required (e.g. https://slack.com/api/)");
        }
        else if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"BaseUrl must be an absolute http or https URL such as https://slack.com/api/; got \"{BaseUrl.OriginalString}\"");
        }
        else if (BaseUrl.Query.Length > 0 || BaseUrl.Fragment.Length > 0)
        {
            problems.Add($"BaseUrl must not have a query or fragment, method names are appended to it; got \"{BaseUrl.OriginalString}\"");
        }

        if (string.IsNullOrWhiteSpace(BotToken))
        {
            problems.Add("BotToken is required: the Slack app's bot token (xoxb-...)");
        }
        else if (BotToken.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // Never echo the token itself.
            problems.Add("BotToken must not contain whitespace or control characters (check for a stray newline)");
        }

        if (Timeout < MinTimeout || Timeout > MaxTimeout)
        {
            problems.Add($"Timeout must be between 10 ms and 2 min; got {Timeout}");
        }

        return problems;
    }

    /// <summary>The base URL with exactly one trailing slash, so that relative method names append rather than replace.</summary>
    internal Uri NormalizedBaseUrl =>
        BaseUrl.AbsoluteUri.EndsWith('/') ? BaseUrl : new Uri(BaseUrl.AbsoluteUri + "/");
}
