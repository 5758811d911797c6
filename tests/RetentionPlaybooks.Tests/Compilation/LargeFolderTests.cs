using RetentionPlaybooks.Compilation;
using Xunit;

namespace RetentionPlaybooks.Tests.Compilation;

/// <summary>
/// A folder large enough that its playbooks compile in parallel (16 files or more): every file's mistakes are reported once, at
/// their place, in the same order every time, and what is checked across files — inhibition cycles, unknown inhibitors, channel
/// budgets — sees every playbook, as for a small folder compiled one file after another.
/// </summary>
public sealed class LargeFolderTests
{
    private static readonly string Vip = File.ReadAllText(Path.Combine(RepoPaths.Playbooks, "vip-cart-abandonment.yaml"));

    private static List<SourceFile> Folder(int count, Func<int, string, string> change)
    {
        var files = new List<SourceFile>
        {
            new(SourceFile.WorkspaceFileName, File.ReadAllText(Path.Combine(RepoPaths.Playbooks, SourceFile.WorkspaceFileName))),
            new(SourceFile.DataModelFileName, File.ReadAllText(Path.Combine(RepoPaths.Playbooks, SourceFile.DataModelFileName))),
        };
        for (var i = 0; i < count; i++) files.Add(new SourceFile($"vip-{i:00}.yaml", change(i, Vip)));
        return files;
    }

    private static string Inhibited(string text, string by) => text + $"inhibited_by:\n  playbooks: [{by}]\n";

    [Fact]
    public void FortyPlaybooks_WithMistakesInSome_ReportEachOnce_AtItsPlace_TheSameEveryTime()
    {
        var files = Folder(40, (i, text) => i switch
        {
            3 => text.Replace("owner: retention-lead", "owner: nobody", StringComparison.Ordinal),
            17 => text.Replace("sla: 2h", "sla: 2hours", StringComparison.Ordinal),
            25 => Inhibited(text, "vip-26"),
            26 => Inhibited(text, "vip-25"),
            31 => Inhibited(text, "vip-99"),
            _ => text,
        });

        var first = PlaybookCompiler.Compile(files);
        var again = PlaybookCompiler.Compile(files);

        var errors = first.Diagnostics.Where(d => d.IsError).Select(d => $"{d.Location.File} {d.Code}").ToList();
        Assert.Equal(["vip-03.yaml RP0302", "vip-17.yaml RP0105", "vip-25.yaml RP0315", "vip-31.yaml RP0313"], errors);
        Assert.Equal(first.Diagnostics.Select(d => d.ToString()), again.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(38, first.Playbooks.Count);
        Assert.Equal(Enumerable.Range(0, 40).Where(i => i is not 3 and not 17).Select(i => $"vip-{i:00}"), first.Playbooks.Select(p => p.Id));
        // Every playbook counts against the channels it shares: 38 playbooks with a daily cap of 8 on vip-saves (budget 25).
        Assert.Contains(first.Diagnostics, d => d.Code == "RP0507" && d.Message.Contains("may post 304 a day", StringComparison.Ordinal));
    }

    [Fact]
    public void ALargeFolder_AndTheSameFilesCompiledAsASmallOne_GiveTheSameDiagnosticsForTheFilesTheyShare()
    {
        Func<int, string, string> change = (i, text) => i % 5 == 0 ? text.Replace("cooldown: 7d", "cooldown: 7 days", StringComparison.Ordinal) : text;
        var large = PlaybookCompiler.Compile(Folder(20, change));
        var small = PlaybookCompiler.Compile(Folder(10, change));

        static IEnumerable<string> PerFile(CompilationResult r) =>
            r.Diagnostics.Where(d => d.Code != "RP0507").Where(d => string.CompareOrdinal(d.Location.File, "vip-10.yaml") < 0).Select(d => d.ToString());
        Assert.Equal(PerFile(small), PerFile(large));
        Assert.Equal(2, PerFile(small).Count(d => d.Contains("RP0105", StringComparison.Ordinal)));
    }
}
