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
