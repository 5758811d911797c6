using Xunit;

namespace RetentionPlaybooks.Tests.Loading;

/// <summary>Files that are YAML but not one mapping of keys: each one diagnostic at the place, never an exception.</summary>
public sealed class YamlShapeTests
{
    private static string One(string text) => Assert.Single(ShippedWorkspace.Compile("p.yaml", text).Diagnostics).ToString().Split('\n')[0];

    [Fact]
    public void AListAtTheTop_IsNotAMapping()
    {
        Assert.StartsWith("p.yaml(1,1): error RP0", One("- a\n- b\n"), StringComparison.Ordinal);
        Assert.Contains("mapping", One("- a\n- b\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void AScalarAtTheTop_IsNotAMapping()
    {
        Assert.Contains("mapping", One("just words\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void ASecondDocument_IsNamedAtItsStart()
    {
        var diagnostics = ShippedWorkspace.Compile("p.yaml", "description: x\n---\ndescription: y\n").Diagnostics.Select(d => d.ToString().Split('\n')[0]);
        Assert.Contains("p.yaml(3,1): error RP0003: only one YAML document per file is allowed; remove the '---' separator", diagnostics);
    }

    [Fact]
    public void TheSameKeyPlainAndQuoted_IsADuplicateKey()
    {
        var line = One("description: x\n\"description\": y\n");
        Assert.StartsWith("p.yaml(2,1): error RP0004: duplicate key \"description\"", line, StringComparison.Ordinal);
    }
}

/// <summary>Where a flow list or mapping was opened and never closed, for the "unclosed [" diagnostic: quotes and comments
/// skipped, a bracket inside a plain scalar not counted, nothing past where the parser stopped.</summary>
public sealed class UnclosedBracketTests
{
    [Theory]
    [InlineData("[1, 2", 0)]
    [InlineData("a: [1, 2", 3)]
    [InlineData("a: [1, [2]", 3)]
    [InlineData("a: {x: [1]", 3)]
    [InlineData("a: 'x [' \nb: [1", 13)]
    [InlineData("a: \"x {\" \nb: {x", 13)]
    [InlineData("- 'q'\n- [1", 8)]
    [InlineData("a: [x, 'y]', 2", 3)]
    [InlineData("# a [comment\nb: [1", 16)]
    [InlineData("a: 1 # [comment\nb: {x", 19)]
    [InlineData("a: x#[1\nb: [", 11)]
    [InlineData("a: b [c\n", -1)]
    [InlineData("a: [1, 2]\n", -1)]
    [InlineData("a: 'open [\n", -1)]
    [InlineData("# only a comment [", -1)]
    [InlineData("a: [1, [2", 3)]
    [InlineData("a: ]\nb: [1", 8)]
    [InlineData("# note\n[1", 7)]
    [InlineData("a: 1 # note: '\nb: [1", 18)]
    [InlineData("a: 1\t# note: '\nb: [1", 18)]
    public void UnclosedBracket_IsTheOutermostOpenBracket(string text, int expected) =>
        Assert.Equal(expected, RetentionPlaybooks.Loading.YamlGuard.UnclosedBracket(text, text.Length));

    [Fact]
    public void UnclosedBracket_LooksOnlyBeforeWhereTheParserStopped()
    {
        const string text = "a: [1]\nb: [2";
        Assert.Equal(10, RetentionPlaybooks.Loading.YamlGuard.UnclosedBracket(text, text.Length));
        Assert.Equal(-1, RetentionPlaybooks.Loading.YamlGuard.UnclosedBracket(text, 10));
        Assert.Equal(3, RetentionPlaybooks.Loading.YamlGuard.UnclosedBracket(text, 5));
    }
}
