using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Health;

/// <summary>
/// Judges the store's figures: the inbox and the outbox moving, deliveries not failing again and again, nothing
/// set aside lately. Each figure it judges by is in the result's data, so /health shows why it says what it says.
/// </summary>
internal sealed class StoreHealthCheck(IStoreHealth store, HealthOptions options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var writes = store.WriteHealth;
        StoreStats stats;
        try
        {
            stats = await store.StatsAsync(options.FailingAttempts, now - options.RecentProblemWindow, now, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex)
        {
            return HealthCheckResult.Unhealthy($"the store cannot be read ({StoreErrors.Code(ex)})",
                data: new Dictionary<string, object> { ["store_error"] = StoreErrors.Number(ex) });
        }
        var inboxAge = Age(now, stats.OldestInboxPendingAt);
        var outboxAge = Age(now, stats.OldestOutboxAt);
        var data = new Dictionary<string, object>
        {
            ["inbox_pending"] = stats.InboxPending,
            ["inbox_total"] = stats.InboxTotal,
            ["inbox_oldest_pending_seconds"] = Seconds(inboxAge),
            ["quarantined"] = stats.Quarantined,
            ["quarantined_recently"] = stats.RecentQuarantined,
            ["outbox_pending"] = stats.Pending + stats.Sending,
            ["outbox_oldest_pending_seconds"] = Seconds(outboxAge),
            ["sla_clocks_scheduled"] = stats.Scheduled,
            ["write_back_pending"] = stats.WriteBackPending,
            ["write_back_sent"] = stats.WriteBackSent,
            ["failing_deliveries"] = stats.Failing,
            ["sent"] = stats.Sent,
            ["dead_letters"] = stats.Dead,
            ["dead_letters_recently"] = stats.RecentDead,
            ["store_writes_failed"] = writes.FailedSinceStart,
        };
        if (writes.Failing is { } fault)
        {
            data["store_writes_failing_since"] = fault.Since.ToString("O", CultureInfo.InvariantCulture);
            return HealthCheckResult.Unhealthy(
                $"writes to the store fail since {Format(Age(now, fault.Since))} ago ({fault.Description}): webhooks are answered 503 " +
                "and retried by Customer.io, processing waits; nothing accepted is lost", data: data);
        }
        var problems = new List<string>();
        var window = Format(options.RecentProblemWindow);
        if (inboxAge > options.MaxInboxAge)
        {
            problems.Add($"the oldest unprocessed webhook is {Format(inboxAge)} old (Health:MaxInboxAge {Format(options.MaxInboxAge)})");
        }
        if (outboxAge > options.MaxDeliveryAge)
        {
            problems.Add($"the oldest undelivered message is {Format(outboxAge)} old (Health:MaxDeliveryAge {Format(options.MaxDeliveryAge)})");
        }
        if (stats.Failing > 0)
        {
            problems.Add($"{stats.Failing} escalation(s) failed {options.FailingAttempts} or more attempts in a row and are being retried (Health:FailingAttempts)");
        }
        if (stats.RecentQuarantined > 0)
        {
            problems.Add($"{stats.RecentQuarantined} webhook(s) quarantined in the last {window}: processing failed on them; see GET /quarantine");
        }
        if (stats.RecentDead > 0)
        {
            problems.Add($"{stats.RecentDead} escalation(s) parked as dead letters in the last {window}; see GET /dead-letters");
        }
        return problems.Count == 0
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Degraded(string.Join("; ", problems), data: data);
    }

    /// <summary>How long ago <paramref name="since"/> was (zero when unset or not in the past): /health's ages and /metrics' gauges.</summary>
    internal static TimeSpan Age(DateTimeOffset now, DateTimeOffset? since) => since is { } at && at < now ? now - at : TimeSpan.Zero;

    private static double Seconds(TimeSpan age) => Math.Round(age.TotalSeconds, 1);

    internal static string Format(TimeSpan span) => span.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s")
        : span.TotalMinutes < 120
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min")
            : span.TotalHours < 48
                ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h")
                : string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0.#} days");
}
