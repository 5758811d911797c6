using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Playbooks;

namespace RetentionPlaybooks.Host.Health;

/// <summary>Says at start-up what the host runs: how many playbooks, which store, where messages go.</summary>
internal sealed class StartupReport(PlaybookCatalog catalog, ISlackSender sender, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Loaded {Count} playbook(s): {Ids}", catalog.Current.Playbooks.Count, string.Join(", ", catalog.Current.Playbooks.Select(p => p.Id)));
        if (sender.Name == "preview")
        {
            logger.LogWarning("No Slack bot token (Slack:BotToken / env Slack__BotToken): escalations go to the local preview sink — the console and GET /preview");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
