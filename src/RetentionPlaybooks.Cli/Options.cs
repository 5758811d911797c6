namespace RetentionPlaybooks.Cli;

/// <summary>Parsed command-line options: flags with values, switches, and positional arguments.</summary>
internal sealed class Options
{
    private static readonly HashSet<string> Switches = ["--warnaserror", "--update"];
    private static readonly HashSet<string> Valued = ["--format", "--event", "--now", "--out", "--history"];

    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Flags { get; } = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public string Directory => Positional.Count > 0 ? Positional[0] : "playbooks";

    public string? Get(string name) => Values.GetValueOrDefault(name);

    public static Options? Parse(IEnumerable<string> args, out string? error)
    {
        error = null;
        var options = new Options();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var a = e.Current;
            if (Switches.Contains(a))
            {
                options.Flags.Add(a);
            }
            else if (Valued.Contains(a))
            {
                if (!e.MoveNext())
                {
                    error = $"option {a} needs a value";
                    return null;
                }
                options.Values[a] = e.Current;
            }
            else if (a.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unknown option {a}";
                return null;
            }
            else
            {
                options.Positional.Add(a);
            }
        }
        return options;
    }
}
