using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Diagnostics;

/// <summary>One problem found in a playbook, with a stable code (RP0xxx) and the place it was found.</summary>
internal sealed record Diagnostic(string Code, DiagnosticSeverity Severity, SourceLocation Location, string Message)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public override string ToString() =>
        $"{Location}: {(IsError ? "error" : "warning")} {Code}: {Message}";
}
