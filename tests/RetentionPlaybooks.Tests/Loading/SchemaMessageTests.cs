using Xunit;

namespace RetentionPlaybooks.Tests.Loading;

/// <summary>
/// What the schema check says for each kind of mistake in a playbook, to the character and at the place: the shipped
/// vip-cart-abandonment.yaml with one line changed, compiled in each case (no shared compilation, so a mutation run credits
/// each message to the case that produces it).
/// </summary>
public sealed class SchemaMessageTests
{
    public static TheoryData<string, string, string> Mistakes() => new()
    {
        { "sla: 2h", "sla: [2h]", "vip-cart-abandonment.yaml(21,6): error RP0102: \"sla\" must be a duration such as 2h, or a mapping (key: value lines), but it is a list" },
        { "daily_cap: 8", "daily_cap: lots", "vip-cart-abandonment.yaml(25,14): error RP0102: \"daily_cap\" must be a whole number, but it is \"lots\"" },
        { "daily_cap: 8", "daily_cap: 2.5", "vip-cart-abandonment.yaml(25,14): error RP0102: \"daily_cap\" must be a whole number, but it is \"2.5\"" },
        { "daily_cap: 8", "daily_cap: 0", "vip-cart-abandonment.yaml(25,14): error RP0104: invalid value \"0\" for \"daily_cap\": must be at least 1" },
        { "pii: [name]", "pii: name", "vip-cart-abandonment.yaml(28,6): error RP0102: \"pii\" must be a list (lines starting with '- '), but it is \"name\"" },
        { "  - default: vip-saves", "  - default: vip-saves\n    extra: 1", "vip-cart-abandonment.yaml(20,5): error RP0101: unknown key \"extra\" in \"route[1]\"" },
        { "hold_promotions: 72h", "hold_promotions:", "vip-cart-abandonment.yaml(26,17): error RP0102: \"hold_promotions\" must be a string, but it is empty" },
        { "owner: retention-lead", "owner: \"\"", "vip-cart-abandonment.yaml(20,8): error RP0104: invalid value \"\" for \"owner\": must not be empty" },
        { "sla: 2h", "sla: {remind_after: 1h}", "vip-cart-abandonment.yaml(21,6): error RP0103: missing required key \"within\" in \"sla\"" },
        { "cooldown: 7d", "cooldown: 7 days", "vip-cart-abandonment.yaml(23,13): error RP0105: bad duration \"7 days\" for \"cooldown\": write a whole number and a unit (s, m, h, d, w), e.g. \"30m\", \"2h\", \"7d\"" },
        { "title: \"VIP cart abandoned: {{ event.cart_value | money }}\"", "title: [a]", "vip-cart-abandonment.yaml(30,10): error RP0102: \"title\" must be a string, but it is a list" },
        { "gates:", "gatess:", "vip-cart-abandonment.yaml(7,1): error RP0101: unknown key \"gatess\" in the top level; did you mean \"gates\"?" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void AMistake_IsOneDiagnostic_ToTheCharacter_AtItsPlace(string line, string mistake, string expected)
    {
        var text = ShippedWorkspace.Playbook("vip-cart-abandonment.yaml");
        Assert.Contains(line, text, StringComparison.Ordinal);

        var result = ShippedWorkspace.Compile("vip-cart-abandonment.yaml", text.Replace(line, mistake, StringComparison.Ordinal));

        Assert.Equal(expected, Assert.Single(result.Diagnostics).ToString().Split('\n')[0]);
    }

    [Fact]
    public void SeveralMistakesInOneMapping_AreEachReported_TheUnknownKeyAndTheEmptyMappingAndTheMissingKey()
    {
        var text = ShippedWorkspace.Playbook("vip-cart-abandonment.yaml").Replace("sla: 2h", "sla: {after: 2h, escalate_to: {}}", StringComparison.Ordinal);

        var lines = ShippedWorkspace.Compile("vip-cart-abandonment.yaml", text).Diagnostics.Select(d => d.ToString().Split('\n')[0]).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
        [
            "vip-cart-abandonment.yaml(21,31): error RP0104: invalid value a mapping for \"escalate_to\": the mapping must not be empty",
            "vip-cart-abandonment.yaml(21,6): error RP0103: missing required key \"within\" in \"sla\"",
            "vip-cart-abandonment.yaml(21,7): error RP0101: unknown key \"after\" in \"sla\"",
        ], lines);
    }
}

/// <summary>The schema error paths (NJsonSchema's "#/route[1].extra" form) turned into the names a diagnostic shows.</summary>
public sealed class SchemaPathTests
{
    [Theory]
    [InlineData("#/sla", "sla")]
    [InlineData("#/guardrails.daily_cap", "daily_cap")]
    [InlineData("#/route[1]", "route[1]")]
    [InlineData("#/route[1].extra", "extra")]
    [InlineData("#/message.links[12]", "links[12]")]
    [InlineData("#/links]", "links]")]
    [InlineData("#/a[x]", "a[x]")]
    [InlineData("#/a[]", "a[]")]
    [InlineData("gates", "gates")]
    public void KeyName_IsTheLastKey_WithItsIndex(string path, string key) => Assert.Equal(key, RetentionPlaybooks.Loading.SchemaValidator.KeyName(path));

    [Theory]
    [InlineData("#/route[1]", 7)]
    [InlineData("#/message.links[12]", 15)]
    [InlineData("#/links]", -1)]
    [InlineData("#/a[x]", -1)]
    [InlineData("#/a[1x]", -1)]
    [InlineData("#/a[]", -1)]
    [InlineData("[1]", -1)]
    [InlineData("#/route", -1)]
    public void IndexStart_IsWhereATrailingNumericIndexOpens(string path, int start) => Assert.Equal(start, RetentionPlaybooks.Loading.SchemaValidator.IndexStart(path));

    [Theory]
    [InlineData("#/sla", "#/")]
    [InlineData("#/sla.within", "#/sla")]
    [InlineData("#/route[1]", "#/route")]
    [InlineData("#/route[1].extra", "#/route[1]")]
    [InlineData("#/message.fields.Cart", "#/message.fields")]
    [InlineData("sla", "#")]
    [InlineData("a/b", "a/")]
    public void ParentPath_IsThePathOfTheEnclosingValue(string path, string parent) => Assert.Equal(parent, RetentionPlaybooks.Loading.SchemaValidator.ParentPath(path));

    [Theory]
    [InlineData("#", "the top level")]
    [InlineData("#/", "the top level")]
    [InlineData("#/sla", "\"sla\"")]
    [InlineData("#/route[1]", "\"route[1]\"")]
    public void Where_NamesTheEnclosingValue(string parent, string where) => Assert.Equal(where, RetentionPlaybooks.Loading.SchemaValidator.Where(parent));
}
