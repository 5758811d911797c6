namespace RetentionPlaybooks.Host.CustomerIo;

/// <summary>The classified result of one Track API call. <see cref="Error"/> is our own short text starting with a stable code
/// (http_400, timeout, connection_failed): never the API key, the request body or Customer.io's answer, which may quote either.</summary>
/// <param name="HttpStatus">The answer's HTTP status; null when no answer arrived.</param>
/// <param name="RetryAfter">How long Customer.io asked us to wait; set exactly when <paramref name="Outcome"/> is RateLimited.</param>
/// <param name="Region">For a successful credential check: the workspace's data center ("us", "eu") as Customer.io reports it.</param>
internal sealed record TrackCall(TrackCallOutcome Outcome, int? HttpStatus, string? Error, TimeSpan? RetryAfter = null, string? Region = null)
{
    public bool IsSuccess => Outcome == TrackCallOutcome.Success;

    public static TrackCall Success(int httpStatus, string? region = null) => new(TrackCallOutcome.Success, httpStatus, null, null, region);

    public static TrackCall RateLimited(int httpStatus, TimeSpan retryAfter) =>
        new(TrackCallOutcome.RateLimited, httpStatus, $"http_{httpStatus}: rate limited", retryAfter);

    public static TrackCall Transient(string error, int? httpStatus) => new(TrackCallOutcome.Transient, httpStatus, error);

    public static TrackCall Permanent(string error, int? httpStatus) => new(TrackCallOutcome.Permanent, httpStatus, error);
}
