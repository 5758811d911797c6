using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.Host.Playbooks;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>/health says which playbook set a host runs: a hash equal on hosts with the same files, changed by a reload.</summary>
public sealed class PlaybookSetHashTests
{
    [Fact]
    public async Task PlaybooksHash_IsEqualOnHostsWithTheSameFiles_AndChangesWhenAReloadTakesNewOnes()
    {
        using var playbooks = new PlaybookCopy();
        using var other = new PlaybookCopy();
        using var first = new HostApp(playbooks.Path);
        using var second = new HostApp(playbooks.Path);
        using var elsewhere = new HostApp(other.Path);

        var hash = (await first.HealthAsync()).GetProperty("playbooks_hash").GetString()!;
        var loadedAt = (await first.HealthAsync()).GetProperty("playbooks_loaded_at").GetDateTimeOffset();
        Assert.Matches("^[0-9a-f]{16}$", hash);
        Assert.Equal(hash, (await second.HealthAsync()).GetProperty("playbooks_hash").GetString());
        Assert.Equal(hash, (await elsewhere.HealthAsync()).GetProperty("playbooks_hash").GetString());

        playbooks.Replace("vip-cart-abandonment.yaml", "sla: 2h", "sla: 3h");
        first.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(first.Services.GetRequiredService<PlaybookCatalog>().Reload());
        var health = await first.HealthAsync();

        Assert.NotEqual(hash, health.GetProperty("playbooks_hash").GetString());
        Assert.Equal(loadedAt + TimeSpan.FromMinutes(5), health.GetProperty("playbooks_loaded_at").GetDateTimeOffset());
        // The second host has not reloaded: it still says which set it runs.
        Assert.Equal(hash, (await second.HealthAsync()).GetProperty("playbooks_hash").GetString());
        // A rejected reload keeps the set, and its hash.
        playbooks.Write("broken.yaml", "trigger: [");
        var newHash = health.GetProperty("playbooks_hash").GetString();
        Assert.False(first.Services.GetRequiredService<PlaybookCatalog>().Reload());
        Assert.Equal(newHash, (await first.HealthAsync()).GetProperty("playbooks_hash").GetString());
    }
}
