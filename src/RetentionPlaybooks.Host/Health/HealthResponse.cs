using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetentionPlaybooks.Host.Delivery;

namespace RetentionPlaybooks.Host.Health;

/// <summary>
/// Writes /health: "ok", "degraded" or "unhealthy", every problem in a sentence, and the figures the checks judged
/// by, flat, so a script can read <c>inbox_pending</c> without knowing which check reports it.
/// </summary>
internal static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status switch
            {
                HealthStatus.Healthy => "ok",
                HealthStatus.Degraded => "degraded",
                _ => "unhealthy",
            },
            ["problems"] = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}").ToList(),
            ["delivery"] = context.RequestServices.GetRequiredService<IDeliverySender>().Name,
        };
        foreach (var (_, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            foreach (var (key, value) in entry.Data) body[key] = value;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
