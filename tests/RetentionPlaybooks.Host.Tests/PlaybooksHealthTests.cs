using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Health;
using RetentionPlaybooks.Host.Playbooks;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>/health's playbook verdict, in process: the set in use, and a rejected reload named with its files and its count
/// of errors, the last good set still running.</summary>
public sealed class PlaybooksHealthTests
{
    [Fact]
    public async Task TheSetInUse_IsHealthy_WithNoRejection()
    {
        using var playbooks = new PlaybookCopy();
        using var catalog = new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, new FakeTimeProvider(HostApp.Start));

        var result = await new PlaybooksHealthCheck(catalog).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(catalog.Current.Playbooks.Count, result.Data["playbooks"]);
        Assert.Equal(HostApp.Start, result.Data["playbooks_loaded_at"]);
        Assert.Equal(catalog.Current.SetHash, result.Data["playbooks_hash"]);
        Assert.Equal(0, result.Data["rejected_reload_errors"]);
        Assert.Empty((IEnumerable<string>)result.Data["rejected_reload_files"]);
        Assert.False(result.Data.ContainsKey("rejected_reload_at"));
    }

    [Fact]
    public async Task ARejectedReload_IsDegraded_NamingTheFileAndItsErrors_AndTheSetStillRunning()
    {
        using var playbooks = new PlaybookCopy();
        var time = new FakeTimeProvider(HostApp.Start);
        using var catalog = new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, time);
        playbooks.Replace("subscription-cancel-save.yaml", "sla: 4h", "sla: {4h");
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.False(catalog.Reload());
        var result = await new PlaybooksHealthCheck(catalog).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, result.Status);
        var file = Assert.Single((IEnumerable<string>)result.Data["rejected_reload_files"]);
        Assert.EndsWith("subscription-cancel-save.yaml", file, StringComparison.Ordinal);
        var errors = Assert.IsType<int>(result.Data["rejected_reload_errors"]);
        Assert.True(errors > 0);
        Assert.Equal(HostApp.Start.AddMinutes(5), result.Data["rejected_reload_at"]);
        Assert.Equal($"the newest playbooks were rejected ({errors} error(s) in {file}); still running the set loaded at {HostApp.Start:O} — run `playbooks validate` for the diagnostics",
            result.Description);
    }
}
