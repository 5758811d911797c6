using Microsoft.Extensions.Options;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Delivery;

namespace RetentionPlaybooks.Host.Interactivity;

/// <summary>
/// The Slack workspace this host belongs to: <c>Slack:TeamId</c> when set, else the team of the bot token (auth.test,
/// asked once and remembered). Clicks from any other team are refused.
/// </summary>
internal sealed class SlackWorkspace(IOptions<SlackOptions> options, IDeliverySender sender)
{
    private string? _team;

    /// <summary>The team id, or null when it cannot be known now (no token and no Slack:TeamId, or Slack unreachable); with why.</summary>
    public async Task<(string? Team, string? Why)> TeamIdAsync(CancellationToken ct)
    {
        if (options.Value.TeamId is { Length: > 0 } configured) return (configured, null);
        if (Volatile.Read(ref _team) is { } known) return (known, null);
        if (sender is not SlackApiSender api) return (null, "no Slack bot token is set, so this host's workspace is not known: set Slack:TeamId");
        var call = await api.CheckAsync(ct).ConfigureAwait(false);
        if (!call.IsSuccess) return (null, $"auth.test failed ({call.Error}); the workspace is checked again on the next request");
        Volatile.Write(ref _team, call.Value!.TeamId);
        return (call.Value.TeamId, null);
    }
}
