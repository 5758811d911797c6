using System.Text.Json;
using RetentionPlaybooks.Diagnostics;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>Writes diagnostics like a compiler (with the source line and a caret), as GitHub annotations, or as JSON.</summary>
internal static class DiagnosticPrinter
{
    private const int MaxShownLine = 160;

    public static void Text(IReadOnlyList<Diagnostic> diagnostics, TextWriter output)
    {
        var lines = new Dictionary<string, string[]?>(StringComparer.Ordinal);
        foreach (var d in diagnostics)
        {
            output.WriteLine(d.ToString());
            var source = SourceLine(d, lines);
            if (source is null) continue;
            // Control characters (a NUL in a binary file) would garble the terminal: each shows as "?", keeping the caret's column.
            var expanded = string.Create(source.Length, source, static (span, line) =>
            {
                for (var i = 0; i < line.Length; i++) span[i] = char.IsControl(line[i]) && line[i] != '\t' ? '?' : line[i];
            }).Replace("\t", "    ", StringComparison.Ordinal);
            var column = Math.Max(1, d.Location.Column);
            if (expanded.Length > MaxShownLine)
            {
                // A very long line (a minified or generated file) is shown as a window around the column.
                var from = Math.Clamp(column - (MaxShownLine / 2), 0, expanded.Length - MaxShownLine);
                expanded = expanded.Substring(from, MaxShownLine);
                column -= from;
            }
            output.WriteLine("    " + expanded);
            var length = Math.Clamp(d.Location.Length, 1, Math.Max(1, expanded.Length - column + 1));
            output.WriteLine("    " + new string(' ', column - 1) + new string('^', length));
        }
    }

    public static void GitHub(IReadOnlyList<Diagnostic> diagnostics, TextWriter output)
    {
        foreach (var d in diagnostics)
        {
            var level = d.IsError ? "error" : "warning";
            var where = d.Location.Line > 0 ? $" file={d.Location.File},line={d.Location.Line},col={d.Location.Column}" : $" file={d.Location.File}";
            output.WriteLine($"::{level}{where},title={d.Code}::{Escape(d.Message)}");
        }
    }

    public static void Json(IReadOnlyList<Diagnostic> diagnostics, TextWriter output)
    {
        var items = diagnostics.Select(d => new
        {
            code = d.Code,
            severity = d.IsError ? "error" : "warning",
            file = d.Location.File,
            line = d.Location.Line,
            column = d.Location.Column,
            length = d.Location.Length,
            message = d.Message,
        });
        output.WriteLine(JsonSerializer.Serialize(new { diagnostics = items }, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>GitHub workflow commands need %, CR and LF escaped in the message.</summary>
    private static string Escape(string s) =>
        s.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string? SourceLine(Diagnostic d, Dictionary<string, string[]?> cache)
    {
        if (d.Location.Line <= 0) return null;
        if (!cache.TryGetValue(d.Location.File, out var lines))
        {
            lines = File.Exists(d.Location.File) ? File.ReadAllLines(d.Location.File) : null;
            cache[d.Location.File] = lines;
        }
        return lines is not null && d.Location.Line <= lines.Length ? lines[d.Location.Line - 1] : null;
    }
}
