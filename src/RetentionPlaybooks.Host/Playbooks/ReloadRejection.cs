using RetentionPlaybooks.Diagnostics;

namespace RetentionPlaybooks.Host.Playbooks;

/// <summary>
/// Why the newest playbook files were not taken: when, the compiler's diagnostics, the files at fault, and — for an
/// unexpected error rather than a diagnostic — what went wrong. One value, replaced whole, so a reader on another
/// thread never sees half of one rejection and half of the next.
/// </summary>
internal sealed record ReloadRejection(DateTimeOffset At, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> Files, string? Reason)
{
    public int ErrorCount => Diagnostics.Count(d => d.IsError);
}
