using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RetentionPlaybooks.Host.Webhooks;

/// <summary>Reading and checking a webhook request: content type, bounded raw body, secrets and signatures.</summary>
internal static class WebhookRequest
{
    public static bool IsJson(HttpRequest request)
    {
        var type = request.ContentType;
        if (type is null) return false;
        var media = type.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The raw body bytes (signatures are computed over these, never over re-serialised JSON), or null when over the limit.</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) return null;
        if (request.ContentLength is { } length)
        {
            var exact = new byte[length];
            // Kestrel enforces Content-Length framing, so exactly this many bytes arrive.
            await request.Body.ReadExactlyAsync(exact, ct).ConfigureAwait(false);
            return exact;
        }
        using var buffer = new MemoryStream(request.ContentLength is { } n ? (int)n : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Constant-time comparison of a presented secret with the configured one.</summary>
    public static bool SecretMatches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    /// <summary>Customer.io reporting webhooks: hex(HMAC-SHA256(key, "v0:" + timestamp + ":" + body)).</summary>
    public static bool ReportingSignatureMatches(string signatureHex, string timestamp, byte[] body, string key)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), signed);
        return HexMatches(signatureHex, expected);
    }

    /// <summary>Data Pipelines webhook destination: hex(HMAC-SHA1(secret, body)).</summary>
    public static bool PipelinesSignatureMatches(string signatureHex, byte[] body, string secret)
    {
#pragma warning disable CA5350 // SHA-1 is what Customer.io Data Pipelines signs with; we only verify it.
        var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), body);
#pragma warning restore CA5350
        return HexMatches(signatureHex, expected);
    }

    private static bool HexMatches(string hex, byte[] expected)
    {
        hex = hex.Trim();
        if (hex.StartsWith("sha1=", StringComparison.OrdinalIgnoreCase)) hex = hex[5..];
        if (hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)) hex = hex[7..];
        byte[] presented;
        try
        {
            presented = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    /// <summary>Parses JSON, or describes where it is broken.</summary>
    public static JsonDocument? ParseJson(byte[] body, out string? error)
    {
        try
        {
            error = null;
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            error = $"the body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}): {ex.Message.Split(" LineNumber", 2)[0]}";
            return null;
        }
    }
}
