namespace RetentionPlaybooks.Tests;

/// <summary>Locates the repository's folders from the test binary's directory.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Playbooks => Path.Combine(Root, "playbooks");

    public static string Cases => Path.Combine(AppContext.BaseDirectory, "Cases");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RetentionPlaybooks.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("RetentionPlaybooks.sln not found above " + AppContext.BaseDirectory);
    }
}
