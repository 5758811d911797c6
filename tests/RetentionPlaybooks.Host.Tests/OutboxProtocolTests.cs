using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The delivery protocol step by step, in process, on the fake clock: what each answer of Slack does to the escalation's
/// row (sent, retried when and how, dead), and the in-doubt rule — an escalation that may be in Slack is looked up and
/// never posted twice. The sender is scripted at the ISlackSender boundary; DeliveryTests run the real one against the
/// fake Slack over HTTP.
/// </summary>
public sealed class OutboxProtocolTests : IAsyncDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"rp-protocol-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private readonly SqliteStore _store;
    private readonly Scripted _sender = new();
    private readonly DeliveryOptions _options = new() { PerChannelInterval = TimeSpan.FromSeconds(1), RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromSeconds(60) };

    public OutboxProtocolTests() => _store = new SqliteStore(_db, _time);

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _db, _db + "-wal", _db + "-shm" }) File.Delete(f);
    }

    private sealed class Scripted : IDeliverySender
    {
        public Queue<SendResult> Sends { get; } = new();

        public Queue<FindResult> Finds { get; } = new();

        public List<string> Sent { get; } = [];

        public List<string> Looked { get; } = [];

        public string Name => "scripted";

        public bool Delivers(DeliveryKind kind) => kind != DeliveryKind.CustomerIo;

        public Task<SendResult> SendAsync(DeliveryItem item, CancellationToken ct)
        {
            Sent.Add(item.Id);
            return Task.FromResult(Sends.Dequeue());
        }

        public Task<FindResult> FindAsync(DeliveryItem item, CancellationToken ct)
        {
            Looked.Add(item.Id);
            return Task.FromResult(Finds.Dequeue());
        }
    }

    private OutboxWorker Worker(DeliveryLane lane = DeliveryLane.Slack, Health.HostMetrics? metrics = null, OutboxSignal? signal = null) => new(_store.Deliveries, new DeliverySenders(_sender), signal ?? new OutboxSignal(), _options, new StoreOptions { Owner = StoreSeeding.Owner },
        _time, NullLogger<OutboxWorker>.Instance, lane, lane == DeliveryLane.CustomerIo ? new DeliveryRate(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1)) : null, metrics);

    private Task EnqueueAsync(string id, string target = "C07VIPSAVES") => _store.QueueAsync(_time, id, target);

    private async Task<DeliveryItem> Row(string id) => (await _store.Deliveries.GetAsync(id, CancellationToken.None))!;

    /// <summary>Claims the next delivery as a host that then fails (or dies) before it knows whether Slack has it.</summary>
    private async Task LeaveInDoubtAsync(string id)
    {
        var now = _time.GetUtcNow();
        var claimed = await _store.Deliveries.ClaimAsync(StoreSeeding.Owner, now, now + TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal(id, claimed!.Id);
        await _store.Deliveries.MarkRetryAsync(StoreSeeding.Owner, id, now, "interrupted", countAttempt: false, inDoubt: true, now, CancellationToken.None);
    }

    [Fact]
    public async Task Sent_IsMarkedSentWithItsChannelAndTs_AndCounted()
    {
        await EnqueueAsync("a");
        _sender.Sends.Enqueue(SendResult.Posted("C07VIPSAVES", "1764.0001"));
        var worker = Worker();

        Assert.True(await worker.DeliverOneAsync(CancellationToken.None));

        var row = await Row("a");
        Assert.Equal(DeliveryState.Sent, row.State);
        Assert.Equal(("C07VIPSAVES", "1764.0001"), (row.SlackChannel, row.SlackTs));
        Assert.Equal(1, worker.Posted);
        Assert.False(await worker.DeliverOneAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RateLimited_WaitsExactlyRetryAfter_WithoutCountingAnAttempt_AndPausesTheChannel()
    {
        await EnqueueAsync("a");
        await EnqueueAsync("b");
        await EnqueueAsync("other", target: "C07CXESCAL");
        _sender.Sends.Enqueue(new SendResult(SendOutcome.RateLimited, RetryAfter: TimeSpan.FromSeconds(30), Error: "ratelimited"));
        _sender.Sends.Enqueue(SendResult.Posted("C07CXESCAL", "2"));
        var worker = Worker();

        Assert.True(await worker.DeliverOneAsync(CancellationToken.None));
        Assert.True(await worker.DeliverOneAsync(CancellationToken.None)); // another channel is not held up
        var blocked = await worker.DeliverOneAsync(CancellationToken.None); // the limited channel is paused

        var row = await Row("a");
        Assert.Equal(DeliveryState.Pending, row.State);
        Assert.Equal(HostApp.Start + TimeSpan.FromSeconds(30), row.DueAt);
        Assert.Equal(0, row.Attempts);
        Assert.Equal("rate limited; retry after 30 s", row.LastError);
        Assert.False(blocked);
        Assert.Equal(["a", "other"], _sender.Sent);
        Assert.Equal(HostApp.Start + TimeSpan.FromSeconds(30), await worker.NextWakeAsync(_time.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task Transient_BacksOffExponentially_CountingAttempts_UpToTheMax()
    {
        await EnqueueAsync("a");
        var worker = Worker();
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            _sender.Sends.Enqueue(new SendResult(SendOutcome.Transient, Error: "http 503"));
            var before = _time.GetUtcNow();
            Assert.True(await worker.DeliverOneAsync(CancellationToken.None));
            var row = await Row("a");
            delays.Add(row.DueAt - before);
            Assert.Equal(i + 1, row.Attempts);
            Assert.Equal("http 503", row.LastError);
            Assert.False(row.InDoubt);
            _time.SetUtcNow(row.DueAt);
        }

        Assert.Equal([2, 4, 8, 16, 32, 60, 60], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task TransientThatMayHaveReachedSlack_IsRetriedInDoubt_AndLookedUpFirst()
    {
        await EnqueueAsync("a");
        _sender.Sends.Enqueue(new SendResult(SendOutcome.Transient, Error: "timeout", InDoubt: true));
        _sender.Finds.Enqueue(new FindResult(true, "C07VIPSAVES", "9.9"));
        var worker = Worker();

        await worker.DeliverOneAsync(CancellationToken.None);
        Assert.True((await Row("a")).InDoubt);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await worker.DeliverOneAsync(CancellationToken.None));

        var row = await Row("a");
        Assert.Equal(DeliveryState.Sent, row.State);
        Assert.Equal("9.9", row.SlackTs);
        Assert.Equal(["a"], _sender.Sent);     // posted once: the lookup found it
        Assert.Equal(["a"], _sender.Looked);
    }

    [Fact]
    public async Task Permanent_IsADeadLetter_WithSlacksError()
    {
        await EnqueueAsync("a");
        _sender.Sends.Enqueue(new SendResult(SendOutcome.Permanent, Error: "channel_not_found"));

        Assert.True(await Worker().DeliverOneAsync(CancellationToken.None));

        var row = await Row("a");
        Assert.Equal(DeliveryState.Dead, row.State);
        Assert.Equal("channel_not_found", row.LastError);
    }

    [Fact]
    public async Task InDoubt_NotFound_IsSent()
    {
        await EnqueueAsync("a");
        await LeaveInDoubtAsync("a");
        _sender.Finds.Enqueue(new FindResult(false));
        _sender.Sends.Enqueue(SendResult.Posted("C07VIPSAVES", "1"));

        Assert.True(await Worker().DeliverOneAsync(CancellationToken.None));

        Assert.Equal(DeliveryState.Sent, (await Row("a")).State);
        Assert.Equal(["a"], _sender.Sent);
    }

    [Fact]
    public async Task InDoubt_CannotLookYet_WaitsWithoutSending_AndWithoutCountingAnAttempt()
    {
        await EnqueueAsync("a");
        await LeaveInDoubtAsync("a");
        _sender.Finds.Enqueue(new FindResult(null, Error: "http 503", CanRetry: true));
        var worker = Worker();

        Assert.True(await worker.DeliverOneAsync(CancellationToken.None));

        var row = await Row("a");
        Assert.Equal(DeliveryState.Pending, row.State);
        Assert.True(row.InDoubt);
        Assert.Equal(0, row.Attempts);
        Assert.Equal(HostApp.Start + TimeSpan.FromSeconds(2), row.DueAt);
        Assert.Equal("in doubt, cannot check Slack yet: http 503", row.LastError);
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task InDoubt_CanNeverLook_IsADeadLetter_NeverResent()
    {
        await EnqueueAsync("a");
        await LeaveInDoubtAsync("a");
        _sender.Finds.Enqueue(new FindResult(null, Error: "missing_scope", CanRetry: false));

        Assert.True(await Worker().DeliverOneAsync(CancellationToken.None));

        var row = await Row("a");
        Assert.Equal(DeliveryState.Dead, row.State);
        Assert.Equal("in doubt: may already be in Slack, and cannot be checked (missing_scope); not resent to avoid a duplicate", row.LastError);
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task AtStart_AnEscalationLeftSendingByACrash_IsLookedUpBeforeAnyResend()
    {
        await EnqueueAsync("a");
        var now = _time.GetUtcNow();
        await _store.Deliveries.ClaimAsync(StoreSeeding.Owner, now, now + TimeSpan.FromMinutes(5), CancellationToken.None);   // the host died here
        _sender.Finds.Enqueue(new FindResult(true, "C07VIPSAVES", "7.7"));
        using var worker = Worker();

        await worker.StartAsync(CancellationToken.None);
        for (var i = 0; i < 1000 && (await Row("a")).State != DeliveryState.Sent; i++) await Task.Delay(10);
        await worker.StopAsync(CancellationToken.None);

        var row = await Row("a");
        Assert.Equal(DeliveryState.Sent, row.State);
        Assert.Equal("7.7", row.SlackTs);
        Assert.Empty(_sender.Sent);
        Assert.Equal(["a"], _sender.Looked);
    }

    [Fact]
    public async Task Pacing_TheSameChannelIsFreeAgainExactlyAfterTheInterval()
    {
        await EnqueueAsync("a");
        await EnqueueAsync("b");
        _sender.Sends.Enqueue(SendResult.Posted("C07VIPSAVES", "1"));
        _sender.Sends.Enqueue(SendResult.Posted("C07VIPSAVES", "2"));
        var worker = Worker();

        await worker.DeliverOneAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        var early = await worker.DeliverOneAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var onTime = await worker.DeliverOneAsync(CancellationToken.None);

        Assert.False(early);
        Assert.True(onTime);
        Assert.Equal(["a", "b"], _sender.Sent);
    }

    [Fact]
    public async Task Update_QueuedForAnEscalation_GoesAfterItsPost_ToWhereThePostLanded_PacedWithTheChannel()
    {
        await EnqueueAsync("a");
        await _store.Deliveries.AddAsync([new NewDelivery("a-upd", "a", DeliveryKind.Update, "C07VIPSAVES", "{}"u8.ToArray(), _time.GetUtcNow())], _time.GetUtcNow(), CancellationToken.None);
        _sender.Sends.Enqueue(SendResult.Posted("C07VIPSAVES", "1764.0001"));
        _sender.Sends.Enqueue(SendResult.Posted("C07VIPSAVES", "1764.0001"));
        var worker = Worker();

        Assert.True(await worker.DeliverOneAsync(CancellationToken.None));
        Assert.False(await worker.DeliverOneAsync(CancellationToken.None)); // the channel's interval holds the update too
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await worker.DeliverOneAsync(CancellationToken.None));

        Assert.Equal(["a", "a-upd"], _sender.Sent);
        var update = await Row("a-upd");
        Assert.Equal((DeliveryState.Sent, "C07VIPSAVES", "1764.0001"), (update.State, update.PostChannel, update.PostTs));
    }

    [Fact]
    public async Task ADeliveryNoSenderTakes_WaitsTheLongestRetryDelay_WithoutCountingAnAttempt()
    {
        await EnqueueAsync("a");
        await _store.Deliveries.AddAsync([new NewDelivery("a-cio", "a", DeliveryKind.CustomerIo, "customerio", "{}"u8.ToArray(), _time.GetUtcNow())], _time.GetUtcNow(), CancellationToken.None);
        _sender.Sends.Enqueue(SendResult.Posted("C07VIPSAVES", "1"));
        var slack = Worker();
        var writeBack = Worker(DeliveryLane.CustomerIo);

        // Each lane's worker claims its own deliveries only: Slack's takes the post and then has nothing; write-back's the call.
        Assert.True(await slack.DeliverOneAsync(CancellationToken.None));
        Assert.False(await slack.DeliverOneAsync(CancellationToken.None));
        Assert.True(await writeBack.DeliverOneAsync(CancellationToken.None));
        Assert.False(await writeBack.DeliverOneAsync(CancellationToken.None));

        var row = await Row("a-cio");
        Assert.Equal((DeliveryState.Pending, 0, HostApp.Start + TimeSpan.FromSeconds(60)), (row.State, row.Attempts, row.DueAt));
        Assert.Equal("no sender for CustomerIo deliveries is configured", row.LastError);
        Assert.Equal(["a"], _sender.Sent);
    }

    [Fact]
    public async Task InDoubt_CannotLookYet_AfterThreeAttempts_WaitsAsLongAsTheThirdFailureDid()
    {
        await EnqueueAsync("a");
        _sender.Sends.Enqueue(new SendResult(SendOutcome.Transient, Error: "http 503"));
        _sender.Sends.Enqueue(new SendResult(SendOutcome.Transient, Error: "http 503"));
        _sender.Sends.Enqueue(new SendResult(SendOutcome.Transient, Error: "timeout", InDoubt: true));
        var worker = Worker();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await worker.DeliverOneAsync(CancellationToken.None));
            _time.SetUtcNow((await Row("a")).DueAt);
        }
        Assert.Equal((3, true), ((await Row("a")).Attempts, (await Row("a")).InDoubt));
        _sender.Finds.Enqueue(new FindResult(null, Error: "http 503", CanRetry: true));
        var at = _time.GetUtcNow();

        Assert.True(await worker.DeliverOneAsync(CancellationToken.None));

        // Three attempts failed (waits of 2, 4 and 8 s); the lookup that cannot be made waits as the last failure did —
        // not the first's 2 s nor a fourth's 16 s — and counts no attempt.
        var row = await Row("a");
        Assert.Equal((at + TimeSpan.FromSeconds(8), 3, true), (row.DueAt, row.Attempts, row.InDoubt));
    }

    [Fact]
    public async Task EveryOutcome_IsCountedUnderItsName()
    {
        using var recorder = new MetricsRecorder();
        var worker = Worker(metrics: recorder.Metrics);

        // One delivery per channel, so that pacing never holds the next.
        async Task DeliverAsync(string id, FindResult? find, SendResult? send)
        {
            await EnqueueAsync(id, target: "C-" + id);
            if (find is not null)
            {
                await LeaveInDoubtAsync(id);
                _sender.Finds.Enqueue(find);
            }
            if (send is not null) _sender.Sends.Enqueue(send);
            Assert.True(await worker.DeliverOneAsync(CancellationToken.None));
        }

        await DeliverAsync("sent", null, SendResult.Posted("C-sent", "1"));
        await DeliverAsync("found", new FindResult(true, "C-found", "2"), null);
        await DeliverAsync("unsure", new FindResult(null, Error: "http 503", CanRetry: true), null);
        await DeliverAsync("unknowable", new FindResult(null, Error: "missing_scope", CanRetry: false), null);
        await DeliverAsync("limited", null, new SendResult(SendOutcome.RateLimited, RetryAfter: TimeSpan.FromSeconds(5)));
        await DeliverAsync("failed", null, new SendResult(SendOutcome.Transient, Error: "http 503"));
        await DeliverAsync("refused", null, new SendResult(SendOutcome.Permanent, Error: "channel_not_found"));

        Assert.Equal(["sent", "already_sent", "in_doubt", "dead", "rate_limited", "retry", "dead"],
            recorder.Measurements.Where(m => m.Name == "rp.deliveries").SelectMany(m => Enumerable.Repeat((string?)m.Tags["outcome"], (int)m.Value)));
    }

    [Fact]
    public async Task Waiting_WithADeliveryDueLater_ReturnsWhenItIsDue_NotBefore()
    {
        await EnqueueAsync("a");
        _sender.Sends.Enqueue(new SendResult(SendOutcome.Transient, Error: "http 503"));
        var worker = Worker();
        Assert.True(await worker.DeliverOneAsync(CancellationToken.None));   // due again in 2 s

        var wait = worker.WaitAsync(CancellationToken.None);
        await Task.Delay(20);
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        await Task.Delay(20);
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Waiting_WithADeliveryAlreadyDue_ReturnsAtOnce()
    {
        await EnqueueAsync("a");
        _time.Advance(TimeSpan.FromMinutes(1));

        await Worker().WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Waiting_WithNothingPending_ReturnsOnTheLanesSignal_NotAnother()
    {
        var signal = new OutboxSignal();
        var worker = Worker(signal: signal);

        var wait = worker.WaitAsync(CancellationToken.None);
        signal.For(DeliveryLane.CustomerIo).Notify();
        _time.Advance(TimeSpan.FromDays(1));
        await Task.Delay(20);
        Assert.False(wait.IsCompleted);
        signal.For(DeliveryLane.Slack).Notify();
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
