using Microsoft.Extensions.Options;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Pipeline;

/// <summary>
/// Customer data at rest is kept no longer than needed: once an hour, webhook bodies processed more than
/// Store:KeepPayloads ago are blanked. Delivery ids and decisions stay for de-duplication and for "why?".
/// </summary>
internal sealed class PayloadScrubber(IEscalationStore store, IOptions<StoreOptions> options, TimeProvider time, ILogger<PayloadScrubber> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScrubAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Scrubbing old webhook bodies failed; trying again in an hour");
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    internal async Task<int> ScrubAsync(CancellationToken ct)
    {
        var scrubbed = await store.ScrubPayloadsAsync(time.GetUtcNow() - options.Value.KeepPayloads, ct).ConfigureAwait(false);
        if (scrubbed > 0) logger.LogInformation("Blanked {Count} webhook body(ies) older than {Days} days", scrubbed, options.Value.KeepPayloads.TotalDays);
        return scrubbed;
    }
}
