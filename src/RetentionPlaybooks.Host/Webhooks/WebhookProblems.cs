namespace RetentionPlaybooks.Host.Webhooks;

/// <summary>Every rejection a webhook can get, as problem+json with a stable type; each message lives here once.</summary>
internal static class WebhookProblems
{
    private const string TypeBase = "https://retentionplaybooks.dev/problems/";

    public static IResult Disabled(string source, string key) =>
        Problem(404, "source-disabled", "Source not enabled", $"{source} webhooks are not enabled on this host: {key} is not set");

    public static IResult UnsupportedMediaType(string? contentType) =>
        Problem(415, "unsupported-media-type", "Unsupported content type", $"send the body as application/json in UTF-8; got \"{contentType ?? "(none)"}\"");

    public static IResult TooLarge(long limit) =>
        Problem(413, "body-too-large", "Body too large", $"the body is larger than the {limit} bytes this host accepts (CustomerIo:MaxBodyBytes)");

    public static IResult MissingCredential(string header) =>
        Problem(401, "missing-credential", "Missing credential", $"the request has no {header} header");

    public static IResult WrongCredential(string header) =>
        Problem(401, "bad-credential", "Bad credential", $"the {header} header does not match");

    public static IResult StaleTimestamp(long timestamp, TimeSpan tolerance, string header = "X-CIO-Timestamp") =>
        Problem(401, "stale-timestamp", "Stale timestamp", $"{header} {timestamp} is more than {tolerance.TotalSeconds:0} s from the current time");

    public static IResult BadTimestamp(string? value, string header = "X-CIO-Timestamp") =>
        Problem(401, "bad-timestamp", "Bad timestamp", $"{header} \"{value}\" is not unix seconds");

    public static IResult InteractivityOff() =>
        Problem(401, "interactivity-off", "Interactivity not configured", "Slack:SigningSecret is not set on this host, so no Slack request can be verified");

    public static IResult OtherWorkspace(string team) =>
        Problem(403, "other-workspace", "Another workspace", $"the request comes from Slack team {Quote(team)}, not the workspace this host's bot token belongs to");

    public static IResult WorkspaceUnknown(string detail) =>
        new RetryLater(Problem(503, "workspace-unknown", "Workspace not known yet", detail));

    public static IResult NotForm(string? contentType) =>
        Problem(415, "unsupported-media-type", "Unsupported content type", $"Slack sends interactivity as application/x-www-form-urlencoded; got \"{contentType ?? "(none)"}\"");

    public static IResult BadAction(string detail) =>
        Problem(400, "bad-action", "Malformed interaction", detail);

    public static IResult ForbiddenNetwork(string? address) =>
        Problem(403, "forbidden-network", "Address not allowed", $"requests from {address ?? "an unknown address"} are not accepted (CustomerIo:AllowedNetworks)");

    public static IResult MalformedJson(string detail) =>
        Problem(400, "malformed-json", "Malformed JSON", detail);

    public static IResult DuplicateKey(string key, string path) =>
        Problem(422, "duplicate-key", "Duplicate key", $"the key {Quote(key)} appears more than once in {path}; send each key once");

    /// <param name="error">The engine's error code as <see cref="Storage.StoreErrors.Code"/> says it ("SQLite error 5").</param>
    public static IResult StoreUnavailable(string error) => new RetryLater(
        Problem(503, "store-unavailable", "Store unavailable", $"the webhook could not be stored ({error}); nothing was kept, send it again"));

    public static IResult Invalid(string detail) =>
        Problem(422, "invalid-payload", "Invalid payload", detail);

    /// <summary>A key as a message quotes it: in double quotes, backslash-escaped, cut after 64 characters.</summary>
    internal static string Quote(string key) =>
        "\"" + (key.Length <= 64 ? key : key[..64] + "…").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>The problem type of a refusal made here ("missing-credential", "store-unavailable"...), or null for any other result.</summary>
    public static string? TypeOf(object? result) => result switch
    {
        RetryLater later => TypeOf(later.Inner),
        Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult { ProblemDetails.Type: { } type } when type.StartsWith(TypeBase, StringComparison.Ordinal) => type[TypeBase.Length..],
        _ => null,
    };

    private static IResult Problem(int status, string type, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + type);

    /// <summary>A problem answer with <c>Retry-After</c>, for failures that pass.</summary>
    private sealed class RetryLater(IResult inner) : IResult
    {
        public IResult Inner => inner;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "5";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
