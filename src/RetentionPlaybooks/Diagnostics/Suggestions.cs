namespace RetentionPlaybooks.Diagnostics;

/// <summary>Finds the closest known name to a misspelt one, for "did you mean" hints.</summary>
internal static class Suggestions
{
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        // Allow roughly one edit per three characters, at least two.
        var limit = Math.Max(2, name.Length / 3);
        if (bestDistance <= limit) return best;
        // A key written without its last word ("remind" for remind_after): the one known name it begins, if only one.
        if (name.Length < 3) return null;
        string? prefixed = null;
        foreach (var candidate in candidates)
        {
            if (!candidate.StartsWith(name + "_", StringComparison.OrdinalIgnoreCase)) continue;
            if (prefixed is not null) return null;
            prefixed = candidate;
        }
        return prefixed;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
