namespace RetentionPlaybooks.FakeSlack;

/// <summary>
/// Per-channel pacing as a generic cell rate algorithm: one post every 1/rate seconds, with
/// <c>burst</c> extra posts tolerated. Not thread-safe; the workspace calls it under its lock.
/// </summary>
internal sealed class FakeSlackRateLimiter(double perSecond, int burst)
{
    private readonly TimeSpan _interval = TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / perSecond));
    private readonly Dictionary<string, DateTimeOffset> _theoreticalArrival = new(StringComparer.Ordinal);

    /// <summary>Takes a slot for <paramref name="key"/> at <paramref name="now"/>, or says how long until one frees up.</summary>
    public bool TryAcquire(string key, DateTimeOffset now, out TimeSpan retryAfter)
    {
        var tolerance = _interval * burst;
        var tat = _theoreticalArrival.TryGetValue(key, out var t) ? t : now;
        if (now < tat - tolerance)
        {
            retryAfter = tat - tolerance - now;
            return false;
        }

        _theoreticalArrival[key] = (tat > now ? tat : now) + _interval;
        retryAfter = TimeSpan.Zero;
        return true;
    }
}
