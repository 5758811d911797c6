namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>A queued misbehaviour for the next <see cref="Remaining"/> authorized requests: answer <see cref="Status"/> without
/// doing anything, or do the work and hold the answer back for <see cref="Delay"/>.</summary>
internal sealed class FakeTrackFault
{
    public int Remaining { get; set; }

    /// <summary>The status to answer instead of the real one; null for a delay.</summary>
    public int? Status { get; init; }

    /// <summary>Retry-After in seconds, for a 429; null to send none.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Retry-After as an HTTP-date, for a 429.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    public TimeSpan? Delay { get; init; }
}
