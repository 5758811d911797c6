using RetentionPlaybooks.Fixtures;
using RetentionPlaybooks.Tests.Cli;
using Xunit;

namespace RetentionPlaybooks.Tests.Fixtures;

/// <summary>What <c>playbooks test</c> tells a marketer about each way a test case can be wrong, to the words.</summary>
public sealed class FixtureRunnerTests : IDisposable
{
    private readonly TempPlaybooks _dir = new();

    public FixtureRunnerTests()
    {
        Directory.CreateDirectory(_dir.FilePath("samples"));
        foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Playbooks, "samples"), "*.json")) File.Copy(f, Path.Combine(_dir.FilePath("samples"), Path.GetFileName(f)));
        foreach (var f in Directory.GetFiles(_dir.Path, "*.tests.yaml")) File.Delete(f);
    }

    public void Dispose() => _dir.Dispose();

    private (int Exit, string Out) Test(string cases, bool update = false)
    {
        File.WriteAllText(_dir.FilePath("vip-cart-abandonment.tests.yaml"), "cases:\n" + cases);
        var (exit, output, error) = update ? CliRunner.Run("test", "--update", _dir.Path) : CliRunner.Run("test", _dir.Path);
        return (exit, output + error);
    }

    private const string Vip = "    base: samples/vip-cart-abandoned.json\n    now: 2026-11-28T13:42:00Z\n";

    [Fact]
    public void ABaseFileThatIsMissing_OrNotJson_OrNotAnObject_IsADiagnosticAtTheCase()
    {
        File.WriteAllText(_dir.FilePath("samples/broken.json"), "{ not json");
        File.WriteAllText(_dir.FilePath("samples/list.json"), "[1, 2]");

        var missing = Test("  - name: a\n    base: samples/nope.json\n    expect: { outcome: skip }\n");
        var broken = Test("  - name: a\n    base: samples/broken.json\n    expect: { outcome: skip }\n");
        var list = Test("  - name: a\n    base: samples/list.json\n    expect: { outcome: skip }\n");

        Assert.Contains("error RP0603: base payload \"samples/nope.json\": no such file", missing.Out, StringComparison.Ordinal);
        Assert.Contains("error RP0603: base payload \"samples/broken.json\": invalid JSON: ", broken.Out, StringComparison.Ordinal);
        Assert.Contains("the payload must be a JSON object", list.Out, StringComparison.Ordinal);
        Assert.All(new[] { missing, broken, list }, r => Assert.Equal(1, r.Exit));
    }

    [Fact]
    public void APayloadThatDoesNotTriggerThePlaybook_FailsAnExpectedEscalation_AndPassesNoTrigger()
    {
        const string other = "  - name: wrong event\n    base: samples/vip-cart-abandoned.json\n    now: 2026-11-28T13:42:00Z\n    payload: { event: { name: order_placed } }\n";

        var escalate = Test(other + "    expect: { outcome: escalate }\n");
        var noTrigger = Test(other + "    expect: { outcome: no-trigger }\n");

        Assert.Contains("expected escalate, but the payload does not trigger the playbook (event \"checkout_abandoned\")", escalate.Out, StringComparison.Ordinal);
        Assert.Equal(1, escalate.Exit);
        Assert.Equal(0, noTrigger.Exit);
    }

    [Fact]
    public void AReasonOrATextTheMessageDoesNotHave_IsNamed()
    {
        Assert.Equal(0, Test("  - name: vip\n" + Vip + "    expect: { outcome: escalate }\n", update: true).Exit);

        var reason = Test("  - name: vip\n" + Vip + "    expect: { outcome: escalate, reason: nothing like this }\n");
        var contains = Test("  - name: vip\n" + Vip + "    expect: { outcome: escalate, contains: [Espresso blend, not in the message] }\n");

        Assert.Contains("expected the reason to mention \"nothing like this\", but it was: ", reason.Out, StringComparison.Ordinal);
        Assert.Contains("the message does not contain \"not in the message\"", contains.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("the message does not contain \"Espresso blend\"", contains.Out, StringComparison.Ordinal);
        Assert.Equal(1, reason.Exit);
    }

    [Fact]
    public void AMissingSnapshot_FailsWithTheCommandToWriteIt_ThenUpdateWritesIt_ThenAChangeShowsADiff()
    {
        const string cases = "  - name: vip\n" + Vip + "    expect: { outcome: escalate }\n";

        var missing = Test(cases);
        var written = Test(cases, update: true);
        var snapshot = Directory.GetFiles(_dir.FilePath(FixtureRunner.SnapshotFolder), "*.json", SearchOption.AllDirectories).Single();
        File.WriteAllText(snapshot, File.ReadAllText(snapshot).Replace("VIP cart abandoned", "VIP cart gone", StringComparison.Ordinal));
        var changed = Test(cases);

        Assert.Equal(1, missing.Exit);
        Assert.Contains("no snapshot at ", missing.Out, StringComparison.Ordinal);
        Assert.Contains("; run `playbooks test --update` and commit it", missing.Out, StringComparison.Ordinal);
        Assert.Equal(0, written.Exit);
        Assert.EndsWith(Path.Combine("vip-cart-abandonment", "vip.json"), snapshot, StringComparison.Ordinal);
        Assert.Equal(1, changed.Exit);
        Assert.Contains("the rendered message differs from ", changed.Out, StringComparison.Ordinal);
        Assert.Contains("        +        \"text\": \"VIP cart abandoned: $184.00\",\n        -        \"text\": \"VIP cart gone: $184.00\",", changed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void OrphanSnapshots_AreListedInOrder_AndDeletedByUpdate()
    {
        const string cases = "  - name: vip\n" + Vip + "    expect: { outcome: escalate }\n";
        Test(cases, update: true);
        var folder = _dir.FilePath(Path.Combine(FixtureRunner.SnapshotFolder, "vip-cart-abandonment"));
        File.WriteAllText(Path.Combine(folder, "b-old.json"), "{}");
        File.WriteAllText(Path.Combine(folder, "a-old.json"), "{}");

        var listed = Test(cases);
        Test(cases, update: true);

        var lines = listed.Out.Split('\n').Where(l => l.Contains("no test case writes this snapshot", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("a-old.json", lines[0], StringComparison.Ordinal);
        Assert.Contains("b-old.json", lines[1], StringComparison.Ordinal);
        Assert.Equal(["vip.json"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void ACaseWithoutAClock_OrWithANowThatIsNoTime_IsADiagnostic_AndThePayloadsTimestampIsAClock()
    {
        const string noClock = "  - name: no clock\n    base: samples/vip-cart-abandoned.json\n    payload: { timestamp: null }\n    expect: { outcome: escalate, snapshot: false }\n";
        const string badNow = "  - name: bad now\n    base: samples/vip-cart-abandoned.json\n    now: next tuesday\n    expect: { outcome: escalate, snapshot: false }\n";
        const string stamped = "  - name: stamped\n    base: samples/vip-cart-abandoned.json\n    expect: { outcome: escalate, snapshot: false }\n";

        var missing = Test(noClock);
        var bad = Test(badNow);
        var fromPayload = Test(stamped);

        Assert.Contains("vip-cart-abandonment.tests.yaml(2,11): error RP0604: case \"no clock\" has no clock: give \"now\" or a \"timestamp\" in the payload", missing.Out, StringComparison.Ordinal);
        Assert.Contains("vip-cart-abandonment.tests.yaml(4,10): error RP0602: case \"bad now\": \"now\" value \"next tuesday\" is not an ISO 8601 time", bad.Out, StringComparison.Ordinal);
        Assert.Equal((1, 1, 0), (missing.Exit, bad.Exit, fromPayload.Exit));
        Assert.False(Directory.Exists(_dir.FilePath(FixtureRunner.SnapshotFolder)));   // snapshot: false writes and reads none
    }

    [Theory]
    [InlineData("vip", "vip")]
    [InlineData("VIP cart", "vip  cart!")]
    public void TwoCasesWithOneName_OrOneSnapshotFile_AreADiagnosticAtTheSecond_AndTheFirstRuns(string first, string second)
    {
        var result = Test($"  - name: {first}\n" + Vip + "    expect: { outcome: skip }\n" + $"  - name: \"{second}\"\n" + Vip + "    expect: { outcome: escalate }\n");

        Assert.Contains($"vip-cart-abandonment.tests.yaml(6,11): error RP0605: case name \"{second}\" is used twice in this file", result.Out, StringComparison.Ordinal);
        Assert.Contains($"expected skip, but it would escalate", result.Out, StringComparison.Ordinal);
        Assert.Equal(1, result.Exit);
    }

    [Theory]
    [InlineData("Gold VIP, $184 cart", "gold-vip-184-cart")]
    [InlineData("  !! leading punctuation", "leading-punctuation")]
    [InlineData("trailing --", "trailing")]
    [InlineData("ÄÖ über", "ber")]
    [InlineData("a--b", "a-b")]
    public void Slug_IsLowerCaseLettersAndDigits_WithSingleDashesBetweenWords(string name, string slug) => Assert.Equal(slug, FixtureRunner.Slug(name));
}
