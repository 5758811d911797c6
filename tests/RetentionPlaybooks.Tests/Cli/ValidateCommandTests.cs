using System.Text.Json;
using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

public sealed class ValidateCommandTests
{
    [Fact]
    public void Validate_ShippedPlaybooks_ExitsZero()
    {
        var (exit, output, _) = CliRunner.Run("validate", RepoPaths.Playbooks, "--warnaserror");

        Assert.Equal(0, exit);
        Assert.Contains("4 playbook(s): 4 compiled, 0 with errors; 0 error(s), 0 warning(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownChannel_PrintsLocationSourceLineAndCaret()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "  - default: vip-saves", "  - default: vip-save");

        var (exit, output, _) = CliRunner.Run("validate", dir.Path);

        Assert.Equal(1, exit);
        var lines = output.Split('\n');
        var i = Array.FindIndex(lines, l => l.Contains("RP0301", StringComparison.Ordinal));
        Assert.True(i >= 0, output);
        Assert.Equal($"{dir.FilePath("vip-cart-abandonment.yaml")}(19,14): error RP0301: undefined channel \"vip-save\" used in playbook \"vip-cart-abandonment\"; did you mean \"vip-saves\"?", lines[i]);
        Assert.Equal("      - default: vip-save", lines[i + 1]);
        Assert.Equal("                 ^^^^^^^^", lines[i + 2]);
    }

    [Fact]
    public void Validate_ErrorsInSeveralFiles_ReportsAllOfThem()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "owner: retention-lead", "owner: nobody");
        dir.Replace("post-purchase-risk.yaml", "within: 1d", "within: one day");
        dir.Replace("winback-exclusions.yaml", "hold_promotions: 30d", "hold_promotion: 30d");

        var (exit, output, _) = CliRunner.Run("validate", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("error RP0302", output, StringComparison.Ordinal);
        Assert.Contains("error RP0105", output, StringComparison.Ordinal);
        Assert.Contains("error RP0101", output, StringComparison.Ordinal);
        Assert.Contains(": 4 playbook(s): 1 compiled, 3 with errors; 3 error(s), 0 warning(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GitHubFormat_PrintsWorkflowAnnotations()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "sla: 2h", "sla: 2hours");

        var (exit, output, _) = CliRunner.Run("validate", dir.Path, "--format", "github");

        Assert.Equal(1, exit);
        Assert.StartsWith($"::error file={dir.FilePath("vip-cart-abandonment.yaml")},line=21,col=6,title=RP0105::bad duration \"2hours\" for \"sla\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_JsonFormat_ListsDiagnosticsWithPositions()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "owner: retention-lead", "owner: retention-leed");

        var (exit, output, _) = CliRunner.Run("validate", dir.Path, "--format", "json");

        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        var d = Assert.Single(doc.RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("RP0302", d.GetProperty("code").GetString());
        Assert.Equal("error", d.GetProperty("severity").GetString());
        Assert.Equal(20, d.GetProperty("line").GetInt32());
        Assert.Equal(8, d.GetProperty("column").GetInt32());
    }

    [Fact]
    public void Validate_WarningOnly_ExitsZeroUnlessWarnAsError()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("winback-exclusions.yaml", "  daily_cap: 40\n", "");
        dir.Replace("winback-exclusions.yaml", "  cooldown: 30d\n", "");
        dir.Replace("winback-exclusions.yaml", "guardrails:\n", "");

        var lenient = CliRunner.Run("validate", dir.Path);
        var strict = CliRunner.Run("validate", dir.Path, "--warnaserror");

        Assert.Equal(0, lenient.Exit);
        Assert.Contains("warning RP0504", lenient.Out, StringComparison.Ordinal);
        Assert.Equal(1, strict.Exit);
        Assert.Contains("error RP0504", strict.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate", "--format", "xml")]
    [InlineData("validate", "--bogus")]
    [InlineData("frobnicate")]
    [InlineData("explain")]
    public void BadUsage_ExitsTwo(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);

        Assert.Equal(2, exit);
        Assert.NotEmpty(err);
    }

    [Fact]
    public void Validate_MissingDirectory_ExitsOneWithError()
    {
        var (exit, output, _) = CliRunner.Run("validate", "/nonexistent/playbooks");

        Assert.Equal(1, exit);
        Assert.Contains("RP0006", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingDirectory_ReportsItAndExitsOne()
    {
        var (exit, output, _) = CliRunner.Run("validate", "/no/such/playbooks");

        Assert.Equal(1, exit);
        Assert.StartsWith("/no/such/playbooks: error RP0006: cannot read the playbooks folder: no such directory\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FileGivenForTheFolder_SaysToGiveTheFolder()
    {
        var file = Path.Combine(RepoPaths.Playbooks, "workspace.yaml");

        var (exit, output, _) = CliRunner.Run("validate", file);

        Assert.Equal(1, exit);
        Assert.Contains($"{file}: error RP0006: cannot read the playbooks folder: this is a file; give the folder that holds workspace.yaml and the playbooks", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_FileGivenForTheFolder_ExitsOneWithoutAStackTrace()
    {
        var (exit, output, error) = CliRunner.Run("test", Path.Combine(RepoPaths.Playbooks, "workspace.yaml"));

        Assert.Equal(1, exit);
        Assert.Contains("error RP0006", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BrokenWorkspace_SaysThePlaybooksWereNotChecked()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("workspace.yaml", "channels:", "channels: [");

        var (exit, output, _) = CliRunner.Run("validate", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains(": 4 playbook(s): 0 compiled, 0 with errors, 4 not checked until workspace.yaml and data-model.yaml compile; 1 error(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NulByteInAFile_ShowsTheLineWithAQuestionMarkUnderTheCaret()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "sla: 2h", "sla: 2\0h");

        var (exit, output, _) = CliRunner.Run("validate", dir.Path);

        Assert.Equal(1, exit);
        var lines = output.Split('\n');
        var i = Array.FindIndex(lines, l => l.Contains("RP0011", StringComparison.Ordinal));
        Assert.True(i >= 0, output);
        Assert.EndsWith("(21,7): error RP0011: the file is not text: it holds a NUL character (U+0000) here; is it a binary file? Playbooks are UTF-8 text", lines[i], StringComparison.Ordinal);
        Assert.Equal("    sla: 2?h", lines[i + 1]);
        Assert.Equal("          ^", lines[i + 2]);
        Assert.DoesNotContain('\0', output);
    }
}
