namespace RetentionPlaybooks.Evaluation;

/// <summary>
/// Where a value from Customer.io stops being data and becomes nonsense. Outside these bounds a value reads as
/// missing — a comparison with it is false and a template shows its default — so one absurd payload (a date of
/// 1e300, a cart of 10^20 dollars) can neither escalate nor stop the pipeline.
/// </summary>
internal static class ValueLimits
{
    /// <summary>Numbers and money: at most 10^15 either way (beyond 2^53 a double no longer holds whole numbers exactly).</summary>
    public const double MaxMagnitude = 1e15;

    /// <summary>The earliest timestamp read: 1900-01-01T00:00:00Z, as unix seconds.</summary>
    public const double MinUnixSeconds = -2_208_988_800;

    /// <summary>The latest timestamp read: 2200-01-01T00:00:00Z, as unix seconds.</summary>
    public const double MaxUnixSeconds = 7_258_118_400;

    /// <summary>
    /// A numeric timestamp of this magnitude or more is unix milliseconds (what JavaScript and many shops send); below
    /// it, unix seconds (what Customer.io sends). 10^11 seconds is the year 5138, and 10^11 milliseconds is 1973, so
    /// no sane timestamp is ambiguous. Microseconds and nanoseconds are not guessed: they read as missing.
    /// </summary>
    public const double MillisecondsFrom = 100_000_000_000;

    /// <summary>Durations: at most 100 years either way.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_525);

    /// <summary>A finite number within <see cref="MaxMagnitude"/>.</summary>
    public static bool IsSaneNumber(double value) => double.IsFinite(value) && Math.Abs(value) <= MaxMagnitude;

    /// <summary>Reads a numeric timestamp (seconds or milliseconds, by magnitude) as unix seconds; false when no reading is sane.</summary>
    public static bool TryReadUnix(double number, out double unixSeconds)
    {
        unixSeconds = 0;
        if (!double.IsFinite(number)) return false;
        var seconds = Math.Abs(number) >= MillisecondsFrom ? number / 1000 : number;
        if (seconds is < MinUnixSeconds or > MaxUnixSeconds) return false;
        unixSeconds = seconds;
        return true;
    }

    /// <summary>An instant within the sane range, as unix seconds; false outside it.</summary>
    public static bool TryReadInstant(DateTimeOffset instant, out double unixSeconds)
    {
        unixSeconds = instant.ToUnixTimeMilliseconds() / 1000.0;
        return unixSeconds is >= MinUnixSeconds and <= MaxUnixSeconds;
    }

    /// <summary>A sane unix-seconds value as an instant (millisecond precision).</summary>
    public static DateTimeOffset ToInstant(double unixSeconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(Math.Clamp(unixSeconds, MinUnixSeconds, MaxUnixSeconds) * 1000));

    /// <summary>A duration of <paramref name="seconds"/>, when within <see cref="MaxDuration"/>.</summary>
    public static bool TryReadDuration(double seconds, out TimeSpan duration)
    {
        duration = default;
        if (!double.IsFinite(seconds) || Math.Abs(seconds) > MaxDuration.TotalSeconds) return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
