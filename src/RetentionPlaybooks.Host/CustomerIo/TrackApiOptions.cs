namespace RetentionPlaybooks.Host.CustomerIo;

/// <summary>Where and how the host calls Customer.io's Track API v1. Created once, shared by every call.</summary>
internal sealed class TrackApiOptions
{
    public static readonly Uri UsBaseUrl = new("https://track.customer.io/api/v1/");
    public static readonly Uri EuBaseUrl = new("https://track-eu.customer.io/api/v1/");
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The workspace's site id, the user name of HTTP Basic auth. Required.</summary>
    public string? SiteId { get; set; }

    /// <summary>The Track API key, the password of HTTP Basic auth. Required. Never logged or put into an error.</summary>
    public string? TrackApiKey { get; set; }

    /// <summary>The Track API base; paths such as customers/{id} are appended. The default is the US region's
    /// (see <see cref="DefaultBaseUrl"/>); a missing trailing slash is added.</summary>
    public Uri BaseUrl { get; set; } = UsBaseUrl;

    /// <summary>How long one call may take, answer included; must be between 10 ms and 2 min; the default is 10 s.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>The base URL of a workspace's region: "us" (also when unset) or "eu", in any case.</summary>
    /// <exception cref="ArgumentException">Any other region: a typo must not send EU data to the US.</exception>
    public static Uri DefaultBaseUrl(string? region) => region?.Trim().ToUpperInvariant() switch
    {
        null or "" or "US" => UsBaseUrl,
        "EU" => EuBaseUrl,
        _ => throw new ArgumentException($"region must be \"us\" or \"eu\"; got \"{region}\"", nameof(region)),
    };

    /// <summary>Every problem with these options, as messages naming the option; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(SiteId))
        {
            problems.Add("SiteId is required: the workspace's Track API site id");
        }
        else if (SiteId.Contains(':', StringComparison.Ordinal) || SiteId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // A colon would split the Basic credentials in the wrong place.
            problems.Add("SiteId must not contain a colon, whitespace or control characters");
        }

        if (string.IsNullOrWhiteSpace(TrackApiKey))
        {
            problems.Add("TrackApiKey is required: the workspace's Track API key");
        }
        else if (TrackApiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // Never echo the key itself.
            problems.Add("TrackApiKey must not contain whitespace or control characters (check for a stray newline)");
        }

        if (BaseUrl is null)
        {
            problems.Add($"BaseUrl is required (e.g. {UsBaseUrl})");
        }
        else if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"BaseUrl must be an absolute http or https URL such as {UsBaseUrl}; got \"{BaseUrl.OriginalString}\"");
        }
        else if (BaseUrl.UserInfo.Length > 0)
        {
            // Credentials go in the Authorization header; in the URL they would end up in logs. Not echoed.
            problems.Add("BaseUrl must not hold credentials; set SiteId and TrackApiKey instead");
        }
        else if (BaseUrl.Query.Length > 0 || BaseUrl.Fragment.Length > 0)
        {
            problems.Add($"BaseUrl must not have a query or fragment, paths are appended to it; got \"{BaseUrl.OriginalString}\"");
        }

        if (Timeout < MinTimeout || Timeout > MaxTimeout)
        {
            problems.Add($"Timeout must be between 10 ms and 2 min; got {Timeout}");
        }

        return problems;
    }

    /// <summary>The base URL with exactly one trailing slash, so that relative paths append rather than replace.</summary>
    internal Uri NormalizedBaseUrl =>
        BaseUrl.AbsoluteUri.EndsWith('/') ? BaseUrl : new Uri(BaseUrl.AbsoluteUri + "/");
}
