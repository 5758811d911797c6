using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Slack.Api;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>Chooses Slack's Web API when a bot token is configured, else the local preview sink.</summary>
internal static class SlackSenderFactory
{
    public static IDeliverySender Create(IServiceProvider services, SlackOptions options)
    {
        if (string.IsNullOrEmpty(options.BotToken)) return services.GetRequiredService<PreviewSender>();
        var api = new SlackApiOptions { BaseUrl = new Uri(options.ApiBaseUrl), BotToken = options.BotToken, Timeout = options.Timeout };
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("slack");
        // The request timeout bounds a real network wait, so it runs on the real clock; pacing, backoff and
        // Retry-After run on the injected TimeProvider in the outbox worker.
        // Every call's outcome goes to /health's Slack check and to /metrics (a 429 of a lookup counts as much as a post's).
        var status = services.GetRequiredService<Health.SlackStatus>();
        var metrics = services.GetRequiredService<Health.HostMetrics>();
        return new SlackApiSender(new SlackApiClient(http, api, TimeProvider.System)
        {
            Observer = (method, outcome, error) =>
            {
                status.Observe(method, outcome, error);
                metrics.SlackCalled(method, outcome);
            },
        });
    }
}
