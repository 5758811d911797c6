using System.Globalization;

namespace RetentionPlaybooks.Evaluation;

/// <summary>Durations as marketers write them: a whole number and a unit, <c>45s</c>, <c>10m</c>, <c>2h</c>, <c>30d</c>, <c>1w</c>.</summary>
internal static class DurationSyntax
{
    public const string Pattern = "^[0-9]+(s|m|h|d|w)$";

    private static readonly long MaxSeconds = (long)TimeSpan.MaxValue.TotalSeconds;

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length < 2) return false;
        var unit = text[^1];
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 10_000_000) return false;
        var seconds = unit switch
        {
            's' => n,
            'm' => n * 60,
            'h' => n * 3600,
            'd' => n * 86400,
            'w' => n * 7 * 86400,
            _ => -1,
        };
        // 10,000,000 weeks is past what a TimeSpan holds (about 29,000 years): such a duration is refused, not an internal error.
        if (seconds < 0 || seconds > MaxSeconds) return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    public static string Format(TimeSpan d)
    {
        var s = (long)d.TotalSeconds;
        if (s != 0 && s % (7 * 86400) == 0) return $"{s / (7 * 86400)}w";
        if (s != 0 && s % 86400 == 0) return $"{s / 86400}d";
        if (s != 0 && s % 3600 == 0) return $"{s / 3600}h";
        if (s != 0 && s % 60 == 0) return $"{s / 60}m";
        return $"{s}s";
    }
}
