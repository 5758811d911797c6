using RetentionPlaybooks.Host.Configuration;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>Chooses Slack's Web API when a bot token is configured, else the local preview sink.</summary>
internal static class SlackSenderFactory
{
    public static ISlackSender Create(IServiceProvider services, SlackOptions options)
    {
        // TODO(slack api merge): return a Web API sender when options.BotToken is set.
        _ = options;
        return services.GetRequiredService<PreviewSender>();
    }
}
