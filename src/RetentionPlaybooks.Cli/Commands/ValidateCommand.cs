using System.CommandLine;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Diagnostics;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary><c>playbooks validate [DIR] [--format text|github|json] [--warnaserror]</c>: compile every playbook and report every problem.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext cli)
    {
        var directory = CommandSpec.Directory("the playbooks folder to check");
        var format = CommandSpec.Format("output style: text (compiler-style), github (Actions annotations), json (for tools)", "text", "github", "json");
        var warnAsError = new Option<bool>("--warnaserror") { Description = "treat warnings as errors (exit 1)" };
        var command = new Command("validate", "Check every playbook in DIR and report every problem.") { directory, format, warnAsError };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(directory), parsed.GetRequiredValue(format), parsed.GetValue(warnAsError), cli.Stdout, cli.Stderr));
        return command;
    }

    private static int Run(string directory, string format, bool warnAsError, TextWriter stdout, TextWriter stderr)
    {
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
            (format == "github" ? stderr : stdout).WriteLine(summary);
        }
        return errors > 0 ? CommandLine.Failed : CommandLine.Ok;
    }

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
