using Microsoft.Extensions.Options;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Delivery;

namespace RetentionPlaybooks.Host.Interactivity;

/// <summary>
/// The Slack workspace this host belongs to: <c>Slack:TeamId</c> when set, else the team of the bot token (auth.test,
/// learned at start-up, or asked on the first click when that check failed, and remembered). Clicks from any other team
/// are refused.
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
        Remember(call.Value!.TeamId);
        return (call.Value.TeamId, null);
    }

    /// <summary>The bot token's team as the start-up check learned it, so no click waits for auth.test on Slack's
    /// 3-second clock.</summary>
    public void Remember(string teamId) => Volatile.Write(ref _team, teamId);
}
