using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.Host.Webhooks;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The door's checks one by one: content type, bounded body, and what JSON a later stage can read.</summary>
public sealed class WebhookRequestTests
{
    private static async Task<string?> ProblemDetailAsync(string json) => await ProblemDetailAsync(Encoding.UTF8.GetBytes(json));

    private static async Task<string?> ProblemDetailAsync(byte[] body)
    {
        using var doc = WebhookRequest.ParseJson(body, out var problem);
        if (problem is null)
        {
            Assert.NotNull(doc);
            return null;
        }
        Assert.Null(doc);
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await problem.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var json = await JsonDocument.ParseAsync(context.Response.Body);
        return $"{context.Response.StatusCode} {json.RootElement.GetProperty("detail").GetString()}";
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}", "422 the key \"a\" appears more than once in $; send each key once")]
    [InlineData("{\"customer\":{\"id\":\"1\",\"id\":\"2\"}}", "422 the key \"id\" appears more than once in $.customer; send each key once")]
    [InlineData("{\"items\":[{},{\"sku\":1,\"sku\":2}]}", "422 the key \"sku\" appears more than once in $.items[1]; send each key once")]
    [InlineData("{\"odd key\":{\"x\":1,\"x\":1}}", "422 the key \"x\" appears more than once in $[\"odd key\"]; send each key once")]
    [InlineData("{\"a\":1,\"\\u0061\":2}", "422 the key \"a\" appears more than once in $; send each key once")]
    [InlineData("{\"a\":\"\\ud800\"}", "400 the string at $.a is not valid Unicode (an unpaired surrogate escape such as \\ud800)")]
    [InlineData("{\"list\":[\"ok\",\"\\udc00\"]}", "400 the string at $.list[1] is not valid Unicode (an unpaired surrogate escape such as \\ud800)")]
    [InlineData("{\"\\ud800\":1}", "400 a key in $ is not valid Unicode (an unpaired surrogate escape such as \\ud800)")]
    [InlineData("{\"a\":", "400 the body is not valid JSON (line 1, byte 6): Expected depth to be zero at the end of the JSON payload.")]
    [InlineData("{\"a\":1}\n x", "400 the body is not valid JSON (line 2, byte 2): 'x' is invalid after a single JSON value.")]
    public async Task ParseJson_Unreadable_SaysWhatAndWhere(string json, string expected)
    {
        var detail = await ProblemDetailAsync(json);

        Assert.StartsWith(expected, detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(63, "$.{key}")]
    [InlineData(64, "$.{key}")]            // a plain key is named as it is up to 64 characters
    [InlineData(65, "$[\"{cut}…\"]")]     // one more: quoted and cut after 64
    public async Task ParseJson_PlainKeyAtTheLengthLimit_IsNamedAsItIs_OneLongerIsQuotedAndCut(int length, string path)
    {
        var key = new string('k', length);
        var detail = await ProblemDetailAsync($"{{\"{key}\":{{\"x\":1,\"x\":2}}}}");

        var expected = path.Replace("{key}", key, StringComparison.Ordinal).Replace("{cut}", new string('k', 64), StringComparison.Ordinal);
        Assert.Equal($"422 the key \"x\" appears more than once in {expected}; send each key once", detail);
    }

    [Fact]
    public async Task ParseJson_LongOddKey_IsQuotedAndCutInThePath()
    {
        var key = new string('k', 70) + " ";
        var detail = await ProblemDetailAsync($"{{\"{key}\":{{\"x\":1,\"x\":2}}}}");

        Assert.Equal($"422 the key \"x\" appears more than once in $[\"{new string('k', 64)}…\"]; send each key once", detail);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D }, 6)]      // {"a":"\xFF"}
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D }, 6)] // a lead byte without its continuation
    [InlineData(new byte[] { 0x7B, 0x22, 0xC3, 0xA9, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D }, 7)] // é, then an encoded surrogate
    public async Task ParseJson_NotUtf8_Refused400_WithTheOffsetOfTheFirstBadByte(byte[] body, int offset)
    {
        var detail = await ProblemDetailAsync(body);

        Assert.Equal($"400 the body is not valid UTF-8 (first invalid byte at offset {offset})", detail);
    }

    [Fact]
    public async Task ParseJson_ByteOrderMark_Refused400()
    {
        var detail = await ProblemDetailAsync([0xEF, 0xBB, 0xBF, .. "{}"u8]);

        Assert.Equal("400 the body starts with a UTF-8 byte-order mark; send plain UTF-8 JSON", detail);
    }

    [Fact]
    public async Task ParseJson_NestingAtTheLimit_Reads_OneDeeper_IsRefused()
    {
        static string Nested(int depth) => new string('[', depth) + new string(']', depth);

        Assert.Null(await ProblemDetailAsync(Nested(WebhookRequest.MaxDepth)));
        Assert.StartsWith("400 the body is not valid JSON", await ProblemDetailAsync(Nested(WebhookRequest.MaxDepth + 1)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\":{\"b\":1},\"c\":{\"b\":2}}")]                    // the same key in different objects is fine
    [InlineData("[{\"a\":1},{\"a\":2}]")]
    [InlineData("{\"a\":\"\\ud83d\\ude00 \\u0000 \\u202e\"}")]          // a proper pair, NUL and RTL are text
    [InlineData("{}")]
    public async Task ParseJson_Readable_Accepted(string json)
    {
        Assert.Null(await ProblemDetailAsync(json));
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("Application/JSON", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("application/json; charset=UTF-8", true)]
    [InlineData("application/json; charset=\"utf-8\"", true)]
    [InlineData("application/json;charset=utf8", true)]
    [InlineData("application/vnd.customerio+json", true)]
    [InlineData("application/json; charset=utf-16", false)]
    [InlineData("application/json; charset=iso-8859-1", false)]
    [InlineData("text/json", false)]
    [InlineData("application/xml", false)]
    [InlineData("application/jsonx", false)]
    [InlineData("text/plain+json", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("; charset=utf-8", false)]   // parameters without a media type
    [InlineData("*/*", false)]
    public void IsJson_OnlyJsonInUtf8(string? contentType, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;

        Assert.Equal(expected, WebhookRequest.IsJson(context.Request));
    }

    [Theory]
    [InlineData(1024, true)]
    [InlineData(1025, false)]
    [InlineData(40_000, false)]
    public async Task ReadBodyAsync_Chunked_AtTheLimitRead_OverItRefused(int size, bool read)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(new byte[size]);   // no Content-Length: chunked
        context.Request.ContentLength = null;

        var body = await WebhookRequest.ReadBodyAsync(context.Request, 1024, CancellationToken.None);

        Assert.Equal(read, body is not null);
        if (read) Assert.Equal(size, body!.Length);
    }

    [Theory]
    [InlineData(1024, true)]
    [InlineData(1025, false)]
    public async Task ReadBodyAsync_WithLength_AtTheLimitRead_OverItRefused(int size, bool read)
    {
        var context = new DefaultHttpContext();
        var bytes = Enumerable.Range(0, size).Select(i => (byte)i).ToArray();
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = size;

        var body = await WebhookRequest.ReadBodyAsync(context.Request, 1024, CancellationToken.None);

        Assert.Equal(read, body is not null);
        if (read) Assert.Equal(bytes, body);
    }

    private const string Key = "test-reporting-key-0123456789";
    private static readonly byte[] Body = "{\"event_id\":\"01H\"}"u8.ToArray();

    private static string ReportingHex(string timestamp = "1795873320", byte[]? body = null) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), (byte[])[.. Encoding.UTF8.GetBytes($"v0:{timestamp}:"), .. body ?? Body]));

    [Fact]
    public void ReportingSignature_TheRightOne_InAnyHexCaseOrWithItsPrefix_Matches()
    {
        var hex = ReportingHex();

        Assert.True(WebhookRequest.ReportingSignatureMatches(hex, "1795873320", Body, Key));
        Assert.True(WebhookRequest.ReportingSignatureMatches(hex.ToUpperInvariant(), "1795873320", Body, Key));
        Assert.True(WebhookRequest.ReportingSignatureMatches("sha256=" + hex, "1795873320", Body, Key));
        Assert.True(WebhookRequest.ReportingSignatureMatches(" " + hex + " ", "1795873320", Body, Key));
    }

    public static TheoryData<string> WrongReportingSignatures()
    {
        var hex = ReportingHex();
        return new()
        {
            "",
            "sha256=",
            hex[..2],
            hex[..32],
            hex[..^2],
            hex + "00",
            hex[..^1] + (hex[^1] == '0' ? '1' : '0'),
            "zz" + hex[2..],
            ReportingHex(timestamp: "1795873321"),
            ReportingHex(body: "{\"event_id\":\"01I\"}"u8.ToArray()),
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Body)),
        };
    }

    [Theory]
    [MemberData(nameof(WrongReportingSignatures))]
    public void ReportingSignature_TruncatedExtendedAlteredOrOverOtherBytes_DoesNotMatch(string signature)
    {
        Assert.False(WebhookRequest.ReportingSignatureMatches(signature, "1795873320", Body, Key));
    }

    [Fact]
    public void PipelinesSignature_OnlyTheFullHmacSha1OfTheBody_Matches()
    {
#pragma warning disable CA5350 // Data Pipelines signs with HMAC-SHA1.
        var hex = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA1.HashData(Encoding.UTF8.GetBytes(Key), Body));
