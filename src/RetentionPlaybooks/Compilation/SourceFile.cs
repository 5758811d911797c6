namespace RetentionPlaybooks.Compilation;

/// <summary>A file handed to the compiler: the path shown in diagnostics and its text.</summary>
internal sealed record SourceFile(string Path, string Text)
{
    public const string WorkspaceFileName = "workspace.yaml";
    public const string DataModelFileName = "data-model.yaml";

    /// <summary>Fixture files (playbook test cases) live beside playbooks but are not playbooks.</summary>
    public static bool IsFixture(string path) =>
        path.EndsWith(".tests.yaml", StringComparison.Ordinal) || path.EndsWith(".tests.yml", StringComparison.Ordinal);

    /// <summary>The YAML files of a playbooks folder (not its subfolders), in a stable order.</summary>
    public static IReadOnlyList<SourceFile> ReadDirectory(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml"))
            .Where(p => !IsFixture(p))
            .Order(StringComparer.Ordinal)
            .Select(p => new SourceFile(p.Replace('\\', '/'), File.ReadAllText(p)))
            .ToList();
        return files;
    }
}
