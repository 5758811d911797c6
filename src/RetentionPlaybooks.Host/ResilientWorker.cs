namespace RetentionPlaybooks.Host;

/// <summary>
/// The one background loop the host's workers share (inbox, deliveries, scrubber): run a step; when it did nothing,
/// wait for work; whatever a step throws is logged and the loop goes on after <see cref="RetryDelay"/> on the injected
/// clock — the state is durable, so a failed step is simply tried again. Only the host stopping ends it: waiting for work
/// ends at once, but a step under way is finished (a claimed batch decided, a claimed send made and marked), so a stopping
/// host leaves nothing half done; only a step still running <see cref="StopGrace"/> after the stop is cancelled.
/// </summary>
internal abstract class ResilientWorker : BackgroundService
{
    /// <summary>The clock the retry delay waits on.</summary>
    protected abstract TimeProvider Clock { get; }

    /// <summary>Where a failed step is logged.</summary>
    protected abstract ILogger Log { get; }

    /// <summary>How long to wait after a failed step before the next.</summary>
    protected virtual TimeSpan RetryDelay => TimeSpan.FromSeconds(1);

    /// <summary>What the log says when a step fails ("Inbox processing failed; retrying in 1 s (...)").</summary>
    protected abstract string FailureMessage { get; }

    /// <summary>Work to do once before the first step (retried, like a step, until it succeeds).</summary>
    protected virtual Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>One step; true when it did work (the next step runs at once), false to wait for work.</summary>
    protected abstract Task<bool> StepAsync(CancellationToken ct);

    /// <summary>Waits until there may be work (a signal, a due time).</summary>
    protected abstract Task WaitForWorkAsync(CancellationToken ct);

    /// <summary>How long a step under way may still run once the host stops (within the host's own shutdown timeout).</summary>
    protected virtual TimeSpan StopGrace => TimeSpan.FromSeconds(10);

    /// <summary>Steps that failed since start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    private long _failures;

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The steps' token: cancelled only StopGrace after the stop, so the step under way finishes.
        using var abort = new CancellationTokenSource();
        using var onStop = stoppingToken.Register(() => _ = CancelAfterGraceAsync(abort));
        var started = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!started)
                {
                    await PrepareAsync(stoppingToken).ConfigureAwait(false);
                    started = true;
                }
                if (!await StepAsync(abort.Token).ConfigureAwait(false) && !stoppingToken.IsCancellationRequested) await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested)
            {
                // The step failed while the host stopped: its work stays in the store, and the leases are given back.
                Interlocked.Increment(ref _failures);
#pragma warning disable CA2254 // The message is a constant per worker.
                Log.LogWarning(ex, FailureMessage);
#pragma warning restore CA2254
                return;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failures);
#pragma warning disable CA2254 // The message is a constant per worker.
                Log.LogError(ex, FailureMessage);
#pragma warning restore CA2254
                try
                {
                    await Task.Delay(RetryDelay, Clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task CancelAfterGraceAsync(CancellationTokenSource abort)
    {
        try
        {
            await Task.Delay(StopGrace, Clock).ConfigureAwait(false);
            abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The loop ended first: nothing to cancel.
        }
    }
}
