using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RetentionPlaybooks.Host.Webhooks;

/// <summary>Reading and checking a webhook request: content type, bounded raw body, secrets and signatures.</summary>
internal static class WebhookRequest
{
    /// <summary>application/json (or application/*+json), in UTF-8: no charset parameter, or charset=utf-8.</summary>
    public static bool IsJson(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)) return false;
        var media = type.MediaType.Value ?? "";
        var json = media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        var charset = type.Charset.Value?.Trim('"');
        return json && (string.IsNullOrEmpty(charset) || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
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

    /// <summary>
    /// Parses a body and checks it is JSON a later stage can read in full: valid UTF-8 without a byte-order mark, at
    /// most <see cref="MaxDepth"/> levels deep, every string decodable (no unpaired surrogate escape), and no object with
    /// the same key twice (which one would win is up to the reader). <paramref name="problem"/> says what is wrong:
    /// a 400 for text that is not readable JSON, a 422 for a duplicate key.
    /// </summary>
    public static JsonDocument? ParseJson(byte[] body, out IResult? problem)
    {
        problem = null;
        if (body.AsSpan().StartsWith("\uFEFF"u8))
        {
            problem = WebhookProblems.MalformedJson("the body starts with a UTF-8 byte-order mark; send plain UTF-8 JSON");
            return null;
        }
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            problem = WebhookProblems.MalformedJson($"the body is not valid UTF-8 (first invalid byte at offset {FirstInvalidUtf8(body)})");
            return null;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            problem = WebhookProblems.MalformedJson($"the body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}): {ex.Message.Split(" LineNumber", 2)[0]}");
            return null;
        }
        problem = Check(doc.RootElement, "$");
        if (problem is null) return doc;
        doc.Dispose();
        return null;
    }

    /// <summary>How deep a body may nest; Customer.io's own payloads are a few levels deep.</summary>
    public const int MaxDepth = 32;

    private static IResult? Check(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return WebhookProblems.MalformedJson($"a key in {path} is not valid Unicode (an unpaired surrogate escape such as \\ud800)");
                    }
                    seen ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!seen.Add(name)) return WebhookProblems.DuplicateKey(name, path);
                    if (Check(property.Value, ChildPath(path, name)) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Check(item, $"{path}[{i++}]") is { } inner) return inner;
                }
                return null;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return WebhookProblems.MalformedJson($"the string at {path} is not valid Unicode (an unpaired surrogate escape such as \\ud800)");
                }
            default:
                return null;
        }
    }

    // Paths name keys as they are when they are plain identifiers; anything else is quoted, and long keys are cut.
    private static string ChildPath(string path, string name) =>
        name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? $"{path}.{name}"
            : $"{path}[{WebhookProblems.Quote(name)}]";

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        var offset = 0;
        while (offset < body.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return offset;
    }
}
