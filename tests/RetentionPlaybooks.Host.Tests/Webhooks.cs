using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Builds signed requests the way Customer.io sends them.</summary>
internal static class Webhooks
{
    public static HttpRequestMessage Journey(string body, string? secret = HostApp.JourneySecret, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/customerio/journey") { Content = Content(body, contentType) };
        if (secret is not null) request.Headers.Add("X-Webhook-Secret", secret);
        return request;
    }

    public static HttpRequestMessage Reporting(string body, DateTimeOffset at, string? key = HostApp.ReportingKey, bool sign = true)
    {
        var ts = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/customerio/reporting") { Content = Content(body, "application/json") };
        request.Headers.Add("X-CIO-Timestamp", ts);
        if (sign && key is not null)
        {
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"v0:{ts}:{body}"));
            request.Headers.Add("X-CIO-Signature", Convert.ToHexStringLower(mac));
        }
        return request;
    }

    public static HttpRequestMessage Pipelines(string body, string? secret = HostApp.PipelinesSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/customerio/pipelines") { Content = Content(body, "application/json") };
        if (secret is not null)
        {
#pragma warning disable CA5350 // Customer.io signs Data Pipelines webhooks with HMAC-SHA1.
            var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body));
#pragma warning restore CA5350
            request.Headers.Add("X-Signature", Convert.ToHexStringLower(mac));
        }
        return request;
    }

    /// <summary>A sample Journey body with changes applied.</summary>
    public static string Sample(string name, Action<JsonObject>? change = null)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoPaths.Sample(name)))!.AsObject();
        change?.Invoke(json);
        return json.ToJsonString();
    }

    private static ByteArrayContent Content(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }
}
