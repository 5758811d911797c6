using System.Text;
using RetentionPlaybooks.Tests.Cli;
using Xunit;

namespace RetentionPlaybooks.Tests.Loading;

/// <summary>Files that are not valid YAML, not text, or built to hurt: each is one diagnostic, never an exception.</summary>
public sealed class YamlLoaderTests
{
    [Fact]
    public void Load_EmptyFile_ReportsEmptyFileAtLineOne()
    {
        var result = ShippedWorkspace.Compile("empty.yaml", "");

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("empty.yaml(1,1): error RP0012: the file is empty (nothing but blank lines or comments); it must be a YAML mapping of keys to values", d.ToString());
    }

    [Fact]
    public void Load_HundredThousandNestedBrackets_ReportsTooDeepInsteadOfOverflowingTheStack()
    {
        var result = ShippedWorkspace.Compile("deep.yaml", "gates: " + new string('[', 100_000));

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("RP0008", d.Code);
        Assert.Equal((1, 8 + 63), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Load_DeeplyNestedFlowMappings_ReportsTooDeep()
    {
        var text = string.Concat(Enumerable.Repeat("{a: ", 100_000)) + string.Concat(Enumerable.Repeat("}", 100_000));

        var d = Assert.Single(ShippedWorkspace.Compile("deep.yaml", text).Diagnostics);

        Assert.Equal("RP0008", d.Code);
        Assert.Contains("more than 64 levels deep", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DeeplyNestedBlockMappings_ReportsTooDeep()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 200; i++) text.Append(' ', i).Append("k:\n");

        var d = Assert.Single(ShippedWorkspace.Compile("deep.yaml", text.ToString()).Diagnostics);

        Assert.Equal("RP0008", d.Code);
        Assert.Equal((65, 65), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Load_MoreThanHundredThousandNodes_ReportsTooManyNodes()
    {
        var text = "x-list: [" + string.Join(",", Enumerable.Repeat("1", 100_001)) + "]\n";

        var d = Assert.Single(ShippedWorkspace.Compile("many.yaml", text).Diagnostics);

        Assert.Equal("RP0010", d.Code);
        Assert.Contains("more than 100,000 YAML values", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TextOverOneMebibyte_ReportsFileTooLarge()
    {
        var text = "# " + new string('x', 1024 * 1024);

        var d = Assert.Single(ShippedWorkspace.Compile("big.yaml", text).Diagnostics);

        Assert.Equal("big.yaml(1,1): error RP0009: the file is 1,048,578 bytes, over the limit of 1,048,576 bytes (1 MiB); a playbook is a few kilobytes, so remove what does not belong or split it into several playbooks", d.ToString());
    }

    [Fact]
    public void Load_AliasBomb_IsRefusedAtItsFirstAnchor_BeforeAnythingIsExpanded()
    {
        var text = new StringBuilder("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        for (var c = 'b'; c <= 'k'; c++) text.Append($"{c}: &{c} [{string.Join(",", Enumerable.Repeat($"*{(char)(c - 1)}", 10))}]\n");

        var d = Assert.Single(ShippedWorkspace.Compile("bomb.yaml", text.ToString()).Diagnostics);

        Assert.Equal("bomb.yaml(1,4): error RP0007: YAML anchors are not supported (\"&a\"); write the value out in full wherever it is used", d.ToString());
    }

    [Fact]
    public void Load_AliasWithoutAnchor_ReportsAlias()
    {
        var d = Assert.Single(ShippedWorkspace.Compile("alias.yaml", "trigger: *base\n").Diagnostics);

        Assert.Equal("alias.yaml(1,10): error RP0007: YAML aliases are not supported (\"*base\"); write the value out in full here", d.ToString());
    }

    [Theory]
    [InlineData("a: b\u0007c\n", "U+0007")]
    [InlineData("a: b\u001Bc\n", "U+001B")]
    [InlineData("a: b\uFFFEc\n", "U+FFFE")]
    public void Load_ControlCharacter_ReportsItsCodePoint(string text, string codePoint)
    {
        var d = Assert.Single(ShippedWorkspace.Compile("ctl.yaml", text).Diagnostics);

        Assert.Equal(("RP0011", 1, 5), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains(codePoint, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ByteOrderMarkAtTheStart_IsAccepted()
    {
        var result = ShippedWorkspace.Compile("vip-cart-abandonment.yaml", "\uFEFF" + ShippedWorkspace.Playbook("vip-cart-abandonment.yaml"));

        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Validate_InvalidUtf8Bytes_ReportsTheLineAndColumnOfTheBadByte()
    {
        using var dir = new TempPlaybooks();
        var bytes = File.ReadAllBytes(dir.FilePath("vip-cart-abandonment.yaml")).ToList();
        var text = Encoding.UTF8.GetString(bytes.ToArray());
        var at = text.IndexOf("Send a personal note", StringComparison.Ordinal);
        bytes.Insert(Encoding.UTF8.GetByteCount(text[..at]), 0xC3);
        File.WriteAllBytes(dir.FilePath("vip-cart-abandonment.yaml"), bytes.ToArray());
        var line = text[..at].Count(c => c == '\n') + 1;
        var column = at - text.LastIndexOf('\n', at);

        var (exit, output, _) = CliRunner.Run("validate", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains($"vip-cart-abandonment.yaml({line},{column}): error RP0011: the file is not UTF-8 text: byte 0xC3 here is not valid UTF-8; save the file as UTF-8", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BinaryFile_ReportsNotTextAndCompilesTheOthers()
    {
        using var dir = new TempPlaybooks();
        File.WriteAllBytes(dir.FilePath("logo.yaml"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]);

        var (exit, output, _) = CliRunner.Run("validate", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("logo.yaml(1,1): error RP0011: the file is not UTF-8 text: byte 0x89 here is not valid UTF-8", output, StringComparison.Ordinal);
        Assert.Contains("1 error(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Utf16File_ReportsSaveAsUtf8()
    {
        using var dir = new TempPlaybooks();
        File.WriteAllText(dir.FilePath("winback-exclusions.yaml"), File.ReadAllText(dir.FilePath("winback-exclusions.yaml")), Encoding.Unicode);

        var (exit, output, _) = CliRunner.Run("validate", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("winback-exclusions.yaml(1,1): error RP0011: the file is UTF-16 text", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FileOverOneMebibyteOnDisk_ReportsFileTooLargeWithoutReadingIt()
    {
        using var dir = new TempPlaybooks();
        File.WriteAllText(dir.FilePath("huge.yaml"), "# " + new string('x', 2 * 1024 * 1024));

        var (exit, output, _) = CliRunner.Run("validate", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("huge.yaml(1,1): error RP0009: the file is 2,097,154 bytes, over the limit of 1,048,576 bytes (1 MiB)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnreadableWorkspace_ReportsOnlyTheReadError()
    {
        using var dir = new TempPlaybooks();
        File.WriteAllBytes(dir.FilePath("workspace.yaml"), [0xFF, 0x41]);

        var (exit, output, _) = CliRunner.Run("validate", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("workspace.yaml(1,1): error RP0011", output, StringComparison.Ordinal);
        Assert.DoesNotContain("RP0005", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Load_CarriageReturnLineBreaks_CountLinesLikeAnEditor(string lineBreak)
    {
        var playbook = ShippedWorkspace.Playbook("vip-cart-abandonment.yaml");
        var schemaError = playbook.Replace("sla: 2h", "sla: 2 hours", StringComparison.Ordinal).Replace("\n", lineBreak, StringComparison.Ordinal);
        var characterError = playbook.Replace("sla: 2h", "sla: 2\u0007h", StringComparison.Ordinal).Replace("\n", lineBreak, StringComparison.Ordinal);

        var fromTheTree = Assert.Single(ShippedWorkspace.Compile("vip-cart-abandonment.yaml", schemaError).Diagnostics);
        var fromTheText = Assert.Single(ShippedWorkspace.Compile("vip-cart-abandonment.yaml", characterError).Diagnostics);

        Assert.Equal(("RP0105", 21, 6), (fromTheTree.Code, fromTheTree.Location.Line, fromTheTree.Location.Column));
        Assert.Equal(("RP0011", 21, 7), (fromTheText.Code, fromTheText.Location.Line, fromTheText.Location.Column));
    }

    [Theory]
    [InlineData('\u2028')]
    [InlineData('\u0085')]
    public void Load_UnicodeLineSeparator_IsRefusedWhereItStands(char separator)
    {
        var d = Assert.Single(ShippedWorkspace.Compile("sep.yaml", $"description: one{separator}two\n").Diagnostics);

        Assert.Equal(("RP0011", 1, 17), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("YAML reads it as a line break", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ThousandsOfBadGates_EachReportedOnce()
    {
        // Each gate used to count every error reported so far, before and after it: quadratic in the number of
        // errors. How long 45,000 take is measured in PathologicalInputBenchmarks, not here.
        var text = ShippedWorkspace.Playbook("vip-cart-abandonment.yaml")
            .Replace("  - event.cart_value >= 150\n", "  - event.cart_value >= 150\n" + string.Concat(Enumerable.Repeat("  - customer.nope\n", 5_000)), StringComparison.Ordinal);

        var result = ShippedWorkspace.Compile("vip-cart-abandonment.yaml", text);

        Assert.Equal(5_000, result.Diagnostics.Count(d => d.Code == "RP0202"));
    }
}
