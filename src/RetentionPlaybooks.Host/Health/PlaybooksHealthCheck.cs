using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetentionPlaybooks.Host.Playbooks;

namespace RetentionPlaybooks.Host.Health;

/// <summary>The playbooks in use, and whether the newest files on disk were rejected (naming the files at fault).</summary>
internal sealed class PlaybooksHealthCheck(PlaybookCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var rejection = catalog.Rejection;
        var data = new Dictionary<string, object>
        {
            ["playbooks"] = catalog.Current.Playbooks.Count,
            ["playbooks_loaded_at"] = catalog.LoadedAt,
            // Which set this host runs: equal on hosts with the same files, changed by a reload that took new ones.
            ["playbooks_hash"] = catalog.Current.SetHash,
            ["rejected_reload_errors"] = rejection?.ErrorCount ?? 0,
            ["rejected_reload_files"] = rejection?.Files ?? [],
        };
        if (rejection is null) return Task.FromResult(HealthCheckResult.Healthy(data: data));
        data["rejected_reload_at"] = rejection.At;
        var why = rejection.Reason ?? $"{rejection.ErrorCount} error(s)";
        return Task.FromResult(HealthCheckResult.Degraded(
            $"the newest playbooks were rejected ({why} in {string.Join(", ", rejection.Files)}); still running the set loaded at {catalog.LoadedAt:O} — run `playbooks validate` for the diagnostics",
            data: data));
    }
}
