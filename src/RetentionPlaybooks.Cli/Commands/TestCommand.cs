using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Fixtures;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary><c>playbooks test [DIR] [--update]</c>: run every playbook's test cases and compare messages with their snapshots.</summary>
internal static class TestCommand
{
    public static int Run(Options options, TextWriter stdout, TextWriter stderr)
    {
        var format = options.Get("--format") ?? "text";
        if (format is not ("text" or "github"))
        {
            stderr.WriteLine($"playbooks test: unknown format \"{format}\"; use text or github");
            return CommandLine.Usage;
        }
        var compilation = PlaybookCompiler.CompileDirectory(options.Directory);
        if (compilation.HasErrors)
        {
            DiagnosticPrinter.Text(compilation.Diagnostics.Where(d => d.IsError).ToList(), stdout);
            stdout.WriteLine($"playbooks test: {options.Directory} has errors; fix them first (playbooks validate)");
            return CommandLine.Failed;
        }
        var update = options.Flags.Contains("--update");
        var report = new FixtureRunner(compilation, options.Directory).Run(update);

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
