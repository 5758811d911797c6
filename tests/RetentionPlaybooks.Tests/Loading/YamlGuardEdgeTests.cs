using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Loading;
using Xunit;

namespace RetentionPlaybooks.Tests.Loading;

/// <summary>
/// The guard every file passes before a tree is built, at each of its limits (exactly at, one over) and at the
/// edges of the characters YAML allows.
/// </summary>
public sealed class YamlGuardEdgeTests
{
    private static (bool Ok, Diagnostic[] Diagnostics) Check(string text)
    {
        var diagnostics = new DiagnosticBag();
        var ok = YamlGuard.Check("f.yaml", text, diagnostics);
        return (ok, diagnostics.ToArray());
    }

    private static void Accepted(string text)
    {
        var (ok, diagnostics) = Check(text);
        Assert.Empty(diagnostics);
        Assert.True(ok);
    }

    private static Diagnostic Refused(string text)
    {
        var (ok, diagnostics) = Check(text);
        Assert.False(ok);
        return Assert.Single(diagnostics);
    }

    [Fact]
    public void FileSize_ExactlyTheLimitIsRead_OneCharacterOverIsRefused()
    {
        var atTheLimit = "a: b\n#" + new string('x', LoaderLimits.MaxFileSize - 6);
        Assert.Equal(LoaderLimits.MaxFileSize, atTheLimit.Length);

        Accepted(atTheLimit);
        var d = Refused(atTheLimit + "x");
        Assert.Equal(("RP0009", 1, 1), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("the file is 1,048,577 bytes, over the limit of 1,048,576 bytes", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Depth_ExactlyTheLimitIsRead_OneLevelDeeperIsRefusedAtIt()
    {
        // The root mapping is level 1; each "[" one more.
        var atTheLimit = "a: " + new string('[', LoaderLimits.MaxDepth - 1) + new string(']', LoaderLimits.MaxDepth - 1) + "\n";
        var over = "a: " + new string('[', LoaderLimits.MaxDepth) + new string(']', LoaderLimits.MaxDepth) + "\n";

        Accepted(atTheLimit);
        var d = Refused(over);
        Assert.Equal(("RP0008", 1, 3 + LoaderLimits.MaxDepth), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("more than 64 levels deep", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Depth_ClosedCollectionsNoLongerCount()
    {
        // Many siblings, each 63 deep: the depth is the open nesting, not the total.
        var sibling = new string('[', LoaderLimits.MaxDepth - 2) + new string(']', LoaderLimits.MaxDepth - 2);
        Accepted("a: [" + string.Join(", ", Enumerable.Repeat(sibling, 5)) + "]\n");
    }

    [Fact]
    public void Nodes_ExactlyTheLimitIsRead_OneMoreIsRefusedAtIt()
    {
        // The root mapping, its key and the list are three nodes; the rest are the list's items.
        string List(int items) => "a: [" + string.Join(",", Enumerable.Repeat("1", items)) + "]\n";

        Accepted(List(LoaderLimits.MaxNodes - 3));
        var d = Refused(List(LoaderLimits.MaxNodes - 2));
        Assert.Equal("RP0010", d.Code);
        Assert.Equal((1, 4 + 2 * (LoaderLimits.MaxNodes - 3) + 1), (d.Location.Line, d.Location.Column));
        Assert.Contains("more than 100,000 YAML values", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: \t\"b\"\r\n", true)]
    [InlineData("a: b c~\n", true)]
    [InlineData("a: \u00A0b\n", true)]
    [InlineData("a: \uD7FF\n", true)]
    [InlineData("a: \uE000\n", true)]
    [InlineData("a: \uFFFD\n", true)]
    [InlineData("a: \U0001F600\n", true)]
    [InlineData("a: \u001F\n", false)]
    [InlineData("a: \u007F\n", false)]
    [InlineData("a: \u009F\n", false)]
    [InlineData("a: \uFFFE\n", false)]
    [InlineData("a: \uFFFF\n", false)]
    public void Characters_TheEdgesOfWhatYamlAllows(string text, bool allowed)
    {
        if (allowed)
        {
            Accepted(text);
        }
        else
        {
            var d = Refused(text);
            Assert.Equal(("RP0011", 1, 4), (d.Code, d.Location.Line, d.Location.Column));
            Assert.Contains($"U+{(int)text[3]:X4}", d.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0xD800, "\n")]  // a high surrogate before a line break
    [InlineData(0xD800, "b\n")] // before a letter
    [InlineData(0xDBFF, "b\n")]
    [InlineData(0xDC00, "\n")]  // a low surrogate alone
    [InlineData(0xDFFF, "a\n")]
    public void Characters_AnUnpairedSurrogate_IsRefusedWhereItStands(int surrogate, string after)
    {
        // Built here: a string argument is passed on as UTF-8, which would turn a lone surrogate into U+FFFD.
        var d = Refused("a: " + (char)surrogate + after);

        Assert.Equal(("RP0011", 1, 4), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains($"U+{surrogate:X4}", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_APairReversed_IsRefusedAtTheLowSurrogate()
    {
        var d = Refused("a: " + (char)0xDE00 + (char)0xD83D + "\n");

        Assert.Equal(("RP0011", 1, 4), (d.Code, d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Characters_AHighSurrogateAtTheVeryEnd_IsRefused()
    {
        var d = Refused("a: b\uD83D");

        Assert.Equal(("RP0011", 1, 5), (d.Code, d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Characters_ANulCharacter_SaysTheFileIsNotText()
    {
        var d = Refused("a: b\0\n");

        Assert.Equal(("RP0011", 1, 5), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("the file is not text", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_AByteOrderMarkInsideTheFile_IsRefusedWhereItStands()
    {
        var d = Refused("a: b\nc: \uFEFFd\n");

        Assert.Equal(("RP0011", 2, 4), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("byte-order mark (U+FEFF)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_TheParagraphSeparator_IsALineBreakEditorsDoNotShow()
    {
        var d = Refused("a: b\u2029c\n");

        Assert.Equal(("RP0011", 1, 5), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("U+2029", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Anchors_OnAScalarOrAMapping_AreRefused()
    {
        var scalar = Refused("a: &x b\n");
        var mapping = Refused("a: &m\n  b: c\n");

        Assert.Equal(("RP0007", 1, 4), (scalar.Code, scalar.Location.Line, scalar.Location.Column));
        Assert.Contains("\"&x\"", scalar.Message, StringComparison.Ordinal);
        Assert.Equal("RP0007", mapping.Code);
        Assert.Contains("\"&m\"", mapping.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: [b, c\n", "f.yaml(2,1): error RP0001: YAML syntax error: While parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("a: {b: c\n", "f.yaml(2,1): error RP0001: YAML syntax error: While parsing a flow mapping, did not find expected ',' or '}'.")]
    public void SyntaxError_AtYamlDotNetsMark_WithoutItsPositionPrefix(string text, string expected)
    {
        Assert.Equal(expected, Refused(text).ToString());
    }
}