#pragma warning restore CA5350

        Assert.True(WebhookRequest.PipelinesSignatureMatches(hex, Body, Key));
        Assert.True(WebhookRequest.PipelinesSignatureMatches("sha1=" + hex.ToUpperInvariant(), Body, Key));
        Assert.False(WebhookRequest.PipelinesSignatureMatches("sha1=", Body, Key));
        Assert.False(WebhookRequest.PipelinesSignatureMatches(hex[..^2], Body, Key));
        Assert.False(WebhookRequest.PipelinesSignatureMatches(hex + "ab", Body, Key));
        Assert.False(WebhookRequest.PipelinesSignatureMatches(hex, (byte[])[.. Body, 0x20], Key));
        Assert.False(WebhookRequest.PipelinesSignatureMatches(hex, Body, Key + "x"));
    }

    [Theory]
    [InlineData("test-journey-secret-0123456789", true)]
    [InlineData("test-journey-secret-012345678", false)]     // a prefix
    [InlineData("test-journey-secret-01234567890", false)]   // one character more
    [InlineData("test-journey-secret-012345678X", false)]
    [InlineData("TEST-JOURNEY-SECRET-0123456789", false)]
    [InlineData("", false)]
    public void SecretMatches_OnlyTheWholeSecret(string presented, bool expected)
    {
        Assert.Equal(expected, WebhookRequest.SecretMatches(presented, "test-journey-secret-0123456789"));
    }
}
