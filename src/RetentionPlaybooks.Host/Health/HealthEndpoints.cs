using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Health;

/// <summary>GET /alive (the process answers) and GET /health (playbooks, store and delivery state).</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/alive", () => Results.Text("alive\n"));
        app.MapGet("/health", async (PlaybookCatalog catalog, IEscalationStore store, ISlackSender sender, CancellationToken ct) =>
        {
            StoreStats stats;
            try
            {
                stats = await store.StatsAsync(ct).ConfigureAwait(false);
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                return Results.Json(new { status = "unhealthy", store = ex.SqliteErrorCode }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var rejected = catalog.RejectedDiagnostics.Count(d => d.IsError);
            return Results.Json(new
            {
                status = rejected > 0 || stats.Dead > 0 ? "degraded" : "ok",
                playbooks = catalog.Current.Playbooks.Count,
                playbooks_loaded_at = catalog.LoadedAt,
                rejected_reload_errors = rejected,
                delivery = sender.Name,
                inbox_pending = stats.InboxPending,
                inbox_total = stats.InboxTotal,
                outbox_pending = stats.Pending + stats.Sending,
                sent = stats.Sent,
                dead_letters = stats.Dead,
            });
        });
        // "Why did this not escalate?": every playbook's decision about one delivery, by its id.
        app.MapGet("/decisions", async (string? delivery_id, string? source, IEscalationStore store, CancellationToken ct) =>
        {
            if (string.IsNullOrEmpty(delivery_id)) return Results.Problem(detail: "give ?delivery_id= (and &source=journey|reporting|pipelines; default journey)", statusCode: 400);
            if (!Enum.TryParse<SignalSource>(source ?? "journey", ignoreCase: true, out var from)) return Results.Problem(detail: $"unknown source \"{source}\"; use journey, reporting or pipelines", statusCode: 400);
            var inbox = await store.FindInboxAsync(from, delivery_id, ct).ConfigureAwait(false);
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
        });

        // Escalations Slack refused for good (channel_not_found, not_in_channel, invalid_auth...): what and why, no customer data.
        app.MapGet("/dead-letters", async (IEscalationStore store, CancellationToken ct) =>
        {
            var dead = await store.DeadLettersAsync(100, ct).ConfigureAwait(false);
            return Results.Json(dead.Select(d => new { id = d.Id, playbook = d.Playbook, channel = d.Channel, target = d.Target, error = d.LastError, attempts = d.Attempts, created_at = d.CreatedAt }));
        });
        return app;
    }
}
