using RetentionPlaybooks.Compilation;

namespace RetentionPlaybooks.Benchmarks;

/// <summary>The shipped playbooks folder, and copies of its playbooks under new ids to reach a given count.</summary>
internal static class Corpus
{
    public static string PlaybooksDirectory { get; } = FindPlaybooks();

    public static IReadOnlyList<SourceFile> Shipped => SourceFile.ReadDirectory(PlaybooksDirectory, new RetentionPlaybooks.Diagnostics.DiagnosticBag());

    /// <summary>workspace.yaml, data-model.yaml and <paramref name="count"/> playbooks cycled from the shipped ones.</summary>
    public static IReadOnlyList<SourceFile> Scaled(int count)
    {
        var shipped = Shipped;
        var fixedFiles = shipped.Where(f => f.Path.EndsWith(SourceFile.WorkspaceFileName, StringComparison.Ordinal)
            || f.Path.EndsWith(SourceFile.DataModelFileName, StringComparison.Ordinal)).ToList();
        var playbooks = shipped.Except(fixedFiles).ToList();
        // Caps are dropped so hundreds of copies do not (rightly) trip the channel budget lint.
        var files = new List<SourceFile>(fixedFiles);
        for (var i = 0; i < count; i++)
        {
            var p = playbooks[i % playbooks.Count];
            var text = System.Text.RegularExpressions.Regex.Replace(p.Text, @"\n  daily_cap: \d+", "");
            files.Add(new SourceFile($"bench/pb-{i:D4}.yaml", text));
        }
        return files;
    }

    private static string FindPlaybooks()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RetentionPlaybooks.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "playbooks");
    }
}
