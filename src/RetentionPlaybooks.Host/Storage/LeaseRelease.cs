using RetentionPlaybooks.Host.Configuration;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// On a graceful stop (SIGTERM, a rolling restart), once the web server has stopped taking requests and the workers have
/// finished the step each was in, gives back whatever this host still holds under <see cref="StoreOptions.Owner"/>, so the
/// other hosts take it at once instead of waiting for the lease to run out. Registered before the workers: hosted services
/// stop in reverse order, so this one stops last.
/// </summary>
internal sealed class LeaseRelease(IStore store, StoreOptions options, DeliveryOptions delivery, TimeProvider time, ILogger<LeaseRelease> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            var released = await store.Leases.ReleaseAsync(options.Owner, now, now + delivery.PerChannelInterval, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Stopping: gave back {Records} inbox record(s), {Deliveries} delivery(ies) in doubt and {Destinations} Slack channel(s) held by {Owner}",
                released.InboxRecords, released.Deliveries, released.Destinations, options.Owner);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not fatal: the leases run out by themselves and other hosts take the work then.
            logger.LogWarning(ex, "Stopping: could not give back the leases of {Owner}; other hosts take its work when they expire", options.Owner);
        }
    }
}
