using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.Host.Webhooks;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Every rejection as the sender sees it: status, a stable problem type a client can switch on, its title and detail.</summary>
public sealed class WebhookProblemsTests
{
    private static async Task<(int Status, JsonElement Body, string? RetryAfter)> Execute(IResult result)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var body = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, body.RootElement.Clone(), context.Response.Headers.RetryAfter.ToString() is { Length: > 0 } r ? r : null);
    }

    public static TheoryData<string, int, string, string, string> Cases => new()
    {
        { "disabled", 404, "source-disabled", "Source not enabled", "Journey webhooks are not enabled on this host: CustomerIo:JourneySecret is not set" },
        { "media", 415, "unsupported-media-type", "Unsupported content type", "send the body as application/json in UTF-8; got \"(none)\"" },
        { "large", 413, "body-too-large", "Body too large", "the body is larger than the 1024 bytes this host accepts (CustomerIo:MaxBodyBytes)" },
        { "missing", 401, "missing-credential", "Missing credential", "the request has no X-Webhook-Secret header" },
        { "wrong", 401, "bad-credential", "Bad credential", "the X-CIO-Signature header does not match" },
        { "stale", 401, "stale-timestamp", "Stale timestamp", "X-CIO-Timestamp 1000 is more than 300 s from the current time" },
        { "badts", 401, "bad-timestamp", "Bad timestamp", "X-CIO-Timestamp \"soon\" is not unix seconds" },
        { "network", 403, "forbidden-network", "Address not allowed", "requests from an unknown address are not accepted (CustomerIo:AllowedNetworks)" },
        { "json", 400, "malformed-json", "Malformed JSON", "the body is not valid JSON" },
        { "duplicate", 422, "duplicate-key", "Duplicate key", "the key \"id\" appears more than once in $.customer; send each key once" },
        { "invalid", 422, "invalid-payload", "Invalid payload", "\"delivery_id\" is missing" },
        { "interoff", 401, "interactivity-off", "Interactivity not configured", "Slack:SigningSecret is not set on this host, so no Slack request can be verified" },
        { "team", 403, "other-workspace", "Another workspace", "the request comes from Slack team \"T0OTHER\", not the workspace this host's bot token belongs to" },
        { "unknown", 503, "workspace-unknown", "Workspace not known yet", "auth.test failed (timeout)" },
        { "notform", 415, "unsupported-media-type", "Unsupported content type", "Slack sends interactivity as application/x-www-form-urlencoded; got \"(none)\"" },
        { "jsonform", 415, "unsupported-media-type", "Unsupported content type", "Slack sends interactivity as application/x-www-form-urlencoded; got \"application/json\"" },
        { "action", 400, "bad-action", "Malformed interaction", "the payload has no team.id" },
        { "store", 503, "store-unavailable", "Store unavailable", "the webhook could not be stored (SQLite error 5); nothing was kept, send it again" },
    };

    private static IResult Make(string name) => name switch
    {
        "disabled" => WebhookProblems.Disabled("Journey", "CustomerIo:JourneySecret"),
        "media" => WebhookProblems.UnsupportedMediaType(null),
        "large" => WebhookProblems.TooLarge(1024),
        "missing" => WebhookProblems.MissingCredential("X-Webhook-Secret"),
        "wrong" => WebhookProblems.WrongCredential("X-CIO-Signature"),
        "stale" => WebhookProblems.StaleTimestamp(1000, TimeSpan.FromMinutes(5)),
        "badts" => WebhookProblems.BadTimestamp("soon"),
        "network" => WebhookProblems.ForbiddenNetwork(null),
        "json" => WebhookProblems.MalformedJson("the body is not valid JSON"),
        "duplicate" => WebhookProblems.DuplicateKey("id", "$.customer"),
        "invalid" => WebhookProblems.Invalid("\"delivery_id\" is missing"),
        "interoff" => WebhookProblems.InteractivityOff(),
        "team" => WebhookProblems.OtherWorkspace("T0OTHER"),
        "unknown" => WebhookProblems.WorkspaceUnknown("auth.test failed (timeout)"),
        "notform" => WebhookProblems.NotForm(null),
        "jsonform" => WebhookProblems.NotForm("application/json"),
        "action" => WebhookProblems.BadAction("the payload has no team.id"),
        _ => WebhookProblems.StoreUnavailable("SQLite error 5"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Problem_HasItsStatus_StableType_Title_AndDetail(string name, int status, string type, string title, string detail)
    {
        var (actualStatus, body, retryAfter) = await Execute(Make(name));

        Assert.Equal(status, actualStatus);
        Assert.Equal("https://retentionplaybooks.dev/problems/" + type, body.GetProperty("type").GetString());
        Assert.Equal(title, body.GetProperty("title").GetString());
        Assert.Equal(detail, body.GetProperty("detail").GetString());
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(name is "store" or "unknown" ? "5" : null, retryAfter);   // failures that pass say when to try again
    }

    [Theory]
    [InlineData("text/plain", "send the body as application/json in UTF-8; got \"text/plain\"")]
    public async Task UnsupportedMediaType_QuotesWhatWasSent(string contentType, string detail)
    {
        var (_, body, _) = await Execute(WebhookProblems.UnsupportedMediaType(contentType));

        Assert.Equal(detail, body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ForbiddenNetwork_NamesTheAddress()
    {
        var (_, body, _) = await Execute(WebhookProblems.ForbiddenNetwork("203.0.113.9"));

        Assert.Equal("requests from 203.0.113.9 are not accepted (CustomerIo:AllowedNetworks)", body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(65, true)]
    public void Quote_CutsAfter64Characters_AndEscapesQuotesAndBackslashes(int length, bool cut)
    {
        var key = new string('k', length);

        Assert.Equal(cut ? $"\"{new string('k', 64)}…\"" : $"\"{key}\"", WebhookProblems.Quote(key));
        Assert.Equal("\"a\\\"b\\\\c\"", WebhookProblems.Quote("a\"b\\c"));
    }
}
