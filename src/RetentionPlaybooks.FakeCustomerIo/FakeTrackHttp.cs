using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>The HTTP face of the fake: turns requests into (method, raw path, credentials, body) for the workspace, and its
/// answers back into HTTP, holding an answer back when a delay was injected.</summary>
internal static class FakeTrackHttp
{
    public const string ApiPrefix = "/api/v1/";

    /// <summary>Bodies larger than this are refused with 413 unread; the Track API's largest legal body is about 100 KB.</summary>
    private const int MaxBodyBytes = 1024 * 1024;

    public static async Task HandleAsync(HttpContext context, FakeTrackWorkspace workspace, CancellationToken stopping)
    {
        // The raw target, not Request.Path: Kestrel decodes the path, and the test is whether the client escaped the id.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var query = raw.IndexOfAny(['?', '#']);
        if (query >= 0) raw = raw[..query];
        if (!raw.StartsWith(ApiPrefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            context.Response.StatusCode = 413;
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var answer = workspace.Handle(
            context.Request.Method,
            raw[ApiPrefix.Length..],
            context.Request.Headers.Authorization.Count > 0 ? context.Request.Headers.Authorization.ToString() : null,
            buffer.ToArray(),
            context.Request.ContentType);

        var status = answer.Status;
        var json = answer.Json;
        if (answer.Delay is { } delay)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            try
            {
                // Real time on purpose: this exercises the client's own timeout.
                await Task.Delay(delay, TimeProvider.System, wait.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                workspace.Answered(answer.Sequence, null); // the client gave up
                return;
            }
            catch (OperationCanceledException)
            {
                // The server is being disposed: answer now rather than keep shutdown waiting for the delay.
                status = 503;
                json = FakeTrackAnswer.Error("shutting down");
            }

            workspace.Answered(answer.Sequence, status);
        }

        context.Response.StatusCode = status;
        if (answer.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (answer.RetryAt is { } at) context.Response.Headers.RetryAfter = at.ToString("R", CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(json), CancellationToken.None);
    }
}
