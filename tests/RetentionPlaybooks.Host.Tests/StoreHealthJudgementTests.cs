using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Health;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// How /health judges the store's figures, in process and at each limit: the figures as given (the store contract reads them
/// back from both engines; HealthTests and StoreFullTests see them through a running store), each age against its
/// maximum exactly at it and a tick over, every problem in the operator's words, and the durations they are said in.
/// </summary>
public sealed class StoreHealthJudgementTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Fixed figures, as a store would count them.</summary>
    private sealed class Figures(StoreStats stats, StoreWriteHealth? writes = null) : IStoreHealth
    {
        public int FailingAttempts { get; private set; }

        public DateTimeOffset RecentSince { get; private set; }

        public StoreWriteHealth WriteHealth { get; } = writes ?? new StoreWriteHealth(null, 0);

        public Task<StoreStats> StatsAsync(int failingAttempts, DateTimeOffset recentSince, DateTimeOffset now, CancellationToken ct)
        {
            (FailingAttempts, RecentSince) = (failingAttempts, recentSince);
            return Task.FromResult(stats);
        }
    }

    private static StoreStats Stats(TimeSpan? inboxAge = null, TimeSpan? outboxAge = null, long failing = 0, long recentQuarantined = 0, long recentDead = 0) =>
        new(InboxPending: 2, InboxTotal: 11, Pending: 3, Sending: 4, Sent: 5, Dead: 6, Quarantined: 7,
            OldestInboxPendingAt: inboxAge is { } i ? Now - i : null, OldestOutboxAt: outboxAge is { } o ? Now - o : null,
            Failing: failing, RecentQuarantined: recentQuarantined, RecentDead: recentDead, Scheduled: 8, WriteBackPending: 9, WriteBackSent: 10);

    private static Task<HealthCheckResult> Judge(IStoreHealth figures, HealthOptions? options = null) =>
        new StoreHealthCheck(figures, options ?? new HealthOptions(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now)).CheckHealthAsync(new HealthCheckContext());

    [Fact]
    public async Task AllWell_IsHealthy_AndEveryFigureIsInTheData_UnderItsName()
    {
        var figures = new Figures(Stats(inboxAge: TimeSpan.FromSeconds(12.34), outboxAge: TimeSpan.FromSeconds(3)), new StoreWriteHealth(null, 12));
        var options = new HealthOptions { FailingAttempts = 4, RecentProblemWindow = TimeSpan.FromHours(6) };

        var result = await Judge(figures, options);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(4, figures.FailingAttempts);
        Assert.Equal(Now - TimeSpan.FromHours(6), figures.RecentSince);
        Assert.Equal(new Dictionary<string, object>
        {
            ["inbox_pending"] = 2L,
            ["inbox_total"] = 11L,
            ["inbox_oldest_pending_seconds"] = 12.3,
            ["quarantined"] = 7L,
            ["quarantined_recently"] = 0L,
            ["outbox_pending"] = 7L,
            ["outbox_oldest_pending_seconds"] = 3.0,
            ["sla_clocks_scheduled"] = 8L,
            ["write_back_pending"] = 9L,
            ["write_back_sent"] = 10L,
            ["failing_deliveries"] = 0L,
            ["sent"] = 5L,
            ["dead_letters"] = 6L,
            ["dead_letters_recently"] = 0L,
            ["store_writes_failed"] = 12L,
        }, result.Data.ToDictionary());
    }

    [Theory]
    [InlineData(0, "Healthy")]       // exactly at the maximum: still moving
    [InlineData(1, "Degraded")]      // a tick over
    public async Task TheInbox_IsStuckOnlyPastItsMaximumAge(long ticksOver, string status)
    {
        var result = await Judge(new Figures(Stats(inboxAge: TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(ticksOver))));

        Assert.Equal(Enum.Parse<HealthStatus>(status), result.Status);
        if (ticksOver > 0) Assert.Equal("the oldest unprocessed webhook is 60 s old (Health:MaxInboxAge 60 s)", result.Description);
    }

    [Theory]
    [InlineData(0, "Healthy")]
    [InlineData(1, "Degraded")]
    public async Task TheOutbox_IsStuckOnlyPastItsMaximumAge(long ticksOver, string status)
    {
        var result = await Judge(new Figures(Stats(outboxAge: TimeSpan.FromMinutes(15) + TimeSpan.FromTicks(ticksOver))));

        Assert.Equal(Enum.Parse<HealthStatus>(status), result.Status);
        if (ticksOver > 0) Assert.Equal("the oldest undelivered message is 15 min old (Health:MaxDeliveryAge 15 min)", result.Description);
    }

    [Fact]
    public async Task EveryProblem_IsSaid_InOrder_WithTheWindowAndWhereToLook()
    {
        var result = await Judge(new Figures(Stats(inboxAge: TimeSpan.FromHours(3), outboxAge: TimeSpan.FromDays(3), failing: 2, recentQuarantined: 1, recentDead: 4)));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(
            "the oldest unprocessed webhook is 3 h old (Health:MaxInboxAge 60 s); " +
            "the oldest undelivered message is 3 days old (Health:MaxDeliveryAge 15 min); " +
            "2 escalation(s) failed 3 or more attempts in a row and are being retried (Health:FailingAttempts); " +
            "1 webhook(s) quarantined in the last 24 h: processing failed on them; see GET /quarantine; " +
            "4 escalation(s) parked as dead letters in the last 24 h; see GET /dead-letters",
            result.Description);
    }

    [Fact]
    public async Task NoRecentProblem_IsNoProblem()
    {
        var result = await Judge(new Figures(Stats() with { Quarantined = 50, Dead = 50 }));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Null(result.Description);
    }

    [Fact]
    public async Task WritesFailing_IsUnhealthy_SaysSinceWhenAndThatNothingIsLost()
    {
        var fault = new StoreWriteFault("SQLite error 13 (disk full)", Now - TimeSpan.FromMinutes(5));

        var result = await Judge(new Figures(Stats(failing: 3), new StoreWriteHealth(fault, 40)));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("writes to the store fail since 5 min ago (SQLite error 13 (disk full)): webhooks are answered 503 and retried by Customer.io, " +
            "processing waits; nothing accepted is lost", result.Description);
        Assert.Equal(Now.AddMinutes(-5).ToString("O", System.Globalization.CultureInfo.InvariantCulture), result.Data["store_writes_failing_since"]);
        Assert.Equal(40L, result.Data["store_writes_failed"]);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-5, 0)]        // a time in the future (another host's clock): no age, never negative
    [InlineData(5, 5)]
    public void AnAge_IsZeroWhenUnsetOrNotInThePast(int secondsAgo, int age)
    {
        Assert.Equal(TimeSpan.FromSeconds(age), StoreHealthCheck.Age(Now, Now.AddSeconds(-secondsAgo)));
        Assert.Equal(TimeSpan.Zero, StoreHealthCheck.Age(Now, null));
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(1.24, "1.2 s")]
    [InlineData(119.9, "119.9 s")]
    [InlineData(120, "2 min")]
    [InlineData(7199, "120 min")]
    [InlineData(7200, "2 h")]
    [InlineData(172_799, "48 h")]
    [InlineData(172_800, "2 days")]
    [InlineData(1e10, "115740.7 days")]
    public void ADuration_IsSaidInTheUnitThatReadsBest(double seconds, string text) =>
        Assert.Equal(text, StoreHealthCheck.Format(TimeSpan.FromSeconds(seconds)));
}
