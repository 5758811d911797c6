using System.Text;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Loading;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Compilation;

/// <summary>A file handed to the compiler: the path shown in diagnostics and its text.</summary>
internal sealed record SourceFile(string Path, string Text)
{
    public const string WorkspaceFileName = "workspace.yaml";
    public const string DataModelFileName = "data-model.yaml";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True when the file could not be read as text; its error is reported and it is not compiled.</summary>
    public bool Unreadable { get; init; }

    /// <summary>Fixture files (playbook test cases) live beside playbooks but are not playbooks.</summary>
    public static bool IsFixture(string path) =>
        path.EndsWith(".tests.yaml", StringComparison.Ordinal) || path.EndsWith(".tests.yml", StringComparison.Ordinal);

    /// <summary>The YAML files of a playbooks folder (not its subfolders), in a stable order; read errors are reported.</summary>
    public static IReadOnlyList<SourceFile> ReadDirectory(string directory, DiagnosticBag diagnostics)
    {
        var files = Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml"))
            .Where(p => !IsFixture(p))
            .Order(StringComparer.Ordinal)
            .Select(p => Read(p, diagnostics))
            .ToList();
        return files;
    }

    /// <summary>
    /// Reads a file as strict UTF-8 (a leading byte-order mark is dropped), refusing one over
    /// <see cref="LoaderLimits.MaxFileSize"/> before reading it. A failure is reported and gives an
    /// <see cref="Unreadable"/> file.
    /// </summary>
    public static SourceFile Read(string path, DiagnosticBag diagnostics)
    {
        var shown = path.Replace('\\', '/');
        var start = new SourceLocation(shown, 1, 1);
        var unreadable = new SourceFile(shown, "") { Unreadable = true };
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > LoaderLimits.MaxFileSize)
            {
                diagnostics.ReportFileTooLarge(start, length, LoaderLimits.MaxFileSize);
                return unreadable;
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.ReportUnreadableFile(start, ex.Message);
            return unreadable;
        }
        var text = Decode(shown, bytes, diagnostics);
        return text is null ? unreadable : new SourceFile(shown, text);
    }

    private static string? Decode(string path, byte[] bytes, DiagnosticBag diagnostics)
    {
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            diagnostics.ReportUtf16(new SourceLocation(path, 1, 1));
            return null;
        }
        var skip = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (DecoderFallbackException ex)
        {
            var bad = skip + Math.Max(0, ex.Index);
            // The bytes before the bad one are valid UTF-8, so they give the line and column.
            var before = Encoding.UTF8.GetString(bytes, skip, Math.Min(bad, bytes.Length) - skip);
            diagnostics.ReportInvalidUtf8(TextPosition.At(path, before, before.Length), bad < bytes.Length ? bytes[bad] : (byte)0);
            return null;
        }
    }
}
