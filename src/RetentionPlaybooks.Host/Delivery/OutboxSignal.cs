using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>Wakes a worker when there is new work, so it never polls on a timer.</summary>
internal sealed class WorkSignal
{
    private readonly SemaphoreSlim _signal = new(0);

    public void Notify()
    {
        // At most one pending wake-up: the worker drains everything each time it runs.
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    public Task WaitAsync(CancellationToken ct) => _signal.WaitAsync(ct);
}

/// <summary>New deliveries: one wake-up per lane, so both workers hear of them.</summary>
internal sealed class OutboxSignal
{
    /// <summary>The Slack lane's wake-up.</summary>
    public WorkSignal Signal { get; } = new();

    /// <summary>The Customer.io lane's wake-up.</summary>
    public WorkSignal CustomerIo { get; } = new();

    public WorkSignal For(DeliveryLane lane) => lane == DeliveryLane.CustomerIo ? CustomerIo : Signal;

    public void NotifyAll()
    {
        Signal.Notify();
        CustomerIo.Notify();
    }
}

/// <summary>New signals in the inbox.</summary>
internal sealed class InboxSignal
{
    public WorkSignal Signal { get; } = new();
}
