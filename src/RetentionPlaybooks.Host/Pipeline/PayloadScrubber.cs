using Microsoft.Extensions.Options;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Pipeline;

/// <summary>
/// Customer data at rest is kept no longer than needed: once an hour, webhook bodies processed more than
/// Store:KeepPayloads ago are blanked. Delivery ids and decisions stay for de-duplication and for "why?".
/// </summary>
internal sealed class PayloadScrubber(IInboxStore store, IOptions<StoreOptions> options, TimeProvider time, ILogger<PayloadScrubber> logger)
    : ResilientWorker
{
    protected override TimeProvider Clock => time;

    protected override ILogger Log => logger;

    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override TimeSpan RetryDelay => Interval;

    protected override string FailureMessage => "Scrubbing old webhook bodies failed; trying again in an hour";

    // One pass, then an hour's wait.
    protected override async Task<bool> StepAsync(CancellationToken ct)
    {
        await ScrubAsync(ct).ConfigureAwait(false);
        return false;
    }

    protected override Task WaitForWorkAsync(CancellationToken ct) => Task.Delay(Interval, time, ct);

    internal async Task<int> ScrubAsync(CancellationToken ct)
    {
        var scrubbed = await store.ScrubPayloadsAsync(time.GetUtcNow() - options.Value.KeepPayloads, ct).ConfigureAwait(false);
        if (scrubbed > 0) logger.LogInformation("Blanked {Count} webhook body(ies) older than {Days} days", scrubbed, options.Value.KeepPayloads.TotalDays);
        return scrubbed;
    }
}
