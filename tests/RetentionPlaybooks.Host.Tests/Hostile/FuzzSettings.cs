using System.Globalization;
using System.Text.RegularExpressions;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>
/// How long the fuzzers run: a short run in the normal suite, a long one when RP_FUZZ_ITERATIONS is set
/// (RP_FUZZ_HTTP_ITERATIONS overrides it for the HTTP target, which is far slower than the in-process one).
/// RP_FUZZ_SEED replays one CsCheck seed.
/// </summary>
internal static class FuzzSettings
{
    /// <summary>An attribute-change playbook (none ships), so the fuzzers reach the attribute tracker and change triggers.</summary>
    public static readonly string AttributePlaybook = PlaybookCopy.SubscriptionPaused
        .Replace("daily_cap: 5", "daily_cap: 100000000", StringComparison.Ordinal)
        .Replace("title: \"Subscription paused\"", "title: \"Subscription paused: {{ customer.first_name | default: 'a subscriber' }}\"", StringComparison.Ordinal)
        .Replace("    Subscriber: \"{{ customer.first_name | default: 'Subscriber' }}\"\n", "    Subscriber: \"{{ customer.first_name | default: 'Subscriber' }}\"\n    Status: \"{{ customer.subscription_status | default: 'unknown' }}\"\n", StringComparison.Ordinal);

    public static long Iterations(string? specificVariable, long normal)
    {
        foreach (var name in new[] { specificVariable, "RP_FUZZ_ITERATIONS" })
        {
            if (name is not null && Environment.GetEnvironmentVariable(name) is { Length: > 0 } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0) return n;
        }
        return normal;
    }

    public static string? Seed => Environment.GetEnvironmentVariable("RP_FUZZ_SEED") is { Length: > 0 } s ? s : null;

    /// <summary>Where a long run writes its figures (inputs, duration, rate, status counts), if set.</summary>
    public static string? ReportPath => Environment.GetEnvironmentVariable("RP_FUZZ_REPORT") is { Length: > 0 } p ? p : null;

    public static void Report(string line)
    {
        if (ReportPath is { } path) File.AppendAllText(path, line + Environment.NewLine);
    }

    /// <summary>A copy of the playbooks whose daily budgets and caps never bind, so fuzzed inputs keep reaching the renderer.</summary>
    public static PlaybookCopy Unbounded()
    {
        var copy = new PlaybookCopy();
        foreach (var file in Directory.GetFiles(copy.Path, "*.yaml"))
        {
            var text = File.ReadAllText(file);
            var changed = Regex.Replace(text, @"daily_budget: \d+", "daily_budget: 100000000");
            changed = Regex.Replace(changed, @"daily_cap: \d+", "daily_cap: 100000000");
            if (changed != text) File.WriteAllText(file, changed);
        }
        copy.Write("subscription-paused.yaml", AttributePlaybook);
        return copy;
    }
}
