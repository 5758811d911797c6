namespace RetentionPlaybooks.Tests.Cli;

/// <summary>A throwaway copy of the shipped playbooks folder that a test may break.</summary>
internal sealed class TempPlaybooks : IDisposable
{
    public TempPlaybooks()
    {
        Directory.CreateDirectory(Path);
        foreach (var file in Directory.GetFiles(RepoPaths.Playbooks, "*.yaml"))
        {
            System.IO.File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
        }
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rp-" + Guid.NewGuid().ToString("N"));

    public string FilePath(string name) => System.IO.Path.Combine(Path, name);

    public void Replace(string name, string oldText, string newText)
    {
        var text = System.IO.File.ReadAllText(FilePath(name));
        if (!text.Contains(oldText, StringComparison.Ordinal)) throw new InvalidOperationException($"{oldText} not in {name}");
        System.IO.File.WriteAllText(FilePath(name), text.Replace(oldText, newText, StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
