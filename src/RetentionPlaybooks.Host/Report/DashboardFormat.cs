using System.Globalization;
using System.Text;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Host.Report;

/// <summary>
/// How the dashboard writes text and numbers: invariant culture, every model string encoded, and never NaN or Infinity,
/// which would break an SVG attribute and read as nonsense to a person.
/// </summary>
internal static class DashboardFormat
{
    /// <summary>Shown where a figure has no value (no cases, or a value that is not a number).</summary>
    public const string None = "—";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Model text as HTML: encoded, control characters and broken surrogates replaced so the SVG stays well-formed.</summary>
    public static string Html(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var clean = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            clean.Append(Rune.IsControl(rune) && rune.Value is not ('\t' or '\n' or '\r') ? "\uFFFD" : rune.ToString());
        }

        return HtmlText.Encode(clean.ToString());
    }

    /// <summary>A long name cut for a chart label; the full name stays in the tables and titles.</summary>
    public static string Label(string? text, int max)
    {
        var s = text ?? string.Empty;
        var runes = s.EnumerateRunes().ToList();
        return Html(runes.Count <= max ? s : string.Concat(runes.Take(max - 1).Select(r => r.ToString())) + "…");
    }

    public static string Count(long n) => n.ToString("N0", Invariant);

    public static string Money(decimal value) => value.ToString("N2", Invariant);

    /// <summary>A percentage, clamped to 0–100: a figure outside that range is a counting error, not news.</summary>
    public static string Percent(double? percent)
        => percent is { } p && double.IsFinite(p) ? Math.Clamp(p, 0, 100).ToString("0.#", Invariant) + "%" : None;

    public static string Share(long part, long whole) => whole <= 0 ? None : Percent(100.0 * part / whole);

    /// <summary>"45 s", "4 min", "1 h 20 min", "2 d 3 h"; a negative or non-number time has no value.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || !double.IsFinite(s) || s < 0) return None;
        if (s >= 1e9) return "over 31 years";
        if (Math.Round(s) < 60) return Math.Round(s).ToString("0", Invariant) + " s";
        var minutes = (long)Math.Round(s / 60);
        if (minutes < 60) return minutes.ToString(Invariant) + " min";
        var (hours, minute) = (minutes / 60, minutes % 60);
        if (hours < 24) return minute == 0 ? $"{hours} h" : $"{hours} h {minute} min";
        var (days, hour) = (hours / 24, hours % 24);
        return hour == 0 ? $"{days} d" : $"{days} d {hour} h";
    }

    public static string Day(DateOnly date) => date.ToString("d MMM yyyy", Invariant);

    public static string ShortDay(DateOnly date) => date.ToString("d MMM", Invariant);

    public static string IsoDay(DateOnly date) => date.ToString("yyyy-MM-dd", Invariant);

    public static string Timestamp(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant);

    public static string IsoTimestamp(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant);

    /// <summary>An SVG coordinate or length: always a finite number, so no attribute ever holds NaN.</summary>
    public static string Svg(double value)
        => (double.IsFinite(value) ? Math.Clamp(value, -1e6, 1e6) : 0).ToString("0.#", Invariant);

    /// <summary>An axis label: "850", "12.5k", "3.2M".</summary>
    public static string Compact(double value)
    {
        if (!double.IsFinite(value)) return None;
        var abs = Math.Abs(value);
        return abs switch
        {
            < 1e3 => value.ToString("0.#", Invariant),
            < 1e6 => (value / 1e3).ToString("0.#", Invariant) + "k",
            < 1e9 => (value / 1e6).ToString("0.#", Invariant) + "M",
            < 1e12 => (value / 1e9).ToString("0.#", Invariant) + "B",
            _ => value.ToString("0.#E+0", Invariant),
        };
    }

    /// <summary>The smallest 1, 2 or 5 × 10ⁿ at or above a positive value: the top of an axis.</summary>
    public static double NiceCeiling(double value)
    {
        if (!double.IsFinite(value) || value <= 0) return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        var fraction = value / power;
        var nice = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
        return double.IsFinite(nice) ? nice : value;
    }

    /// <summary>Counts summed without wrapping: absurd rows saturate instead of turning negative.</summary>
    public static long Add(long a, long b)
    {
        var sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    /// <summary>Amounts summed without throwing: a sum beyond decimal's range saturates.</summary>
    public static decimal Add(decimal a, decimal b)
    {
        try
        {
            return a + b;
        }
        catch (OverflowException)
        {
            return a < 0 ? decimal.MinValue : decimal.MaxValue;
        }
    }
}
