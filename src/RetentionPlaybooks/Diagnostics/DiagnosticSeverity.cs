namespace RetentionPlaybooks.Diagnostics;

internal enum DiagnosticSeverity
{
    Warning,
    Error,
}
