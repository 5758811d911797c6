namespace RetentionPlaybooks.LoadTest;

/// <summary>Finds the repository root (the folder holding RetentionPlaybooks.sln) from the working or binary directory.</summary>
internal static class RepoRoot
{
    public static string? Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RetentionPlaybooks.sln"))) return dir.FullName;
            }
        }
        return null;
    }
}
