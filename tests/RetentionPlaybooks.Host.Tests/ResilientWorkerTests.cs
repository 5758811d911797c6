using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The loop the inbox, delivery and scrubber workers share: a failing step is retried after the delay on the fake clock, never ends the loop.</summary>
public sealed class ResilientWorkerTests
{
    /// <summary>The fake clock, telling how many timers were started on it: the worker counts a failure before it starts
    /// the retry delay's timer, so a test waits for the timer before it moves the clock.</summary>
    private sealed class WatchedClock() : FakeTimeProvider(HostApp.Start)
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }

    private sealed class Worker(WatchedClock time, int prepareFailures, int stepFailures, int busySteps = 0) : ResilientWorker
    {
        private int _busySteps = busySteps;
        private int _prepareFailures = prepareFailures;
        private int _stepFailures = stepFailures;
        private int _steps;
        private int _prepared;

        public int Steps => Volatile.Read(ref _steps);

        public int Prepared => Volatile.Read(ref _prepared);

        public SemaphoreSlim Work { get; } = new(0);

        protected override TimeProvider Clock => time;

        protected override ILogger Log => NullLogger.Instance;

        protected override string FailureMessage => "test step failed";

        protected override Task PrepareAsync(CancellationToken ct)
        {
            if (_prepareFailures-- > 0) throw new InvalidOperationException("prepare");
            Interlocked.Increment(ref _prepared);
            return Task.CompletedTask;
        }

        protected override Task<bool> StepAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _steps);
            if (_stepFailures-- > 0) throw new InvalidOperationException("step");
            return Task.FromResult(_busySteps-- > 0);
        }

        protected override Task WaitForWorkAsync(CancellationToken ct) => Work.WaitAsync(ct);
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "the condition was not reached within 10 s");
    }

    [Fact]
    public async Task AFailingStep_IsRetriedAfterTheDelay_OnTheInjectedClock_AndTheLoopGoesOn()
    {
        var time = new WatchedClock();
        using var worker = new Worker(time, prepareFailures: 0, stepFailures: 2);
        await worker.StartAsync(CancellationToken.None);

        await Until(() => worker.Failures == 1 && time.Timers == 1);
        var beforeTheDelay = worker.Steps;
        time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50); // room for a step that must not come (no timer due yet); a false pass at worst, never a false failure
        var justBefore = worker.Steps;
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Until(() => worker.Failures == 2 && time.Timers == 2);
        time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => worker.Steps == 3);
        worker.Work.Release();
        await Until(() => worker.Steps == 4);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(1, beforeTheDelay);
        Assert.Equal(1, justBefore);
        Assert.Equal(2, worker.Failures);
        Assert.Equal(1, worker.Prepared);   // once, not before every step
        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AFailingPreparation_IsRetried_BeforeAnyStep()
    {
        var time = new WatchedClock();
        using var worker = new Worker(time, prepareFailures: 1, stepFailures: 0);
        await worker.StartAsync(CancellationToken.None);

        await Until(() => worker.Failures == 1 && time.Timers == 1);
        var stepsBefore = worker.Steps;
        time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => worker.Prepared == 1 && worker.Steps == 1);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(0, stepsBefore);
    }

    [Fact]
    public async Task AStepThatDidWork_IsFollowedAtOnce_OnlyAnIdleStepWaitsForWork()
    {
        var time = new WatchedClock();
        using var worker = new Worker(time, prepareFailures: 0, stepFailures: 0, busySteps: 3);
        await worker.StartAsync(CancellationToken.None);

        // Three steps with work, then the fourth finds none: four steps without a signal, then a wait.
        await Until(() => worker.Steps == 4);
        worker.Work.Release();
        await Until(() => worker.Steps == 5);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(5, worker.Steps);
    }

    [Fact]
    public async Task Stopping_DuringTheRetryDelay_EndsTheLoopCleanly()
    {
        var time = new WatchedClock();
        using var worker = new Worker(time, prepareFailures: 0, stepFailures: 100);
        await worker.StartAsync(CancellationToken.None);
        await Until(() => worker.Failures == 1);

        await worker.StopAsync(CancellationToken.None);

        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(1, worker.Steps);
    }
}

/// <summary>How the shared loop stops (issue #11's graceful stop): the step under way runs to its end, on a token the stop
/// does not cancel; only <c>StopGrace</c> later, on the injected clock, is that token cancelled; no step starts after.</summary>
public sealed class ResilientWorkerStopTests
{
    private sealed class SlowStepWorker(FakeTimeProvider time) : ResilientWorker
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Steps;

        public bool Finished;

        public CancellationToken StepToken;

        protected override TimeProvider Clock => time;

        protected override ILogger Log => NullLogger.Instance;

        protected override string FailureMessage => "test step failed";

        protected override TimeSpan StopGrace => TimeSpan.FromSeconds(10);

        protected override async Task<bool> StepAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref Steps);
            StepToken = ct;
            Entered.TrySetResult();
            await Release.Task.WaitAsync(ct);
            Finished = true;
            return true;   // there would be more work: only the stop ends the loop
        }

        protected override Task WaitForWorkAsync(CancellationToken ct) => Task.Delay(Timeout.Infinite, ct);
    }

    private static async Task<bool> Within(Task task) => await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10))) == task;

    [Fact]
    public async Task AStepUnderWay_WhenTheHostStops_RunsToItsEnd_AndNoStepStartsAfterIt()
    {
        var time = new FakeTimeProvider(HostApp.Start);
        using var worker = new SlowStepWorker(time);
        await worker.StartAsync(CancellationToken.None);
        await worker.Entered.Task;

        var stopping = worker.StopAsync(CancellationToken.None);
        var tokenAtStop = worker.StepToken.IsCancellationRequested;
        var stoppedBeforeTheStepEnded = stopping.IsCompleted;
        worker.Release.SetResult();

        Assert.True(await Within(stopping));
        Assert.False(tokenAtStop);
        Assert.False(stoppedBeforeTheStepEnded);
        Assert.True(worker.Finished);
        Assert.Equal(1, Volatile.Read(ref worker.Steps));
    }

    [Fact]
    public async Task AStepStillRunning_StopGraceAfterTheStop_IsCancelled_NotASecondBefore()
    {
        var time = new FakeTimeProvider(HostApp.Start);
        using var worker = new SlowStepWorker(time);
        await worker.StartAsync(CancellationToken.None);
        await worker.Entered.Task;

        var stopping = worker.StopAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        var cancelledEarly = worker.StepToken.IsCancellationRequested;
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(await Within(stopping));
        Assert.False(cancelledEarly);
        Assert.True(worker.StepToken.IsCancellationRequested);
        Assert.False(worker.Finished);
        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully);
    }
}
