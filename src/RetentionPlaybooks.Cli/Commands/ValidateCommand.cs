using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Diagnostics;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary><c>playbooks validate [DIR]</c>: compile every playbook and report every problem.</summary>
internal static class ValidateCommand
{
    public static int Run(Options options, TextWriter stdout, TextWriter stderr)
    {
        var format = options.Get("--format") ?? "text";
        if (format is not ("text" or "github" or "json"))
        {
            stderr.WriteLine($"playbooks validate: unknown format \"{format}\"; use text, github or json");
            return CommandLine.Usage;
        }
        var result = PlaybookCompiler.CompileDirectory(options.Directory);
        var warnAsError = options.Flags.Contains("--warnaserror");
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
            var summary = $"{options.Directory}: {Count(result, diagnostics)}; {errors} error(s), {warnings} warning(s)";
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
