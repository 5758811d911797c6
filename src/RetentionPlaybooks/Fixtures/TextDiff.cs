using System.Text;

namespace RetentionPlaybooks.Fixtures;

/// <summary>A line diff (longest common subsequence) printed unified-style with a little context.</summary>
internal static class TextDiff
{
    public static string Unified(string expected, string actual, string expectedName, string actualName, int context = 3)
    {
        var a = expected.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var b = actual.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var ops = new List<(char Op, string Line)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { ops.Add((' ', a[x])); x++; y++; }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y])) { ops.Add(('+', b[y])); y++; }
            else { ops.Add(('-', a[x])); x++; }
        }
        var sb = new StringBuilder();
        sb.Append("--- ").Append(expectedName).Append('\n').Append("+++ ").Append(actualName).Append('\n');
        var lastPrinted = -1;
        for (var k = 0; k < ops.Count; k++)
        {
            if (ops[k].Op == ' ') continue;
            var from = Math.Max(lastPrinted + 1, k - context);
            if (from > lastPrinted + 1 && lastPrinted >= 0) sb.Append("@@\n");
            for (var c = from; c < k; c++) sb.Append(' ').Append(ops[c].Line).Append('\n');
            var end = k;
            while (end < ops.Count && (ops[end].Op != ' ' || NextChangeWithin(ops, end, context))) end++;
            for (var c = k; c < Math.Min(ops.Count, end + context); c++) sb.Append(ops[c].Op).Append(ops[c].Line).Append('\n');
            lastPrinted = Math.Min(ops.Count, end + context) - 1;
            k = lastPrinted;
        }
        return sb.ToString();
    }

    private static bool NextChangeWithin(List<(char Op, string Line)> ops, int at, int context)
    {
        for (var i = at; i < Math.Min(ops.Count, at + 2 * context + 1); i++)
        {
            if (ops[i].Op != ' ') return true;
        }
        return false;
    }
}
