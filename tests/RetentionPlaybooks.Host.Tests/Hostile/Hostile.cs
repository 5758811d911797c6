using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>The three webhook endpoints.</summary>
internal enum Endpoint
{
    Journey,
    Reporting,
    Pipelines,
}

/// <summary>What the host answered; <see cref="Exception"/> is set when the test server threw instead of answering.</summary>
internal sealed record Reply(int Status, string Text, string? MediaType, string? Exception)
{
    public bool Is5xx => Status >= 500;

    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

    public string Detail => Json.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";

    public override string ToString() => Exception is null ? $"{Status} {Text}" : $"{Status} (threw) {Exception}";
}

/// <summary>Correctly authenticated requests over raw bytes (bodies that are not valid UTF-8 cannot be strings).</summary>
internal static class Signed
{
    public static HttpRequestMessage For(Endpoint endpoint, byte[] body, DateTimeOffset now, string? contentType = "application/json") => endpoint switch
    {
        Endpoint.Journey => Journey(body, contentType),
        Endpoint.Reporting => Reporting(body, now, contentType),
        _ => Pipelines(body, contentType),
    };

    public static HttpRequestMessage For(Endpoint endpoint, string body, DateTimeOffset now, string? contentType = "application/json") =>
        For(endpoint, Encoding.UTF8.GetBytes(body), now, contentType);

    public static HttpRequestMessage Journey(byte[] body, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/customerio/journey") { Content = Content(body, contentType) };
        request.Headers.Add("X-Webhook-Secret", HostApp.JourneySecret);
        return request;
    }

    public static HttpRequestMessage Reporting(byte[] body, DateTimeOffset at, string? contentType = "application/json")
    {
        var ts = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/customerio/reporting") { Content = Content(body, contentType) };
        request.Headers.Add("X-CIO-Timestamp", ts);
        var signed = Encoding.UTF8.GetBytes($"v0:{ts}:").Concat(body).ToArray();
        request.Headers.Add("X-CIO-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HostApp.ReportingKey), signed)));
        return request;
    }

    public static HttpRequestMessage Pipelines(byte[] body, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/customerio/pipelines") { Content = Content(body, contentType) };
#pragma warning disable CA5350 // Customer.io signs Data Pipelines webhooks with HMAC-SHA1.
        request.Headers.Add("X-Signature", Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(HostApp.PipelinesSecret), body)));
#pragma warning restore CA5350
        return request;
    }

    private static ByteArrayContent Content(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null && !content.Headers.TryAddWithoutValidation("Content-Type", contentType))
        {
            throw new ArgumentException($"cannot send Content-Type {contentType}", nameof(contentType));
        }
        return content;
    }
}

/// <summary>Sending and observing: a thrown exception becomes a 5xx reply, so properties can state "never 5xx".</summary>
internal static class HostileClient
{
    public static async Task<Reply> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        try
        {
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return new Reply((int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new Reply(599, "", null, ex.GetType().Name + ": " + ex.Message + "\n" + ex.StackTrace);
        }
        finally
        {
            request.Dispose();
        }
    }

    public static async Task<Reply> SendAsync(HostApp app, HttpRequestMessage request)
    {
        using var client = app.CreateClient();
        return await SendAsync(client, request);
    }

    public static async Task<long> InboxTotalAsync(HostApp app) => (await app.HealthAsync()).GetProperty("inbox_total").GetInt64();

    /// <summary>GET /decisions for one delivery; null on 404 (never received).</summary>
    public static async Task<JsonElement?> DecisionsAsync(HostApp app, string deliveryId, string source = "journey")
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/decisions?delivery_id={Uri.EscapeDataString(deliveryId)}&source={source}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Drains with the fake clock stepping a second a round; bounded so a wedged inbox fails in seconds, not minutes.</summary>
    public static Task<JsonElement> DrainBoundedAsync(HostApp app, int rounds = 600) => app.DrainAsync(TimeSpan.FromSeconds(1), rounds);
}

/// <summary>Valid seed bodies for each endpoint (the Journey ones are the shipped samples, which escalate).</summary>
internal static class Seeds
{
    public static readonly string[] Samples = ["vip-cart-abandoned.json", "delivery-delayed.json", "subscription-cancel-requested.json", "winback-segment-entered.json"];

    /// <summary>The VIP cart sample for a fresh customer and checkout, so cooldown and dedupe never hold it back.</summary>
    public static JsonObject VipCart(string deliveryId, string? customerId = null)
    {
        var json = Sample("vip-cart-abandoned.json");
        json["delivery_id"] = deliveryId;
        json["customer"]!["id"] = customerId ?? "cus_" + deliveryId;
        json["event"]!["data"]!["checkout_id"] = "chk_" + deliveryId;
        return json;
    }

    public static JsonObject DeliveryDelayed(string deliveryId)
    {
        var json = Sample("delivery-delayed.json");
        json["delivery_id"] = deliveryId;
        json["customer"]!["id"] = "cus_" + deliveryId;
        json["event"]!["data"]!["order_id"] = "ord_" + deliveryId;
        return json;
    }

    public static JsonObject Sample(string name) => JsonNode.Parse(File.ReadAllText(RepoPaths.Sample(name)))!.AsObject();

    public static JsonObject Reporting(string eventId, long? timestamp = null) => new()
    {
        ["event_id"] = eventId,
        ["object_type"] = "email",
        ["metric"] = "bounced",
        ["timestamp"] = timestamp ?? HostApp.Start.ToUnixTimeSeconds(),
        ["data"] = new JsonObject
        {
            ["identifiers"] = new JsonObject { ["id"] = "cus_" + eventId, ["cio_id"] = "a3f00012", ["email"] = "maria@example.com" },
            ["delivery_id"] = "dlv_" + eventId,
            ["campaign_id"] = 7,
            ["journey_id"] = "j-1",
        },
    };

    public static JsonObject Track(string messageId) => new()
    {
        ["type"] = "track",
        ["messageId"] = messageId,
        ["userId"] = "cus_" + messageId,
        ["event"] = "checkout_abandoned",
        ["timestamp"] = "2026-11-28T13:30:00Z",
        ["properties"] = new JsonObject { ["checkout_id"] = "chk_" + messageId, ["cart_value"] = 184.0, ["items"] = new JsonArray(new JsonObject { ["sku"] = "A", ["name"] = "Espresso", ["price"] = 42.0, ["quantity"] = 2 }) },
        ["context"] = new JsonObject { ["traits"] = new JsonObject { ["ltv"] = 2480.5, ["vip"] = true, ["order_count"] = 14, ["first_name"] = "Maria", ["cio_id"] = "a3f00012" } },
    };

    public static JsonObject Identify(string messageId) => new()
    {
        ["type"] = "identify",
        ["message_id"] = messageId,
        ["user_id"] = "cus_" + messageId,
        ["timestamp"] = "2026-11-28T13:30:00Z",
        ["traits"] = new JsonObject { ["subscription_status"] = "paused", ["vip"] = true },
    };
}

/// <summary>Byte-level surgery on UTF-8 bodies.</summary>
internal static class Bytes
{
    /// <summary>Replaces the first occurrence of <paramref name="find"/> (as UTF-8) with raw bytes.</summary>
    public static byte[] Replace(string body, string find, byte[] with)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var needle = Encoding.UTF8.GetBytes(find);
        var at = bytes.AsSpan().IndexOf(needle);
        if (at < 0) throw new ArgumentException($"\"{find}\" not in body", nameof(find));
        return [.. bytes.AsSpan(0, at), .. with, .. bytes.AsSpan(at + needle.Length)];
    }
}
