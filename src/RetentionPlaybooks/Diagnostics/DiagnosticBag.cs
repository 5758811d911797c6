using System.Collections;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Diagnostics;

/// <summary>
/// Collects diagnostics; nothing in the compiler throws for a user's mistake. Every message text lives in
/// exactly one Report* method, split by area across the partial files beside this one.
/// </summary>
internal sealed partial class DiagnosticBag : IEnumerable<Diagnostic>
{
    private readonly List<Diagnostic> _items = [];

    public int Count => _items.Count;

    /// <summary>How many errors so far; kept as they are added, because passes compare it before and after each gate.</summary>
    public int ErrorCount { get; private set; }

    public bool HasErrors => ErrorCount > 0;

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics) Add(d);
    }

    private void Add(Diagnostic diagnostic)
    {
        _items.Add(diagnostic);
        if (diagnostic.IsError) ErrorCount++;
    }

    public IEnumerator<Diagnostic> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Diagnostics in file, line, column order.</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        _items.OrderBy(d => d.Location.File, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)
            .ThenBy(d => d.Code, StringComparer.Ordinal)
            .ToList();

    private void Error(string code, SourceLocation location, string message) =>
        Add(new Diagnostic(code, DiagnosticSeverity.Error, location, message));

    private void Warning(string code, SourceLocation location, string message) =>
        Add(new Diagnostic(code, DiagnosticSeverity.Warning, location, message));

    /// <summary>Formats a "did you mean" tail, or nothing when no candidate is close.</summary>
    internal static string DidYouMean(string? suggestion) =>
        suggestion is null ? "" : $"; did you mean \"{suggestion}\"?";
}
