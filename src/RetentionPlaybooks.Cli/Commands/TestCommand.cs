using System.CommandLine;
using RetentionPlaybooks.Fixtures;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary><c>playbooks test [DIR] [--update] [--format text|github]</c>: run every playbook's test cases and compare messages with their snapshots.</summary>
internal static class TestCommand
{
    public static Command Create(CliContext cli)
    {
        var directory = CommandSpec.Directory("the playbooks folder whose test cases to run");
        var update = new Option<bool>("--update") { Description = "rewrite the snapshot files (and delete orphans) instead of failing on a difference" };
        var format = CommandSpec.Format("output style: text, or github (annotations and a step summary with Block Kit Builder links)", "text", "github");
        var command = new Command("test", "Run the playbooks' test cases (<id>.tests.yaml) and compare messages with their snapshots.") { directory, update, format };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(directory), parsed.GetValue(update), parsed.GetRequiredValue(format), cli.Stdout, cli.Stderr));
        return command;
    }

    private static int Run(string directory, bool update, string format, TextWriter stdout, TextWriter stderr)
    {
        if (PlaybookFolder.CompileOrReport(directory, "test", stdout, stderr) is not { } compilation) return CommandLine.Failed;
        var report = new FixtureRunner(compilation, directory).Run(update);

        if (format == "github") DiagnosticPrinter.GitHub(report.Diagnostics, stdout);
        else DiagnosticPrinter.Text(report.Diagnostics, stdout);
        foreach (var result in report.Results)
        {
            var mark = result.Passed ? (result.SnapshotWritten ? "updated" : "ok") : "FAIL";
            stdout.WriteLine($"{mark,-7} {result.Playbook} › {result.Case}");
            foreach (var failure in result.Failures)
            {
                stdout.WriteLine($"        {result.Location}: {failure}");
                if (format == "github")
                {
                    stdout.WriteLine($"::error file={result.Location.File},line={result.Location.Line},col={result.Location.Column},title={result.Playbook}::{result.Case}: {failure}");
                }
            }
            if (result.SnapshotDiff is { } diff)
            {
                foreach (var line in diff.TrimEnd('\n').Split('\n')) stdout.WriteLine("        " + line);
            }
        }
        foreach (var orphan in report.OrphanSnapshots)
        {
            stdout.WriteLine($"FAIL    {orphan}: no test case writes this snapshot any more; run `playbooks test --update` to delete it");
        }
        if (format == "github") GitHubSummary.Write(report, stdout);
        var summary = $"{report.Passed} passed, {report.Failed} failed ({report.Results.Count} case(s), {report.Results.Count(r => r.SnapshotWritten)} snapshot(s) written)";
        stdout.WriteLine(summary);
        return report.Ok ? CommandLine.Ok : CommandLine.Failed;
    }
}
