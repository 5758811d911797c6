using System.Diagnostics;

namespace RetentionPlaybooks.LoadTest;

/// <summary>Per-request latencies in Stopwatch ticks, recorded lock-free into a preallocated array and sorted once at the end.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    private int _dropped;

    public int Dropped => Volatile.Read(ref _dropped);

    public void Record(long ticks)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        if (i < _ticks.Length) _ticks[i] = ticks;
        else Interlocked.Increment(ref _dropped);
    }

    public LatencySummary Summarize()
    {
        var n = Math.Min(Volatile.Read(ref _count), _ticks.Length);
        if (n == 0) return new LatencySummary(0, 0, 0, 0, 0, 0);
        var sorted = _ticks.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        double At(double q) => Ms(sorted[Math.Clamp((int)Math.Ceiling(q * n) - 1, 0, n - 1)]);
        return new LatencySummary(n, At(0.50), At(0.90), At(0.99), At(0.999), Ms(sorted[^1]));
    }
}

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double P999, double Max);
