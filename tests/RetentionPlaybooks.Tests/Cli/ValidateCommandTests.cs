using Spectre.Console;
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
    public void Summary_TablesThePlaybooksAndTheChannels_PlainInALog()
    {
        var (exit, output, _) = CliRunner.Run("validate", "--summary", RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.Matches(@"\n  vip-cart-abandonment\s+event ""checkout_abandoned""\s+retention-lead-dm, vip-saves\s+retention-lead\s+2h\s+cooldown 1w, dedupe, cap 8\s+ok\n", output);
        Assert.Matches(@"\n  winback-exclusions\s+segment ""winback-eligible"" entered\s+retention-ops\s+lifecycle-marketer\s+1d\s+cooldown 30d, cap 40\s+ok\n", output);
        Assert.Matches(@"\n  cx-escalations\s+C07CXESCAL\s+40\s+after 3 in 1h, every 30m\s+post-purchase-risk\s+15\n", output);
        Assert.Matches(@"\n  retention-lead-dm\s+dm U07RETLEAD\s+15\s+-\s+subscription-cancel-save, vip-cart-abandonment\s+14\n", output);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal);
        Assert.DoesNotContain(" \n", output, StringComparison.Ordinal);
        Assert.EndsWith("4 playbook(s): 4 compiled, 0 with errors; 0 error(s), 0 warning(s)\n", output.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_APlaybookWithErrors_IsARowWithItsCount_AndOneWithAWarningSaysSo()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "owner: retention-lead", "owner: nobody");
        dir.Replace("post-purchase-risk.yaml", "# yaml-language-server: $schema=../schemas/playbook.schema.json\n", "");

        var (exit, output, _) = CliRunner.Run("validate", "--summary", dir.Path);

        Assert.Equal(1, exit);
        Assert.Matches(@"\n  vip-cart-abandonment\s+-\s+-\s+-\s+-\s+-\s+1 error\n", output);
        Assert.Matches(@"\n  post-purchase-risk\s+event ""delivery_delayed""\s+vip-saves, cx-escalations\s+cx-lead\s+1d\s+cooldown 5d, dedupe, cap 15\s+1 warning\n", output);
        // The channels the broken playbook routes to no longer count it.
        Assert.Matches(@"\n  vip-saves\s+C07VIPSAVES\s+25\s+-\s+post-purchase-risk\s+15\n", output);
        Assert.Matches(@"\n  retention-lead-dm\s+dm U07RETLEAD\s+15\s+-\s+subscription-cancel-save\s+6\n", output);
    }

    [Fact]
    public void Summary_GitHub_IsAStepSummaryTable_TheAnnotationsStayOnStdout()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "sla: 2h", "sla: 2hours");

        var (exit, output, _) = CliRunner.Run("validate", "--summary", "--format", "github", dir.Path);

        Assert.Equal(1, exit);
        Assert.StartsWith("::error file=", output, StringComparison.Ordinal);
        Assert.Contains("### Playbooks", output, StringComparison.Ordinal);
        Assert.Contains("| playbook | trigger | channels | owner | SLA | guardrails | status |", output, StringComparison.Ordinal);
        Assert.Contains("| vip-cart-abandonment | - | - | - | - | - | 1 error |", output, StringComparison.Ordinal);
        Assert.Contains("| cx-escalations | C07CXESCAL | 40 | after 3 in 1h, every 30m | post-purchase-risk | 15 |", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CliTable_InATerminal_HasBordersAndBoldHeadings_ElsewhereNoEscapeCodes()
    {
        var terminal = new StringWriter();
        var log = new StringWriter();

        RetentionPlaybooks.Cli.Commands.CliTable.Write(terminal, true, c => c.Write(RetentionPlaybooks.Cli.Commands.CliTable.Create(true, ["name", "n"], "name").AddRow("a", "1")));
        RetentionPlaybooks.Cli.Commands.CliTable.Write(log, false, c => c.Write(RetentionPlaybooks.Cli.Commands.CliTable.Create(false, ["name", "n"], "name").AddRow("a", "1")));

        Assert.Contains("╭", terminal.ToString(), StringComparison.Ordinal);
        Assert.Contains("\u001b[1m", terminal.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("╭", log.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"^\s*\n?  name\s+n\n", log.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
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
