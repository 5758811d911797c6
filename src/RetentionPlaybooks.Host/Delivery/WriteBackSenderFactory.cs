using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.CustomerIo;
using RetentionPlaybooks.Host.Playbooks;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>The sender of the Customer.io lane, apart from Slack's in the container.</summary>
internal sealed record WriteBackSender(IDeliverySender Sender);

/// <summary>The worker of the Customer.io lane (an <see cref="OutboxWorker"/> claiming write-back only).</summary>
internal sealed record WriteBackWorker(OutboxWorker Worker);

/// <summary>Chooses Customer.io's Track API when its credentials are configured, else the local preview sink.</summary>
internal static class WriteBackSenderFactory
{
    public static IDeliverySender Create(IServiceProvider services, CustomerIoOptions options)
    {
        if (!options.HasTrackCredentials) return services.GetRequiredService<PreviewSender>();
        // The base URL: configured, or by the workspace's region (us / eu) as the playbooks declare it.
        var region = services.GetRequiredService<PlaybookCatalog>().Current.Workspace?.Links.Region;
        var track = new TrackApiOptions
        {
            SiteId = options.SiteId,
            TrackApiKey = options.TrackApiKey,
            BaseUrl = options.TrackApiBaseUrl is { Length: > 0 } url ? new Uri(url) : TrackApiOptions.DefaultBaseUrl(region),
            Timeout = options.TrackApiTimeout,
        };
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("customerio");
        // As for Slack: the request timeout bounds a real network wait (the real clock); pacing and backoff are the worker's.
        return new CustomerIoSender(new TrackApiClient(http, track, TimeProvider.System));
    }
}
