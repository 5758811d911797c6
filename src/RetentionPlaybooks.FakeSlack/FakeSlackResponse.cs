using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>What the HTTP layer should send for one request: a JSON or plain-text body, plus the injected misbehaviour.</summary>
internal sealed record FakeSlackResponse(int Status, JsonObject? Json, string? PlainText = null)
{
    /// <summary>The x-oauth-scopes header (auth.test).</summary>
    public string? OAuthScopes { get; init; }

    /// <summary>Seconds for the Retry-After header (429s).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Wait this long (real time) before answering.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Send <see cref="PlainText"/> as text/html.</summary>
    public bool PlainTextIsHtml { get; init; }

    /// <summary>Abort the connection instead of answering.</summary>
    public bool Abort { get; init; }

    public static FakeSlackResponse Ok(JsonObject body)
    {
        body.Insert(0, "ok", true);
        return new FakeSlackResponse(200, body);
    }

    public static FakeSlackResponse Error(string error, int status = 200, JsonArray? details = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error"] = error };
        if (details is { Count: > 0 })
        {
            body["errors"] = details;
            body["response_metadata"] = new JsonObject
            {
                ["messages"] = new JsonArray(details.Select(d => (JsonNode?)JsonValue.Create("[ERROR] " + d!.GetValue<string>())).ToArray()),
            };
        }

        return new FakeSlackResponse(status, body);
    }
}
