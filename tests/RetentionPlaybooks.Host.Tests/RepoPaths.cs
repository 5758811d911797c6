namespace RetentionPlaybooks.Host.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Playbooks => Path.Combine(Root, "playbooks");

    public static string Sample(string name) => Path.Combine(Playbooks, "samples", name);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RetentionPlaybooks.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("RetentionPlaybooks.sln not found");
    }
}
