using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Slack.Api;

namespace RetentionPlaybooks.Host.Health;

/// <summary>
/// Slack as this host last saw it: whether auth.test accepted the bot token, and the last call's method and outcome. Read
/// from <see cref="SlackStatus"/>, never by calling Slack. Degraded while Slack refuses the token (auth.test answered a
/// permanent error and no call has succeeded since): escalations then wait in the outbox. An outage shows in the store's
/// figures (failing deliveries, the oldest undelivered message).
/// </summary>
internal sealed class SlackHealthCheck(IDeliverySender sender, SlackStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (sender is not SlackApiSender) return Task.FromResult(HealthCheckResult.Healthy(data: new Dictionary<string, object> { ["slack_auth"] = "preview" }));
        var auth = status.Auth;
        var data = new Dictionary<string, object>
        {
            ["slack_auth"] = auth is null ? "unchecked" : auth.Outcome == SlackCallOutcome.Success ? "ok" : auth.Error ?? Outcome(auth.Outcome),
        };
        if (status.Last is { } last)
        {
            data["slack_last_call"] = last.Method;
            data["slack_last_call_outcome"] = Outcome(last.Outcome);
            data["slack_last_call_at"] = last.At.ToString("O", CultureInfo.InvariantCulture);
            if (last.Error is { } error) data["slack_last_error"] = error;
        }
        // Until a call succeeds after it: a token Slack refused once and took since is not a problem now.
        if (auth is { Outcome: SlackCallOutcome.Permanent } && status.Last is not { Outcome: SlackCallOutcome.Success })
        {
            return Task.FromResult(HealthCheckResult.Degraded(
                $"Slack refused the bot token (auth.test: {auth.Error}); escalations wait in the outbox until Slack:BotToken is fixed", data: data));
        }
        return Task.FromResult(HealthCheckResult.Healthy(data: data));
    }

    private static string Outcome(SlackCallOutcome outcome) => outcome switch
    {
        SlackCallOutcome.Success => "success",
        SlackCallOutcome.RateLimited => "rate_limited",
        SlackCallOutcome.Transient => "transient",
        _ => "permanent",
    };
}
