using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>A click to send: who clicks which element on which message. <see cref="Value"/> is the button's value, or the chosen
/// option's value for a select.</summary>
internal sealed record FakeSlackClick(string Channel, string MessageTs, string ActionId, string Value, string UserId = "U0CLICKER", bool IsSelect = false)
{
    /// <summary>The team the payload claims (another workspace's, to test refusal); null for the fake's own.</summary>
    public string? TeamId { get; init; }

    /// <summary>When Slack stamps the request; null for the fake clock's now.</summary>
    public DateTimeOffset? SignedAt { get; init; }

    /// <summary>The secret to sign with; null for the right one.</summary>
    public string? SigningSecret { get; init; }

    /// <summary>Slack's retry headers, as when it resends a request it considers failed.</summary>
    public int? RetryNum { get; init; }

    /// <summary>The action_ts Slack gives the click; null for a new one.</summary>
    public string? ActionTs { get; init; }
}

/// <summary>
/// What the fake does as Slack's interactivity: it sends block_actions payloads to an app's request URL, form-encoded and
/// signed like Slack (v0 HMAC-SHA256 over "v0:{timestamp}:{body}"), and accepts the posts an app makes to the payload's
/// response_url (kept in order, at most 5 per URL as Slack allows).
/// </summary>
internal sealed class FakeSlackInteractivity(FakeSlackOptions options, FakeSlackWorkspace workspace, Func<Uri> baseUrl)
{
    private readonly Lock _gate = new();
    private readonly List<(string Url, JsonObject Body)> _responses = [];
    private long _sequence;

    /// <summary>Every post to a response_url, in order.</summary>
    public IReadOnlyList<(string Url, JsonObject Body)> Responses
    {
        get { lock (_gate) return [.. _responses.Select(r => (r.Url, r.Body.DeepClone().AsObject()))]; }
    }

    /// <summary>The form body and headers Slack would send for <paramref name="click"/>.</summary>
    public (byte[] Body, Dictionary<string, string> Headers, string ResponseUrl, string ActionTs) Build(FakeSlackClick click, string signingSecret)
    {
        var now = options.TimeProvider!.GetUtcNow();
        var n = Interlocked.Increment(ref _sequence);
        var actionTs = click.ActionTs ?? string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeSeconds()}.{n:D6}");
        var responseUrl = new Uri(baseUrl(), $"actions/{options.TeamId}/{n}/response").ToString();
        var message = workspace.MessagesIn(click.Channel).FirstOrDefault(m => m.Ts == click.MessageTs);
        JsonObject action = click.IsSelect
            ? new() { ["action_id"] = click.ActionId, ["block_id"] = "actions", ["type"] = "static_select", ["action_ts"] = actionTs,
                ["selected_option"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = click.Value }, ["value"] = click.Value } }
            : new() { ["action_id"] = click.ActionId, ["block_id"] = "actions", ["type"] = "button", ["action_ts"] = actionTs, ["value"] = click.Value };
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = click.TeamId ?? options.TeamId, ["domain"] = "fake" },
            ["user"] = new JsonObject { ["id"] = click.UserId, ["username"] = "clicker", ["name"] = "clicker", ["team_id"] = click.TeamId ?? options.TeamId },
            ["api_app_id"] = "A0FAKEAPP",
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = click.MessageTs, ["channel_id"] = click.Channel, ["is_ephemeral"] = false },
            ["trigger_id"] = $"{n}.trigger",
            ["channel"] = new JsonObject { ["id"] = click.Channel, ["name"] = click.Channel },
            ["message"] = message is null ? new JsonObject { ["ts"] = click.MessageTs } : MessageWithTs(message),
            ["response_url"] = responseUrl,
            ["actions"] = new JsonArray(action),
        };
        var body = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        var signedAt = (click.SignedAt ?? now).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>
        {
            ["X-Slack-Request-Timestamp"] = signedAt,
            ["X-Slack-Signature"] = Sign(click.SigningSecret ?? signingSecret, signedAt, body),
        };
        if (click.RetryNum is { } retry)
        {
            headers["X-Slack-Retry-Num"] = retry.ToString(CultureInfo.InvariantCulture);
            headers["X-Slack-Retry-Reason"] = "http_timeout";
        }
        return (body, headers, responseUrl, actionTs);
    }

    /// <summary>Sends the click to the app's interactivity URL, as Slack does.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpClient http, Uri requestUrl, FakeSlackClick click, string signingSecret, CancellationToken ct)
    {
        var (body, headers, _, _) = Build(click, signingSecret);
        using var request = new HttpRequestMessage(HttpMethod.Post, requestUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return await http.SendAsync(request, ct).ConfigureAwait(false);
    }

    private static readonly HttpClient AppClient = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Whether clicks can be sent to the app configured in the options (standalone mode).</summary>
    public bool CanClick => options.InteractivityUrl is not null && !string.IsNullOrEmpty(options.SigningSecret);

    /// <summary>Sends <paramref name="click"/> to the configured app; its answer in a few words ("200", "401 ...", or why it
    /// could not be reached).</summary>
    public async Task<string> SendToAppAsync(FakeSlackClick click, CancellationToken ct)
    {
        try
        {
            using var response = await SendAsync(AppClient, options.InteractivityUrl!, click, options.SigningSecret!, ct).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            return text.Length == 0 ? status : $"{status} {(text.Length > 300 ? text[..300] : text)}";
        }
        catch (HttpRequestException e)
        {
            return $"not reached: {e.Message}";
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return "not reached: no answer within 10 s";
        }
    }

    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>A post to a response_url: kept; the sixth to one URL is refused, as Slack allows five.</summary>
    public (int Status, string Text) Respond(string url, JsonObject body)
    {
        lock (_gate)
        {
            if (_responses.Count(r => r.Url == url) >= 5) return (404, "used_up");
            _responses.Add((url, body));
            return (200, "ok");
        }
    }

    private static JsonObject MessageWithTs(FakeSlackMessage message)
    {
        var body = message.Body.DeepClone().AsObject();
        body["ts"] = message.Ts;
        body.Remove("channel");
        return body;
    }
}
