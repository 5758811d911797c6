using RetentionPlaybooks.Text;
using Xunit;

namespace RetentionPlaybooks.Tests.Text;

public sealed class ScalarSourceMapTests
{
    [Fact]
    public void Map_ThirtyThousandOffsetsInALongValue_EachLandsOnItsLine()
    {
        // A template of 30,000 tags is mapped tag by tag (scanning the value from its start each time took a minute;
        // PathologicalInputBenchmarks measures it now).
        var value = string.Concat(Enumerable.Repeat("{{ customer.first_name }}\n", 30_000));
        var map = new ScalarSourceMap("p.yaml", 10, 5, ScalarKind.Literal, value, blockIndent: 4);

        var last = default(SourceLocation);
        for (var offset = 0; offset < value.Length; offset += 26) last = map.Map(offset + 3, 2);

        Assert.Equal(new SourceLocation("p.yaml", 10 + 30_000, 5 + 3, 2), last);
    }

    private static (int Line, int Column, int Length) At(ScalarSourceMap map, int offset, int length = 1)
    {
        var l = map.Map(offset, length);
        return (l.Line, l.Column, l.Length);
    }

    [Fact]
    public void APlainScalar_StartsAtItsColumn_ItsLaterLinesAtTheirOwn()
    {
        var map = new ScalarSourceMap("f.yaml", 12, 12, ScalarKind.Plain, "customer.ltv >= 1\nand customer.vip");

        Assert.Equal((12, 12, 8), At(map, 0, 8));
        Assert.Equal((12, 21, 2), At(map, 9, 2));
        Assert.Equal((13, 1, 3), At(map, 18, 3));
        Assert.Equal((13, 5, 12), At(map, 22, 12));
    }

    [Theory]
    [InlineData("single")]
    [InlineData("double")]
    public void AQuotedScalar_StartsOneAfterItsQuote(string quote)
    {
        var kind = quote == "single" ? ScalarKind.SingleQuoted : ScalarKind.DoubleQuoted;
        var map = new ScalarSourceMap("f.yaml", 3, 10, kind, "a >= 1\nb");

        Assert.Equal((3, 11, 1), At(map, 0));
        Assert.Equal((3, 13, 2), At(map, 2, 2));
        Assert.Equal((4, 1, 1), At(map, 7));
    }

    [Theory]
    [InlineData("literal")]
    [InlineData("folded")]
    public void ABlockScalar_StartsOnTheLineAfterItsIndicator_Indented(string style)
    {
        var kind = style == "literal" ? ScalarKind.Literal : ScalarKind.Folded;
        var map = new ScalarSourceMap("f.yaml", 20, 11, kind, "Hi {{ x }}\nthere {{ y }}\n", blockIndent: 6);

        Assert.Equal((21, 7, 2), At(map, 0, 2));
        Assert.Equal((21, 13, 1), At(map, 6));
        Assert.Equal((22, 13, 1), At(map, 17));
    }

    [Fact]
    public void AnOffsetOutsideTheValue_IsClamped_AndALengthIsCutAtTheLinesEnd_NeverBelowOne()
    {
        var map = new ScalarSourceMap("f.yaml", 5, 8, ScalarKind.Plain, "abc\ndef");

        Assert.Equal((5, 8, 1), At(map, -7));
        Assert.Equal((6, 4, 1), At(map, 99));             // the end of the value
        Assert.Equal((5, 9, 2), At(map, 1, 50));           // cut at the newline
        Assert.Equal((5, 11, 1), At(map, 3, 5));           // at the newline itself: one character
        Assert.Equal((5, 8, 1), At(map, 0, 0));
        Assert.Equal((6, 2, 2), At(map, 5, 50));           // the last line runs to the end
    }

    [Fact]
    public void TheWholeScalar_SpansItsValue_AtLeastOneCharacter()
    {
        var whole = new ScalarSourceMap("f.yaml", 2, 4, ScalarKind.Plain, "abc").Whole;
        var empty = new ScalarSourceMap("f.yaml", 2, 4, ScalarKind.Plain, "").Whole;
        var text = ScalarSourceMap.ForText("x > 1");

        Assert.Equal(("f.yaml", 2, 4, 3), (whole.File, whole.Line, whole.Column, whole.Length));
        Assert.Equal(1, empty.Length);
        Assert.Equal(("<expr>", 1, 3), (text.File, text.Map(2).Line, text.Map(2).Column));
    }
}
