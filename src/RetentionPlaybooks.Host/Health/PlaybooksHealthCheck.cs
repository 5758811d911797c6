using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetentionPlaybooks.Host.Playbooks;

namespace RetentionPlaybooks.Host.Health;

/// <summary>The playbooks in use, and whether the newest files on disk were rejected (naming the files at fault).</summary>
internal sealed class PlaybooksHealthCheck(PlaybookCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var errors = catalog.RejectedDiagnostics.Count(d => d.IsError);
        var data = new Dictionary<string, object>
        {
            ["playbooks"] = catalog.Current.Playbooks.Count,
            ["playbooks_loaded_at"] = catalog.LoadedAt,
            ["rejected_reload_errors"] = errors,
            ["rejected_reload_files"] = catalog.RejectedFiles,
        };
        if (catalog.RejectedAt is not { } at) return Task.FromResult(HealthCheckResult.Healthy(data: data));
        data["rejected_reload_at"] = at;
        var why = catalog.RejectedReason ?? $"{errors} error(s)";
        return Task.FromResult(HealthCheckResult.Degraded(
            $"the newest playbooks were rejected ({why} in {string.Join(", ", catalog.RejectedFiles)}); still running the set loaded at {catalog.LoadedAt:O} — run `playbooks validate` for the diagnostics",
            data: data));
    }
}
