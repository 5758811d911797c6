using System.Globalization;

namespace RetentionPlaybooks.LoadTest;

/// <summary>Command-line settings of one load run.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/RetentionPlaybooks.LoadTest -- [options]

          --url URL              host to load (default http://127.0.0.1:5080); ignored with --start-host
          --secret S             X-Webhook-Secret (default dev-journey-secret-change-me, or a fresh one with --start-host)
          --rate N|max           N webhooks/s open-loop (latency measured from the scheduled send time),
                                 or max: closed loop, each connection sends its next request when the last is answered
          --duration 20s         how long to send (s, ms or m suffix; 1 s .. 10 min)
          --connections 32       concurrent HTTP/1.1 connections (1 .. 1024)
          --escalate-every 200   one payload in N is built to escalate (0 = never); the rest fail a gate
          --start-host           start src/RetentionPlaybooks.Host/bin/Release/net10.0/RetentionPlaybooks.Host.dll
                                 (build it first: dotnet build -c Release src/RetentionPlaybooks.Host) on a free
                                 port with a fresh temp SQLite file, measure it, then stop it
          --temp-dir DIR         with --start-host: where the temp SQLite file goes (default: the system temp folder);
                                 e.g. /dev/shm to take disk syncs out of the measurement when profiling
          --host-pid PID         with --url: read peak RSS of this process from /proc
        """;

    public Uri Url { get; set; } = new("http://127.0.0.1:5080");

    public string? Secret { get; set; }

    /// <summary>Webhooks per second, or null for closed-loop maximum throughput.</summary>
    public int? Rate { get; set; } = 2500;

    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(20);

    public int Connections { get; set; } = 32;

    public int EscalateEvery { get; set; } = 200;

    public bool StartHost { get; set; }

    public int? HostPid { get; set; }

    public string? TempDir { get; set; }

    public static LoadOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Next()
            {
                if (i + 1 >= args.Length) throw new FormatException($"option {a} needs a value");
                return args[++i];
            }
            try
            {
                switch (a)
                {
                    case "--url":
                        o.Url = Uri.TryCreate(Next(), UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : throw new FormatException($"--url: not an http(s) URL");
                        break;
                    case "--secret":
                        o.Secret = Next();
                        break;
                    case "--rate":
                        var r = Next();
                        o.Rate = r == "max" ? null
                            : int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 200_000 ? n
                            : throw new FormatException($"--rate \"{r}\": expected max or a number between 1 and 200000");
                        break;
                    case "--duration":
                        var d = Next();
                        o.Duration = ParseDuration(d) is { } t && t >= TimeSpan.FromSeconds(1) && t <= TimeSpan.FromMinutes(10) ? t
                            : throw new FormatException($"--duration \"{d}\": expected 1s .. 10m, e.g. 20s");
                        break;
                    case "--connections":
                        o.Connections = ParseInt(a, Next(), 1, 1024);
                        break;
                    case "--escalate-every":
                        o.EscalateEvery = ParseInt(a, Next(), 0, 1_000_000);
                        break;
                    case "--host-pid":
                        o.HostPid = ParseInt(a, Next(), 1, int.MaxValue);
                        break;
                    case "--temp-dir":
                        o.TempDir = Next();
                        break;
                    case "--start-host":
                        o.StartHost = true;
                        break;
                    default:
                        throw new FormatException($"unknown option {a}");
                }
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return null;
            }
        }
        return o;
    }

    private static int ParseInt(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{name} \"{text}\": expected a number between {min} and {max}");

    private static TimeSpan? ParseDuration(string text)
    {
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                return TimeSpan.FromSeconds(v * scale);
            }
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : null;
    }
}
