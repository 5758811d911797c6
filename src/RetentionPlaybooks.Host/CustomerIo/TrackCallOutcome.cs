namespace RetentionPlaybooks.Host.CustomerIo;

/// <summary>What a caller should do after a Track API call.</summary>
internal enum TrackCallOutcome
{
    /// <summary>A 2xx answer: Customer.io took the call.</summary>
    Success,

    /// <summary>HTTP 429: wait <see cref="TrackCall.RetryAfter"/>, then retry.</summary>
    RateLimited,

    /// <summary>408, 5xx, a timeout or a connection failure: retry with backoff. Both calls are safe to repeat (a PUT sets the
    /// same attributes again, a repeated event id is dropped), so "maybe it landed" needs no lookup.</summary>
    Transient,

    /// <summary>Any other answer (400 over a limit, 401 wrong credentials, 404): retrying cannot fix it.</summary>
    Permanent,
}
