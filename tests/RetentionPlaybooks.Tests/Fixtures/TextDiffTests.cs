using RetentionPlaybooks.Fixtures;
using Xunit;

namespace RetentionPlaybooks.Tests.Fixtures;

/// <summary>The snapshot diff a marketer reads when a message changes: the fewest lines marked, three lines of context,
/// hunks apart when the changes are, and line endings not counted as changes.</summary>
public sealed class TextDiffTests
{
    private static string Lines(params string[] lines) => string.Join('\n', lines);

    private static string Diff(string expected, string actual, int context = 3) => TextDiff.Unified(expected, actual, "snap.json", "rendered", context);

    [Fact]
    public void TheSameText_IsOnlyTheHeader()
    {
        Assert.Equal("--- snap.json\n+++ rendered\n", Diff(Lines("a", "b", "c"), Lines("a", "b", "c")));
    }

    [Fact]
    public void WindowsLineEndings_AreNotAChange()
    {
        Assert.Equal("--- snap.json\n+++ rendered\n", Diff("a\r\nb\r\nc", "a\nb\nc"));
        Assert.Equal("--- snap.json\n+++ rendered\n", Diff("a\nb\nc", "a\r\nb\r\nc"));
    }

    [Fact]
    public void OneLineChangedInTheMiddle_ShowsThreeLinesOfContextEachSide()
    {
        var before = Lines("1", "2", "3", "4", "5", "6", "7", "8", "9");
        var after = Lines("1", "2", "3", "4", "five", "6", "7", "8", "9");

        Assert.Equal("--- snap.json\n+++ rendered\n 2\n 3\n 4\n+five\n-5\n 6\n 7\n 8\n", Diff(before, after));
        Assert.Equal("--- snap.json\n+++ rendered\n 4\n+five\n-5\n 6\n", Diff(before, after, context: 1));
        Assert.Equal("--- snap.json\n+++ rendered\n+five\n-5\n", Diff(before, after, context: 0));
    }

    [Fact]
    public void TheFewestLinesAreMarked_ALineMovedFromTheStartToTheEnd()
    {
        // a b c d -> b c d e: the common run b c d is kept, not four lines replaced.
        Assert.Equal("--- snap.json\n+++ rendered\n-a\n b\n c\n d\n+e\n", Diff(Lines("a", "b", "c", "d"), Lines("b", "c", "d", "e")));
    }

    [Fact]
    public void ALineAddedAtTheStart_AndOneRemovedAtTheEnd()
    {
        Assert.Equal("--- snap.json\n+++ rendered\n+0\n 1\n 2\n", Diff(Lines("1", "2"), Lines("0", "1", "2")));
        Assert.Equal("--- snap.json\n+++ rendered\n 1\n 2\n-3\n", Diff(Lines("1", "2", "3"), Lines("1", "2")));
    }

    [Fact]
    public void AnEmptySide_IsAllAddedOrAllRemoved()
    {
        Assert.Equal("--- snap.json\n+++ rendered\n+x\n+y\n-\n", Diff("", Lines("x", "y")));
        Assert.Equal("--- snap.json\n+++ rendered\n+\n-x\n-y\n", Diff(Lines("x", "y"), ""));
    }

    [Fact]
    public void ChangesFarApart_AreTwoHunks_ChangesCloseTogether_AreOne()
    {
        var lines = Enumerable.Range(1, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var far = (string[])lines.Clone();
        far[1] = "two";
        far[17] = "eighteen";
        var near = (string[])lines.Clone();
        near[5] = "six";
        near[9] = "ten";

        Assert.Equal("--- snap.json\n+++ rendered\n 1\n+two\n-2\n 3\n 4\n 5\n@@\n 15\n 16\n 17\n+eighteen\n-18\n 19\n 20\n", Diff(Lines(lines), Lines(far)));
        Assert.Equal("--- snap.json\n+++ rendered\n 3\n 4\n 5\n+six\n-6\n 7\n 8\n 9\n+ten\n-10\n 11\n 12\n 13\n", Diff(Lines(lines), Lines(near)));
    }

    [Fact]
    public void RepeatedLines_AreMatchedInOrder()
    {
        Assert.Equal("--- snap.json\n+++ rendered\n x\n+y\n x\n", Diff(Lines("x", "x"), Lines("x", "y", "x")));
        Assert.Equal("--- snap.json\n+++ rendered\n x\n-y\n x\n", Diff(Lines("x", "y", "x"), Lines("x", "x")));
    }

    [Fact]
    public void WithoutContext_TwoChanges_AreTwoHunks_EvenAtTheFirstLine()
    {
        Assert.Equal("--- snap.json\n+++ rendered\n+x\n-1\n@@\n+y\n-6\n", Diff(Lines("1", "2", "3", "4", "5", "6"), Lines("x", "2", "3", "4", "5", "y"), context: 0));
    }

    [Fact]
    public void HunksMerge_WhenTheGapIsAtMostTwiceTheContext_AndSplitOneLineFurther()
    {
        var lines = Enumerable.Range(1, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string With(params (int Index, string Text)[] changes)
        {
            var copy = (string[])lines.Clone();
            foreach (var (index, text) in changes) copy[index] = text;
            return Lines(copy);
        }

        Assert.Equal("--- snap.json\n+++ rendered\n 2\n+c\n-3\n 4\n 5\n+f\n-6\n 7\n", Diff(Lines(lines), With((2, "c"), (5, "f")), context: 1));
        Assert.Equal("--- snap.json\n+++ rendered\n 2\n+c\n-3\n 4\n@@\n 6\n+g\n-7\n 8\n", Diff(Lines(lines), With((2, "c"), (6, "g")), context: 1));
    }

    [Fact]
    public void TwoLinesSwapped_KeepTheLongestCommonRun()
    {
        Assert.Equal("--- snap.json\n+++ rendered\n+b\n a\n-b\n c\n", Diff(Lines("a", "b", "c"), Lines("b", "a", "c")));
        Assert.Equal("--- snap.json\n+++ rendered\n+x\n+y\n a\n b\n-x\n-y\n", Diff(Lines("a", "b", "x", "y"), Lines("x", "y", "a", "b")));
    }
}
