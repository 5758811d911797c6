using System.CommandLine;
using System.Globalization;
using System.Text;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Slack.Preview;
using Spectre.Console;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary><c>playbooks validate [DIR] [--format text|github|json] [--warnaserror] [--summary]</c>: compile every playbook and report
/// every problem; with <c>--summary</c>, what the folder declares as two tables (a terminal's or a CI log's, or the step summary's).</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext cli)
    {
        var directory = CommandSpec.Directory("the playbooks folder to check");
        var format = CommandSpec.Format("output style: text (compiler-style), github (Actions annotations), json (for tools)", "text", "github", "json");
        var warnAsError = new Option<bool>("--warnaserror") { Description = "treat warnings as errors (exit 1)" };
        var summary = new Option<bool>("--summary") { Description = "also a table of the playbooks and one of the channels (github: in the step summary)" };
        var command = new Command("validate", "Check every playbook in DIR and report every problem.") { directory, format, warnAsError, summary };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(directory), parsed.GetRequiredValue(format), parsed.GetValue(warnAsError), parsed.GetValue(summary), cli));
        return command;
    }

    private static int Run(string directory, string format, bool warnAsError, bool summaryTables, CliContext cli)
    {
        var (stdout, stderr) = (cli.Stdout, cli.Stderr);
        var result = PlaybookCompiler.CompileDirectory(directory);
        var diagnostics = warnAsError
            ? result.Diagnostics.Select(d => d with { Severity = DiagnosticSeverity.Error }).ToList()
            : result.Diagnostics;
        switch (format)
        {
            case "github": DiagnosticPrinter.GitHub(diagnostics, stdout); break;
            case "json": DiagnosticPrinter.Json(diagnostics, stdout); break;
            default: DiagnosticPrinter.Text(diagnostics, stdout); break;
        }
        var errors = diagnostics.Count(d => d.IsError);
        var warnings = diagnostics.Count - errors;
        if (format != "json")
        {
            var summary = $"{directory}: {Count(result, diagnostics)}; {errors} error(s), {warnings} warning(s)";
            if (summaryTables && format == "text") Tables(result, diagnostics, stdout, cli.Terminal);
            if (summaryTables && format == "github") GitHubSummary.Append(Markdown(result, diagnostics, summary), stdout);
            (format == "github" ? stderr : stdout).WriteLine(summary);
        }
        return errors > 0 ? CommandLine.Failed : CommandLine.Ok;
    }

    /// <summary>One row per playbook file: what it declares (when it compiled) and how it fared.</summary>
    internal static IReadOnlyList<string[]> PlaybookRows(CompilationResult result, IReadOnlyList<Diagnostic> diagnostics)
    {
        var rows = new List<string[]>();
        foreach (var file in result.PlaybookFiles.Order(StringComparer.Ordinal))
        {
            var e = diagnostics.Count(d => d.IsError && d.Location.File == file);
            var w = diagnostics.Count(d => !d.IsError && d.Location.File == file);
            var status = e > 0 ? Plural(e, "error") : w > 0 ? Plural(w, "warning") : "ok";
            if (result.Playbooks.FirstOrDefault(p => p.File == file) is not { } p || e > 0)
            {
                rows.Add([Path.GetFileNameWithoutExtension(file), "-", "-", "-", "-", "-", status]);
                continue;
            }
            var rails = new List<string>();
            if (p.Guardrails.Cooldown is { } cooldown) rails.Add($"cooldown {DurationSyntax.Format(cooldown)}");
            if (p.Guardrails.DedupeKey is not null) rails.Add("dedupe");
            if (p.Guardrails.DailyCap is { } cap) rails.Add($"cap {cap}");
            rows.Add([p.Id, p.Trigger.ToString(), string.Join(", ", p.Channels.Select(c => c.Name)), p.Owner.Name, DurationSyntax.Format(p.Sla),
                rails.Count == 0 ? "-" : string.Join(", ", rails), p.Enabled ? status : $"disabled, {status}"]);
        }
        return rows;
    }

    /// <summary>One row per channel: its budget, its digest, the playbooks that route to it and what their caps add up to.</summary>
    internal static IReadOnlyList<string[]> ChannelRows(CompilationResult result, IReadOnlyList<Diagnostic> diagnostics)
    {
        var rows = new List<string[]>();
        var broken = diagnostics.Where(d => d.IsError).Select(d => d.Location.File).ToHashSet(StringComparer.Ordinal);
        foreach (var c in result.Workspace?.Channels.Values.OrderBy(c => c.Name, StringComparer.Ordinal) ?? Enumerable.Empty<Workspace.ChannelSymbol>())
        {
            // A playbook whose file has errors is not counted: the host would not load the folder as it is.
            var users = result.Playbooks.Where(p => p.Enabled && p.Channels.Contains(c) && !broken.Contains(p.File)).ToList();
            var caps = users.Count == 0 ? "-" : users.All(p => p.Guardrails.DailyCap is not null)
                ? users.Sum(p => (long)p.Guardrails.DailyCap!.Value).ToString(CultureInfo.InvariantCulture)
                : "no cap";
            rows.Add([c.Name, c.IsDirectMessage ? $"dm {c.DmUser}" : c.SlackChannel ?? "-", c.DailyBudget == int.MaxValue ? "-" : c.DailyBudget.ToString(CultureInfo.InvariantCulture),
                c.Digest?.ToString() ?? "-", users.Count == 0 ? "-" : string.Join(", ", users.Select(p => p.Id)), caps]);
        }
        return rows;
    }

    private static readonly string[] PlaybookColumns = ["playbook", "trigger", "channels", "owner", "SLA", "guardrails", "status"];
    private static readonly string[] ChannelColumns = ["channel", "slack", "budget", "digest", "playbooks", "caps a day"];

    private static void Tables(CompilationResult result, IReadOnlyList<Diagnostic> diagnostics, TextWriter stdout, bool terminal) =>
        CliTable.Write(stdout, terminal, console =>
        {
            console.WriteLine();
            var playbooks = CliTable.Create(terminal, PlaybookColumns, "playbook", "trigger", "channels", "owner", "guardrails", "status");
            foreach (var row in PlaybookRows(result, diagnostics)) playbooks.AddRow(row.Select(Markup.Escape).ToArray());
            console.Write(playbooks);
            var channels = CliTable.Create(terminal, ChannelColumns, "channel", "slack", "digest", "playbooks");
            foreach (var row in ChannelRows(result, diagnostics)) channels.AddRow(row.Select(Markup.Escape).ToArray());
            console.Write(channels);
        });

    private static string Markdown(CompilationResult result, IReadOnlyList<Diagnostic> diagnostics, string summary)
    {
        var md = new StringBuilder();
        md.AppendLine("### Playbooks").AppendLine().AppendLine(MarkdownSummary.Cell(summary)).AppendLine();
        Table(md, PlaybookColumns, PlaybookRows(result, diagnostics));
        md.AppendLine().AppendLine("### Channels").AppendLine();
        Table(md, ChannelColumns, ChannelRows(result, diagnostics));
        return md.ToString();
    }

    private static void Table(StringBuilder md, string[] columns, IReadOnlyList<string[]> rows)
    {
        md.AppendLine("| " + string.Join(" | ", columns) + " |");
        md.AppendLine("|" + string.Concat(columns.Select(_ => " --- |")));
        foreach (var row in rows) md.AppendLine("| " + string.Join(" | ", row.Select(MarkdownSummary.Cell)) + " |");
    }

    private static string Plural(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>"4 playbook(s): 1 compiled, 3 with errors" — a playbook with an error in its file did not compile.</summary>
    private static string Count(CompilationResult result, IReadOnlyList<Diagnostic> diagnostics)
    {
        var withErrors = diagnostics.Where(d => d.IsError).Select(d => d.Location.File).ToHashSet(StringComparer.Ordinal);
        var failed = result.PlaybookFiles.Count(withErrors.Contains);
        var compiled = result.Playbooks.Count(p => !withErrors.Contains(p.File));
        var notChecked = result.PlaybookFiles.Count - failed - compiled;
        var text = $"{result.PlaybookFiles.Count} playbook(s): {compiled} compiled, {failed} with errors";
        return notChecked > 0 ? $"{text}, {notChecked} not checked until workspace.yaml and data-model.yaml compile" : text;
    }
}
