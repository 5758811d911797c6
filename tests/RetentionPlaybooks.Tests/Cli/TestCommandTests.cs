using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

public sealed class TestCommandTests
{
    /// <summary>The shipped playbooks' own test cases: a template change that alters a message fails here until its snapshot is updated.</summary>
    [Fact]
    public void Test_ShippedPlaybooks_AllCasesPassAgainstCommittedSnapshots()
    {
        var (exit, output, _) = CliRunner.Run("test", RepoPaths.Playbooks);

        Assert.True(exit == 0, output);
        Assert.Matches(@"\n\d+ passed, 0 failed", output);
        Assert.DoesNotContain("snapshot(s) written", output.Replace("0 snapshot(s) written", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Test_EveryShippedPlaybook_HasTestCases()
    {
        foreach (var playbook in new[] { "vip-cart-abandonment", "subscription-cancel-save", "post-purchase-risk", "winback-exclusions" })
        {
            Assert.True(File.Exists(Path.Combine(RepoPaths.Playbooks, playbook + ".tests.yaml")), $"{playbook} has no test cases");
        }
    }

    [Fact]
    public void Test_TemplateChangeWithoutUpdate_FailsWithADiffThenUpdatePasses()
    {
        using var dir = WithSnapshots();
        dir.Replace("vip-cart-abandonment.yaml", "title: \"VIP cart abandoned:", "title: \"VIP left a cart:");

        var failing = CliRunner.Run("test", dir.Path);
        var update = CliRunner.Run("test", dir.Path, "--update");
        var again = CliRunner.Run("test", dir.Path);

        Assert.Equal(1, failing.Exit);
        Assert.Contains("FAIL    vip-cart-abandonment › gold VIP", failing.Out, StringComparison.Ordinal);
        Assert.Contains("-        \"text\": \"VIP cart abandoned: $184.00\",", failing.Out, StringComparison.Ordinal);
        Assert.Contains("+        \"text\": \"VIP left a cart: $184.00\",", failing.Out, StringComparison.Ordinal);
        Assert.Equal(0, update.Exit);
        Assert.Contains("updated vip-cart-abandonment › gold VIP", update.Out, StringComparison.Ordinal);
        Assert.Equal(0, again.Exit);
    }

    [Fact]
    public void Test_WrongExpectations_ReportWhatActuallyHappened()
    {
        using var dir = WithSnapshots();
        File.WriteAllText(dir.FilePath("vip-cart-abandonment.tests.yaml"), """
            cases:
              - name: small cart
                base: samples/vip-cart-abandoned.json
                payload: { event: { data: { cart_value: 20 } } }
                expect: { outcome: escalate }
              - name: wrong channel
                base: samples/vip-cart-abandoned.json
                expect: { outcome: escalate, channel: retention-lead-dm, snapshot: false, not_contains: ["Maria"] }
            """);

        var (exit, output, _) = CliRunner.Run("test", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("expected escalate, but it would skip: gate \"event.cart_value >= 150\" did not hold: event.cart_value = 20, needs >= 150", output, StringComparison.Ordinal);
        Assert.Contains("expected channel retention-lead-dm, but it routes to vip-saves", output, StringComparison.Ordinal);
        Assert.Contains("the message contains \"Maria\", which it must not", output, StringComparison.Ordinal);
        Assert.Contains("0 passed, 2 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_MistakesInTheTestFile_AreDiagnosticsWithPositions()
    {
        using var dir = WithSnapshots();
        File.WriteAllText(dir.FilePath("vip-cart-abandonment.tests.yaml"), """
            cases:
              - name: no clock
                payload: { customer: { id: c1 }, event: { name: checkout_abandoned, data: {} } }
                expect: { outcome: skip }
              - name: typo
                payload: { customer: { id: c1 } }
                expect: { outcom: skip }
            """);
        File.WriteAllText(dir.FilePath("vip-cart-abandonmnt.tests.yaml"), "cases:\n  - name: x\n    expect: { outcome: skip }\n");

        var (exit, output, _) = CliRunner.Run("test", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("vip-cart-abandonment.tests.yaml(7,15): error RP0101: unknown key \"outcom\"", output, StringComparison.Ordinal);
        Assert.Contains("vip-cart-abandonmnt.tests.yaml(1,1): error RP0601: test file is for playbook \"vip-cart-abandonmnt\", which does not exist or did not compile; did you mean \"vip-cart-abandonment\"?", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_OpenCases_WrongExpectationsSayWhatTheInhibitRuleDid_AndMistakesArePositioned()
    {
        using var dir = WithSnapshots();
        File.WriteAllText(dir.FilePath("winback-exclusions.tests.yaml"), """
            cases:
              - name: inhibited but expected to escalate
                base: samples/winback-segment-entered.json
                now: 2026-11-28T16:30:00Z
                open_cases: [{ playbook: subscription-cancel-save, escalated: 2026-11-28T16:00:00Z, id: C1 }]
                expect: { outcome: escalate, snapshot: false }
              - name: escalates but expected to be inhibited
                base: samples/winback-segment-entered.json
                now: 2026-11-28T16:30:00Z
                expect: { outcome: inhibited }
              - name: unknown playbook and a bad time
                base: samples/winback-segment-entered.json
                open_cases:
                  - { playbook: subscription-cancel-sav, escalated: yesterday }
                expect: { outcome: inhibited }
            """);

        var (exit, output, _) = CliRunner.Run("test", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("expected escalate, but it would be inhibited: inhibited: case C1 of subscription-cancel-save is open (escalated 30 min ago)", output, StringComparison.Ordinal);
        Assert.Contains("expected inhibited, but it would escalate: escalates to retention-ops (default route)", output, StringComparison.Ordinal);
        Assert.Contains("winback-exclusions.tests.yaml(14,21): error RP0606: case \"unknown playbook and a bad time\": open case of playbook \"subscription-cancel-sav\", which does not exist or did not compile; did you mean \"subscription-cancel-save\"?", output, StringComparison.Ordinal);
        Assert.Contains("winback-exclusions.tests.yaml(14,57): error RP0602: case \"unknown playbook and a bad time\": \"escalated\" value \"yesterday\" is not an ISO 8601 time", output, StringComparison.Ordinal);
        Assert.Contains("1 passed, 2 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_OrphanSnapshot_FailsUntilUpdateDeletesIt()
    {
        using var dir = WithSnapshots();
        var orphan = Path.Combine(dir.Path, "__snapshots__", "vip-cart-abandonment", "a-case-that-was-renamed.json");
        File.WriteAllText(orphan, "{}");

        var failing = CliRunner.Run("test", dir.Path);
        CliRunner.Run("test", dir.Path, "--update");

        Assert.Equal(1, failing.Exit);
        Assert.Contains("a-case-that-was-renamed.json: no test case writes this snapshot any more", failing.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(orphan));
    }

    /// <summary>A temp copy of the playbooks with one test case and its snapshot written.</summary>
    [Fact]
    public void Compare_ListsTheCasesWhoseMessageChanges_AndDrawsBeforeAndAfterInTheStepSummary()
    {
        using var head = WithSnapshots();
        using var baseline = WithSnapshots();
        Assert.Equal(0, CliRunner.Run("test", "--update", head.Path).Exit);
        Assert.Equal(0, CliRunner.Run("test", "--update", baseline.Path).Exit);
        head.Replace("vip-cart-abandonment.yaml", "title: \"VIP cart abandoned: {{ event.cart_value | money }}\"", "title: \"VIP cart left: {{ event.cart_value | money }}\"");
        Assert.Equal(0, CliRunner.Run("test", "--update", head.Path).Exit);

        var text = CliRunner.Run("test", "--compare", baseline.Path, head.Path);
        var same = CliRunner.Run("test", "--compare", baseline.Path, baseline.Path);
        var github = CliRunner.Run("test", "--format", "github", "--compare", baseline.Path, head.Path);

        Assert.Equal(0, text.Exit);
        Assert.Contains($"compared with {baseline.Path}: 1 message(s) change", text.Out, StringComparison.Ordinal);
        Assert.Contains("changed vip-cart-abandonment › gold VIP with a $184 cart goes to vip-saves", text.Out, StringComparison.Ordinal);
        Assert.Contains($"compared with {baseline.Path}: 0 message(s) change", same.Out, StringComparison.Ordinal);
        Assert.Contains("### Messages that change", github.Out, StringComparison.Ordinal);
        Assert.Contains("#### vip-cart-abandonment › gold VIP with a $184 cart goes to vip-saves (vip-saves)", github.Out, StringComparison.Ordinal);
        var before = github.Out.IndexOf("Before ([Block Kit Builder](https://app.slack.com/block-kit-builder/#", StringComparison.Ordinal);
        var after = github.Out.IndexOf("After ([Block Kit Builder](https://app.slack.com/block-kit-builder/#", StringComparison.Ordinal);
        Assert.True(before > 0 && after > before, github.Out);
        Assert.Contains("VIP cart abandoned: $184.00", github.Out[before..after], StringComparison.Ordinal);
        Assert.Contains("VIP cart left: $184.00", github.Out[after..], StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_ACaseOnlyOnOneSide_IsNewOrGone()
    {
        using var head = WithSnapshots();
        using var baseline = WithSnapshots();
        File.AppendAllText(head.FilePath("vip-cart-abandonment.tests.yaml"), "\n" + """
              - name: a second VIP
                base: samples/vip-cart-abandoned.json
                now: 2026-11-28T13:42:00Z
                expect: { outcome: escalate, channel: vip-saves }

            """);
        Assert.Equal(0, CliRunner.Run("test", "--update", head.Path).Exit);

        var added = CliRunner.Run("test", "--compare", baseline.Path, head.Path);
        var removed = CliRunner.Run("test", "--compare", head.Path, baseline.Path);

        Assert.Contains("changed vip-cart-abandonment › a second VIP (new)", added.Out, StringComparison.Ordinal);
        Assert.Contains("changed vip-cart-abandonment › a second VIP (gone)", removed.Out, StringComparison.Ordinal);
    }

    private static TempPlaybooks WithSnapshots()
    {
        var dir = new TempPlaybooks();
        Directory.CreateDirectory(Path.Combine(dir.Path, "samples"));
        foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Playbooks, "samples")))
        {
            File.Copy(f, Path.Combine(dir.Path, "samples", Path.GetFileName(f)));
        }
        foreach (var f in Directory.GetFiles(dir.Path, "*.tests.yaml")) File.Delete(f);
        File.WriteAllText(dir.FilePath("vip-cart-abandonment.tests.yaml"), """
            cases:
              - name: gold VIP with a $184 cart goes to vip-saves
                base: samples/vip-cart-abandoned.json
                now: 2026-11-28T13:42:00Z
                expect: { outcome: escalate, channel: vip-saves }
            """);
        var (exit, output, _) = CliRunner.Run("test", dir.Path, "--update");
        Assert.True(exit == 0, output);
        return dir;
    }
}
