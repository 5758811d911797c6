using RetentionPlaybooks.Compilation;
using Xunit;

namespace RetentionPlaybooks.Tests.Compilation;

/// <summary>The playbook set's hash: the files' names and texts, not where the folder is nor the order they were read in.</summary>
public sealed class PlaybookSetHashTests
{
    private static readonly SourceFile[] Set =
    [
        new("/srv/a/playbooks/workspace.yaml", "channels: {}\n"),
        new("/srv/a/playbooks/vip.yaml", "sla: 2h\n"),
    ];

    [Fact]
    public void Of_TheSameFilesInAnotherFolderOrOrder_IsTheSame()
    {
        var moved = new SourceFile[] { new("other/place/vip.yaml", "sla: 2h\n"), new("other/place/workspace.yaml", "channels: {}\n") };

        Assert.Matches("^[0-9a-f]{16}$", PlaybookSetHash.Of(Set));
        Assert.Equal(PlaybookSetHash.Of(Set), PlaybookSetHash.Of(moved));
    }

    [Fact]
    public void Of_AChangedText_ARenamedFile_OrTextMovedAcrossTheBoundary_Differs()
    {
        var changed = new SourceFile[] { Set[0], Set[1] with { Text = "sla: 3h\n" } };
        var renamed = new SourceFile[] { Set[0], Set[1] with { Path = "/srv/a/playbooks/vip2.yaml" } };
        var shifted = new SourceFile[] { new("ab.yaml", "c"), new("z.yaml", "") };
        var shiftedBack = new SourceFile[] { new("ab.yaml", ""), new("cz.yaml", "") };

        Assert.NotEqual(PlaybookSetHash.Of(Set), PlaybookSetHash.Of(changed));
        Assert.NotEqual(PlaybookSetHash.Of(Set), PlaybookSetHash.Of(renamed));
        Assert.NotEqual(PlaybookSetHash.Of(shifted), PlaybookSetHash.Of(shiftedBack));
    }

    [Fact]
    public void CompileDirectory_CarriesTheHashOfTheFilesItRead()
    {
        var result = PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks);
        var files = SourceFile.ReadDirectory(RepoPaths.Playbooks, new RetentionPlaybooks.Diagnostics.DiagnosticBag());

        Assert.False(result.HasErrors);
        Assert.Equal(PlaybookSetHash.Of(files), result.SetHash);
    }
}
