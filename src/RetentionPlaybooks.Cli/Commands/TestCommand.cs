using System.CommandLine;
using RetentionPlaybooks.Fixtures;
using RetentionPlaybooks.Slack.BlockKit;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary><c>playbooks test [DIR] [--update] [--format text|github]</c>: run every playbook's test cases and compare messages with their snapshots.</summary>
internal static class TestCommand
{
    public static Command Create(CliContext cli)
    {
        var directory = CommandSpec.Directory("the playbooks folder whose test cases to run");
        var update = new Option<bool>("--update") { Description = "rewrite the snapshot files (and delete orphans) instead of failing on a difference" };
        var format = CommandSpec.Format("output style: text, or github (annotations and a step summary with Block Kit Builder links)", "text", "github");
        var compare = new Option<string>("--compare")
        {
            Description = "another playbooks folder (the base branch's): list the test cases whose message differs, before and after (github: in the step summary)",
            HelpName = "DIR",
        };
        var command = new Command("test", "Run the playbooks' test cases (<id>.tests.yaml) and compare messages with their snapshots.") { directory, update, format, compare };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(directory), parsed.GetValue(update), parsed.GetRequiredValue(format), parsed.GetValue(compare), cli.Stdout, cli.Stderr));
        return command;
    }

    private static int Run(string directory, bool update, string format, string? compareDirectory, TextWriter stdout, TextWriter stderr)
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
        if (compareDirectory is not null) Compare(report, compareDirectory, format, stdout, stderr);
        var summary = $"{report.Passed} passed, {report.Failed} failed ({report.Results.Count} case(s), {report.Results.Count(r => r.SnapshotWritten)} snapshot(s) written)";
        stdout.WriteLine(summary);
        return report.Ok ? CommandLine.Ok : CommandLine.Failed;
    }

    /// <summary>
    /// Renders the base folder's test cases too (its snapshots untouched) and lists every case whose message differs: in text,
    /// one line each; with github, before and after drawn in the step summary. A base that does not compile (or has no test
    /// cases) is said and compared as empty: every message is then new.
    /// </summary>
    private static void Compare(FixtureReport report, string compareDirectory, string format, TextWriter stdout, TextWriter stderr)
    {
        var baseline = new Dictionary<(string, string), FixtureResult>();
        var compiled = Compilation.PlaybookCompiler.CompileDirectory(compareDirectory);
        if (compiled.HasErrors)
        {
            stderr.WriteLine($"playbooks test: {compareDirectory} has errors; every message is compared as new");
        }
        else
        {
            foreach (var result in new FixtureRunner(compiled, compareDirectory).Run(update: false).Results) baseline[(result.Playbook, result.Case)] = result;
        }
        var changes = new List<MessageChange>();
        foreach (var result in report.Results)
        {
            baseline.Remove((result.Playbook, result.Case), out var before);
            if (!Same(before?.Message, result.Message)) changes.Add(new MessageChange(result.Playbook, result.Case, result.Channel ?? before?.Channel ?? "", before?.Message, result.Message));
        }
        foreach (var gone in baseline.Values.Where(r => r.Message is not null).OrderBy(r => r.Playbook, StringComparer.Ordinal).ThenBy(r => r.Case, StringComparer.Ordinal))
        {
            changes.Add(new MessageChange(gone.Playbook, gone.Case, gone.Channel ?? "", gone.Message, null));
        }
        stdout.WriteLine($"compared with {compareDirectory}: {changes.Count} message(s) change");
        foreach (var c in changes)
        {
            stdout.WriteLine($"changed {c.Playbook} › {c.Case}{(c.Before is null ? " (new)" : c.After is null ? " (gone)" : "")}");
        }
        if (format != "github") return;
        GitHubSummary.Append(MarkdownSummary.RenderChanges(changes), stdout);
    }

    private static bool Same(BlockKitMessage? a, BlockKitMessage? b) =>
        a is null || b is null ? a is null && b is null : BlockKitWriter.Serialize(a).AsSpan().SequenceEqual(BlockKitWriter.Serialize(b));
}
