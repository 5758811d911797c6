using System.Globalization;
using Microsoft.Extensions.Options;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Host.Webhooks;

namespace RetentionPlaybooks.Host.Interactivity;

/// <summary>
/// POST /slack/interactivity, the Slack app manifest's request URL. The signature (v0 HMAC-SHA256 over
/// "v0:{timestamp}:{raw body}", constant time, within the tolerance) is checked before the form is decoded; the team must
/// be this host's workspace; the clicks are stored, and only then is Slack answered 200 (well within its 3 seconds). The
/// work — the case's state, the message's update, the reply to whoever clicked — happens afterwards. An unsigned or stale
/// request is 401, another team's 403, a malformed one 400; none of them changes anything.
/// </summary>
internal static class InteractivityEndpoints
{
    public static IEndpointRouteBuilder MapInteractivity(this IEndpointRouteBuilder app)
    {
        app.MapPost("/slack/interactivity", InteractAsync);
        return app;
    }

    internal static async Task<IResult> InteractAsync(HttpRequest request, IOptions<SlackOptions> options, SlackWorkspace workspace, IActionStore store,
        ActionSignal signal, TimeProvider time, CancellationToken ct)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.SigningSecret)) return WebhookProblems.InteractivityOff();
        var timestampText = request.Headers["X-Slack-Request-Timestamp"].ToString();
        var signature = request.Headers["X-Slack-Signature"].ToString();
        if (timestampText.Length == 0) return WebhookProblems.MissingCredential("X-Slack-Request-Timestamp");
        if (signature.Length == 0) return WebhookProblems.MissingCredential("X-Slack-Signature");
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)) return WebhookProblems.BadTimestamp(timestampText, "X-Slack-Request-Timestamp");
        var skew = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253_402_300_799));
        if (skew.Duration() > o.SignatureTolerance) return WebhookProblems.StaleTimestamp(timestamp, o.SignatureTolerance, "X-Slack-Request-Timestamp");
        if (!IsForm(request)) return WebhookProblems.NotForm(request.ContentType);
        var body = await WebhookRequest.ReadBodyAsync(request, o.MaxInteractionBytes, ct).ConfigureAwait(false);
        if (body is null) return WebhookProblems.TooLarge(o.MaxInteractionBytes);
        // Slack's scheme: "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + raw body)), the same as Customer.io's reporting webhooks.
        if (!signature.StartsWith("v0=", StringComparison.Ordinal) || !WebhookRequest.ReportingSignatureMatches(signature[3..], timestampText, body, o.SigningSecret))
        {
            return WebhookProblems.WrongCredential("X-Slack-Signature");
        }
        if (!BlockActionReader.TryRead(body, url => ResponseUrlAllowed(url, o), out var team, out var actions, out var error)) return WebhookProblems.BadAction(error!);
        // A click always has a team (the reader refuses block_actions without one); anything else with a team is checked too.
        if (team is not null)
        {
            var (expected, why) = await workspace.TeamIdAsync(ct).ConfigureAwait(false);
            if (expected is null) return WebhookProblems.WorkspaceUnknown(why!);
            if (!string.Equals(team, expected, StringComparison.Ordinal)) return WebhookProblems.OtherWorkspace(team);
        }
        if (actions.Count == 0) return Results.Ok();
        try
        {
            await store.AcceptAsync(actions, CancellationToken.None).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex)
        {
            // Nothing kept: Slack shows the person an error and they click again.
            return WebhookProblems.StoreUnavailable(Storage.StoreErrors.Code(ex));
        }
        signal.Signal.Notify();
        return Results.Ok();
    }

    private static bool IsForm(HttpRequest request) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && string.Equals(type.MediaType.Value, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>A response_url is used only when it is Slack's (https://hooks.slack.com/...) or on the host of the configured
    /// Slack API (a test's fake Slack): nothing else is ever posted to.</summary>
    internal static bool ResponseUrlAllowed(string url, SlackOptions options)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return false;
        if (uri.Scheme == Uri.UriSchemeHttps && uri.Host.Equals("hooks.slack.com", StringComparison.OrdinalIgnoreCase)) return true;
        return Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) && uri.Scheme == api.Scheme
            && uri.Host.Equals(api.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == api.Port;
    }
}

/// <summary>New clicks stored.</summary>
internal sealed class ActionSignal
{
    public Delivery.WorkSignal Signal { get; } = new();
}
