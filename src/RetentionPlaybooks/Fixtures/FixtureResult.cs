using RetentionPlaybooks.Slack.BlockKit;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Fixtures;

/// <summary>The outcome of one playbook test case.</summary>
internal sealed record FixtureResult(
    string Playbook,
    string Case,
    SourceLocation Location,
    bool Passed,
    IReadOnlyList<string> Failures,
    string? Channel,
    BlockKitMessage? Message,
    string? SnapshotPath,
    string? SnapshotDiff,
    bool SnapshotWritten);

/// <summary>All results of a <c>playbooks test</c> run, plus problems in the test files themselves.</summary>
internal sealed record FixtureReport(
    IReadOnlyList<FixtureResult> Results,
    IReadOnlyList<Diagnostics.Diagnostic> Diagnostics,
    IReadOnlyList<string> OrphanSnapshots)
{
    public int Passed => Results.Count(r => r.Passed);

    public int Failed => Results.Count(r => !r.Passed);

    public bool Ok => Failed == 0 && !Diagnostics.Any(d => d.IsError) && OrphanSnapshots.Count == 0;
}
