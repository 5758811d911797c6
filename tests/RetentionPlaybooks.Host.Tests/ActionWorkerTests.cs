using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The click worker's step on a real store: what it reports, what it skips, and whom it wakes.</summary>
public sealed class ActionWorkerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"rp-actions-{Guid.NewGuid():N}.db");
    private SqliteStore _store = null!;
    private PlaybookCatalog _catalog = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteStore(_path, _time);
        _catalog = new PlaybookCatalog(RepoPaths.Playbooks, NullLogger<PlaybookCatalog>.Instance, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _catalog.Dispose();
        await _store.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*")) File.Delete(file);
    }

    private static BlockAction Click(string escalation, string ts) => new("T1", "U07LEAD", CaseAction.Acknowledge, escalation, null, ts, null);

    private ActionWorker Worker(IActionStore store, OutboxSignal outbox) =>
        new(store, _catalog, new ActionSignal(), outbox, _time, NullLogger<ActionWorker>.Instance);

    [Fact]
    public async Task NothingPending_ReportsNoWork_AndWakesNoDeliveryLane()
    {
        var outbox = new OutboxSignal();

        var worked = await Worker(_store.Actions, outbox).ApplyPendingAsync(CancellationToken.None);

        Assert.False(worked);
        Assert.False(outbox.Signal.WaitAsync(CancellationToken.None).IsCompleted);
        Assert.False(outbox.CustomerIo.WaitAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task AClickAnotherWorkerAppliedFirst_IsSkipped_TheOthersAreApplied_AndBothLanesAreWoken()
    {
        await _store.Actions.AcceptAsync([Click("01JNOSUCHCASE0000000000001", "1.1"), Click("01JNOSUCHCASE0000000000002", "1.2")], CancellationToken.None);
        var outbox = new OutboxSignal();
        // Another host's worker takes the first click between this worker's read and its apply.
        var racing = new FirstAppliedElsewhere(_store.Actions, _time);

        var worked = await Worker(racing, outbox).ApplyPendingAsync(CancellationToken.None);

        Assert.True(worked);
        var all = await _store.Actions.AllAsync(10, CancellationToken.None);
        Assert.Equal([nameof(CaseResult.UnknownEscalation), nameof(CaseResult.UnknownEscalation)], all.Select(a => a.Result));
        Assert.Equal(1, racing.AppliedElsewhere);
        Assert.Empty(await _store.Actions.PendingAsync(10, CancellationToken.None));
        Assert.True(outbox.Signal.WaitAsync(CancellationToken.None).IsCompleted);
        Assert.True(outbox.CustomerIo.WaitAsync(CancellationToken.None).IsCompleted);
    }

    /// <summary>The real store, with a second worker that applies the first pending click as soon as this one has read it.</summary>
    private sealed class FirstAppliedElsewhere(IActionStore inner, TimeProvider time) : IActionStore
    {
        public int AppliedElsewhere { get; private set; }

        public async Task<IReadOnlyList<StoredAction>> PendingAsync(int limit, CancellationToken ct)
        {
            var pending = await inner.PendingAsync(limit, ct);
            if (pending.Count > 0 && await inner.ApplyAsync(pending[0].Id, time.GetUtcNow(), _ => null, _ => [], ct) is not null) AppliedElsewhere++;
            return pending;
        }

        public Task<AcceptResult> AcceptAsync(IReadOnlyList<BlockAction> actions, CancellationToken ct) => inner.AcceptAsync(actions, ct);

        public Task<IReadOnlyList<StoredAction>> AllAsync(int limit, CancellationToken ct) => inner.AllAsync(limit, ct);

        public Task<CaseTransition?> ApplyAsync(long actionId, DateTimeOffset at, Func<string, IReadOnlyList<string>?> lostReasons, Func<CaseTransition, IReadOnlyList<NewDelivery>> deliveries, CancellationToken ct) =>
            inner.ApplyAsync(actionId, at, lostReasons, deliveries, ct);

        public Task<CaseState?> CaseAsync(string escalationId, CancellationToken ct) => inner.CaseAsync(escalationId, ct);
    }
}
