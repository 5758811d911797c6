using System.Text.Json;

namespace RetentionPlaybooks.LoadTest;

/// <summary>The counters of the host's GET /health that the durability check reads.</summary>
internal sealed record HealthSnapshot(long InboxTotal, long InboxPending, long OutboxPending, long Sent)
{
    public static async Task<HealthSnapshot> ReadAsync(HttpClient http, Uri baseUrl)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, "/health")).ConfigureAwait(false);
        var json = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"GET /health answered {(int)response.StatusCode}: {json}");
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        long Get(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : -1;
        return new HealthSnapshot(Get("inbox_total"), Get("inbox_pending"), Get("outbox_pending"), Get("sent"));
    }
}
