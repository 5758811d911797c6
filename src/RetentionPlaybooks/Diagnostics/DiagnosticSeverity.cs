namespace RetentionPlaybooks.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}
