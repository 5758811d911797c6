using System.Globalization;

namespace RetentionPlaybooks.Tests.Fuzzing;

/// <summary>
/// How long a property runs. In the normal suite each property gets a short, fixed number of inputs; set
/// <c>RP_FUZZ_ITERATIONS</c> or <c>RP_FUZZ_SECONDS</c> (and optionally <c>RP_FUZZ_THREADS</c>, <c>RP_FUZZ_SEED</c>) for a long run:
/// <c>RP_FUZZ_ITERATIONS=1000000 dotnet test tests/RetentionPlaybooks.Tests --filter Category=Fuzz</c>.
/// </summary>
internal static class FuzzRun
{
    public static long Iterations(long quick) =>
        long.TryParse(Environment.GetEnvironmentVariable("RP_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : quick;

    /// <summary>With <c>RP_FUZZ_SECONDS</c>, a long run stops after that many seconds instead of a number of inputs.</summary>
    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("RP_FUZZ_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1;

    public static int Threads =>
        int.TryParse(Environment.GetEnvironmentVariable("RP_FUZZ_THREADS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;

    /// <summary>A CsCheck seed to replay a failure, as printed in its message; null for a random one.</summary>
    public static string? Seed => Environment.GetEnvironmentVariable("RP_FUZZ_SEED") is { Length: > 0 } s ? s : null;

    /// <summary>A failing input, quoted so control characters are visible, cut to a readable length.</summary>
    public static string Print(string text)
    {
        var shown = text.Length > 4000 ? text[..4000] + "…" : text;
        var quoted = new System.Text.StringBuilder("\"");
        foreach (var c in shown)
        {
            quoted.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or (>= '\u007F' and <= '\u00A0') or (>= '\uD800' and <= '\uDFFF') or '\uFEFF' or '\uFFFE' or '\uFFFF' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').Append($" ({text.Length} chars)").ToString();
    }
}
