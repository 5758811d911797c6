using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Playbooks;

namespace RetentionPlaybooks.Host.Health;

/// <summary>Says at start-up what the host runs: how many playbooks, which store, where messages go.</summary>
internal sealed class StartupReport(PlaybookCatalog catalog, IDeliverySender sender, Interactivity.SlackWorkspace workspace, Delivery.WriteBackSender writeBack, Microsoft.Extensions.Options.IOptions<Configuration.SlackOptions> slackOptions, ILogger<StartupReport> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (writeBack.Sender is CustomerIo.CustomerIoSender track)
        {
            // Not fatal either: the write-back waits in its lane until Customer.io answers.
            var check = await track.CheckAsync(cancellationToken).ConfigureAwait(false);
            if (check.Outcome == CustomerIo.TrackCallOutcome.Success) logger.LogInformation("Customer.io Track API: credentials accepted (region {Region})", check.Region);
            else logger.LogError("Customer.io Track API check failed ({Error}); write-back waits until this is fixed", check.Error);
        }
        else
        {
            logger.LogWarning("No Customer.io Track API credentials (CustomerIo:SiteId and CustomerIo:TrackApiKey / env CustomerIo__SiteId, CustomerIo__TrackApiKey): holds and outcomes are written to the local preview sink, not to Customer.io");
        }
        logger.LogInformation("Loaded {Count} playbook(s): {Ids}", catalog.Current.Playbooks.Count, string.Join(", ", catalog.Current.Playbooks.Select(p => p.Id)));
        if (string.IsNullOrEmpty(slackOptions.Value.SigningSecret))
        {
            logger.LogWarning("No Slack signing secret (Slack:SigningSecret / env Slack__SigningSecret): POST /slack/interactivity refuses every click");
        }
        if (sender.Name == "preview")
        {
            logger.LogWarning("No Slack bot token (Slack:BotToken / env Slack__BotToken): escalations go to the local preview sink — the console and GET /preview");
        }
        else if (sender is SlackApiSender slack)
        {
            // Not fatal: Slack may be down right now, and the outbox waits for it. But a bad token is worth saying at once.
            var identity = await slack.CheckAsync(cancellationToken).ConfigureAwait(false);
            if (identity.IsSuccess)
            {
                workspace.Remember(identity.Value.TeamId);
                logger.LogInformation("Slack: connected to {Team} as {User}", identity.Value.Team, identity.Value.User);
            }
            else logger.LogError("Slack auth.test failed ({Error}); escalations wait in the outbox until this is fixed", identity.Error);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
