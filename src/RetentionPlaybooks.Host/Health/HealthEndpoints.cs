using RetentionPlaybooks.Pipeline;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Health;

/// <summary>GET /alive (the process answers), GET /health (playbooks, store and delivery state), and the operator's
/// read-only views: /decisions, /quarantine, /dead-letters.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/alive", () => Results.Text("alive\n"));
        app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResponseWriter = HealthResponse.WriteAsync,
            // Degraded is still serving: a load balancer must not take the host out for a stuck delivery.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        // "Why did this not escalate?": every playbook's decision about one delivery, by its id.
        app.MapGet("/decisions", async (string? delivery_id, string? source, IInboxStore inboxes, IDecisionStore store, CancellationToken ct) =>
        {
            if (string.IsNullOrEmpty(delivery_id)) return Results.Problem(detail: "give ?delivery_id= (and &source=journey|reporting|pipelines; default journey)", statusCode: 400);
            if (!Enum.TryParse<SignalSource>(source ?? "journey", ignoreCase: true, out var from)) return Results.Problem(detail: $"unknown source \"{source}\"; use journey, reporting or pipelines", statusCode: 400);
            var inbox = await inboxes.FindAsync(from, delivery_id, ct).ConfigureAwait(false);
            if (inbox is not { } found) return Results.Problem(detail: $"no {from} delivery \"{delivery_id}\" was received", statusCode: 404);
            var decisions = await store.DecisionsAsync(found.Id, ct).ConfigureAwait(false);
            return Results.Json(new
            {
                delivery_id,
                source = from.ToString().ToLowerInvariant(),
                processed = found.Processed,
                note = found.Processed && decisions.Count == 0 ? "no playbook triggers on this signal" : null,
                decisions = decisions.Select(d => new { playbook = d.Playbook, outcome = d.Outcome, reason = d.Reason, channel = d.Channel, escalation_id = d.EscalationId }),
            });
        }).ForOperators();

        // Webhooks whose processing failed on their content, set aside so the rest went on: which, and why, no customer data.
        app.MapGet("/quarantine", async (IInboxStore store, CancellationToken ct) =>
        {
            var records = await store.QuarantinedAsync(100, ct).ConfigureAwait(false);
            return Results.Json(records.Select(r => new
            {
                inbox_id = r.InboxId,
                source = r.Source.ToString().ToLowerInvariant(),
                delivery_id = r.DeliveryKey,
                reason = r.Reason,
                received_at = r.ReceivedAt,
                quarantined_at = r.QuarantinedAt,
            }));
        }).ForOperators();

        // Deliveries refused for good (Slack's channel_not_found, not_in_channel, invalid_auth...; a Track API 4xx): what and why, no customer data.
        app.MapGet("/dead-letters", async (IDeliveryStore store, CancellationToken ct) =>
        {
            var dead = await store.DeadLettersAsync(100, ct).ConfigureAwait(false);
            return Results.Json(dead.Select(d => new
            {
                id = d.Id,
                escalation_id = d.EscalationId,
                kind = d.Kind.ToString().ToLowerInvariant(),
                playbook = d.Playbook,
                channel = d.Channel,
                target = d.Target,
                error = d.LastError,
                attempts = d.Attempts,
                created_at = d.CreatedAt,
            }));
        }).ForOperators();
        return app;
    }
}
