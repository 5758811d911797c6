using RetentionPlaybooks.Compilation;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>Compile-or-fail for the commands that need a playbooks folder that compiles (explain, test, render).</summary>
internal static class PlaybookFolder
{
    /// <summary>
    /// The compiled folder, or null when it has errors: they are printed to <paramref name="diagnostics"/> like the
    /// compiler does, then one line <c>playbooks COMMAND: DIR has errors; ...</c> to stderr; the caller exits 1.
    /// </summary>
    public static CompilationResult? CompileOrReport(string directory, string command, TextWriter diagnostics, TextWriter stderr)
    {
        var compilation = PlaybookCompiler.CompileDirectory(directory);
        if (!compilation.HasErrors) return compilation;
        DiagnosticPrinter.Text(compilation.Diagnostics.Where(d => d.IsError).ToList(), diagnostics);
        stderr.WriteLine($"playbooks {command}: {directory} has errors; fix them first (playbooks validate {directory})");
        return null;
    }
}
