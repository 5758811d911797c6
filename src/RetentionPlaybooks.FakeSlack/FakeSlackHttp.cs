using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>The HTTP face of the fake: turns requests into (method, token, arguments) for the workspace and its answers back into HTTP.</summary>
internal static class FakeSlackHttp
{
    private const string ApiPrefix = "/api/";

    public static async Task HandleAsync(HttpContext context, FakeSlackWorkspace workspace, FakeSlackInteractivity? interactivity = null)
    {
        var path = context.Request.Path.Value ?? "/";
        if (interactivity is not null && path.StartsWith("/actions/", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            // A response_url: JSON in, "ok" out, as Slack's hooks answer.
            JsonObject? body = null;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
            }
            catch (JsonException)
            {
            }
            var (status, text) = body is null ? (400, "invalid_payload") : interactivity.Respond(Microsoft.AspNetCore.Http.Extensions.UriHelper.GetDisplayUrl(context.Request), body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(text, context.RequestAborted);
            return;
        }
        if (path is "/" or "" && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            var clickable = interactivity?.CanClick == true;
            await context.Response.WriteAsync(FakeSlackHtml.Render(workspace.Messages, interactivity?.Responses ?? [], clickable, context.Request.Query["clicked"]),
                context.RequestAborted);
            return;
        }
        if (path == "/click" && HttpMethods.IsPost(context.Request.Method))
        {
            await ClickAsync(context, interactivity);
            return;
        }

        if (!path.StartsWith(ApiPrefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var method = path[ApiPrefix.Length..];
        var (args, parseError) = await ReadArgumentsAsync(context.Request, context.RequestAborted);
        var token = BearerToken(context.Request) ?? (args["token"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null);
        var response = parseError is not null
            ? FakeSlackResponse.Error(parseError)
            : workspace.Handle(method, token, args);

        if (response.Delay is { } delay)
        {
            try
            {
                // Real time on purpose: this exercises the client's own timeout.
                await Task.Delay(delay, TimeProvider.System, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (response.Abort)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = response.Status;
        if (response.OAuthScopes is { } scopes) context.Response.Headers["x-oauth-scopes"] = scopes;
        if (response.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (response.Json is { } json)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(json), context.RequestAborted);
        }
        else if (response.PlainText is { } text)
        {
            context.Response.ContentType = response.PlainTextIsHtml ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
        }
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..].Trim() : null;
    }

    /// <summary>Query string, then a JSON or form body, merged into one object, as Slack accepts arguments in all three.</summary>
    private static async Task<(JsonObject Args, string? Error)> ReadArgumentsAsync(HttpRequest request, CancellationToken ct)
    {
        var args = new JsonObject();
        foreach (var (key, value) in request.Query) args[key] = value.ToString();
        if (!HttpMethods.IsPost(request.Method)) return (args, null);

        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                if (await JsonNode.ParseAsync(request.Body, cancellationToken: ct) is not JsonObject body) return (args, "invalid_json");
                foreach (var (key, value) in body.ToList())
                {
                    body.Remove(key);
                    args[key] = value;
                }
            }
            catch (JsonException)
            {
                return (args, "invalid_json");
            }
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            foreach (var (key, value) in form) args[key] = value.ToString();
        }

        return (args, null);
    }

    /// <summary>POST /click from the page: the form names the message and the element; the click goes to the app as Slack
    /// sends it, and the page is shown again with the app's answer.</summary>
    private static async Task ClickAsync(HttpContext context, FakeSlackInteractivity? interactivity)
    {
        if (interactivity is null || !interactivity.CanClick)
        {
            context.Response.StatusCode = 409;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("this fake Slack sends no clicks: start it with --interactivity-url and --signing-secret", context.RequestAborted);
            return;
        }
        if (!context.Request.HasFormContentType)
        {
            context.Response.StatusCode = 415;
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string Field(string name) => form[name].ToString();
        if (Field("channel").Length == 0 || Field("ts").Length == 0 || Field("action_id").Length == 0 || Field("value").Length == 0)
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("channel, ts, action_id and value are required", context.RequestAborted);
            return;
        }
        var click = new FakeSlackClick(Field("channel"), Field("ts"), Field("action_id"), Field("value"),
            Field("user") is { Length: > 0 } user ? user : "U0CLICKER", IsSelect: Field("select") == "true");
        var answer = await interactivity.SendToAppAsync(click, context.RequestAborted);
        context.Response.StatusCode = 303;
        context.Response.Headers.Location = "/?clicked=" + Uri.EscapeDataString(answer);
    }
}
