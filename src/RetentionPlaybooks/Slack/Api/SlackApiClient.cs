using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack.Api;

/// <summary>
/// A typed client for the few Slack Web API methods the host uses. Every call returns a classified
/// <see cref="SlackCall{T}"/> instead of throwing, so a sender can decide between retry, wait and give up;
/// only the caller's own cancellation throws. Tokens and bodies are never logged or put into errors.
/// </summary>
internal sealed class SlackApiClient
{
    private static readonly MediaTypeHeaderValue JsonUtf8 = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

    /// <summary>Used when a 429 has no usable Retry-After header.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private readonly SlackApiOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _baseUrl;

    public SlackApiClient(HttpClient http, SlackApiOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                "Slack API options are invalid:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)),
                nameof(options));
        }

        _http = http;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _baseUrl = options.NormalizedBaseUrl;
    }

    /// <summary>chat.postMessage with an already rendered JSON body (channel, text, blocks, unfurl_*, optionally metadata).</summary>
    public Task<SlackCall<PostedMessage>> PostMessageAsync(ReadOnlyMemory<byte> jsonBody, CancellationToken ct) =>
        CallAsync("chat.postMessage", Json(jsonBody), ReadPosted, ct);

    /// <summary>chat.update with a JSON body holding channel, ts, text and blocks.</summary>
    public Task<SlackCall<PostedMessage>> UpdateMessageAsync(ReadOnlyMemory<byte> jsonBody, CancellationToken ct) =>
        CallAsync("chat.update", Json(jsonBody), ReadPosted, ct);

    /// <summary>auth.test: checks the token and says which bot and workspace it belongs to.</summary>
    public Task<SlackCall<AuthTestResult>> AuthTestAsync(CancellationToken ct) =>
        CallAsync("auth.test", Form([]), ReadAuth, ct, (response, auth) => auth with { Scopes = Scopes(response) });

    /// <summary>users.info: does the user exist (user_not_found when not), and has the account been deactivated.</summary>
    public Task<SlackCall<UserInfo>> UsersInfoAsync(string user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        return CallAsync("users.info", Form([new("user", user)]), ReadUser, ct);
    }

    /// <summary>conversations.info for a channel id (or a D... DM id).</summary>
    public Task<SlackCall<ConversationInfo>> ConversationInfoAsync(string channel, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        return CallAsync("conversations.info", Form([new("channel", channel)]), ReadInfo, ct);
    }

    /// <summary>conversations.open: the direct-message channel (D…) with a user, whose id history lookups need.</summary>
    public Task<SlackCall<ConversationInfo>> ConversationsOpenAsync(string user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        return CallAsync("conversations.open", Form([new("users", user)]), ReadInfo, ct);
    }

    /// <summary>conversations.history, newest first: up to <paramref name="limit"/> (1 to 999) messages posted at or after
    /// <paramref name="oldestTs"/>, with their metadata when <paramref name="includeAllMetadata"/>. The bound is sent as inclusive
    /// (Slack's default is exclusive) so that crash recovery cannot miss a message whose ts equals the recorded bound.
    /// <paramref name="cursor"/> is the previous page's <see cref="ConversationHistory.NextCursor"/>, for the next (older) page.</summary>
    public Task<SlackCall<ConversationHistory>> ConversationHistoryAsync(
        string channel, string? oldestTs, int limit, bool includeAllMetadata, CancellationToken ct, string? cursor = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 999);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("channel", channel),
            new("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (oldestTs is not null)
        {
            fields.Add(new("oldest", oldestTs));
            fields.Add(new("inclusive", "true"));
        }

        if (includeAllMetadata) fields.Add(new("include_all_metadata", "true"));
        if (cursor is { Length: > 0 }) fields.Add(new("cursor", cursor));
        return CallAsync("conversations.history", Form(fields), ReadHistory, ct);
    }

    /// <summary>conversations.replies: a thread's messages (its parent first, then the replies, oldest first), with their
    /// metadata when <paramref name="includeAllMetadata"/>; <paramref name="cursor"/> pages on as for history.</summary>
    public Task<SlackCall<ConversationHistory>> ConversationRepliesAsync(
        string channel, string threadTs, int limit, bool includeAllMetadata, CancellationToken ct, string? cursor = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(threadTs);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 999);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("channel", channel),
            new("ts", threadTs),
            new("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (includeAllMetadata) fields.Add(new("include_all_metadata", "true"));
        if (cursor is { Length: > 0 }) fields.Add(new("cursor", cursor));
        return CallAsync("conversations.replies", Form(fields), ReadHistory, ct);
    }

    /// <summary>chat.getPermalink: the link to a message (channel and ts), to point at it from another channel.</summary>
    public Task<SlackCall<string>> GetPermalinkAsync(string channel, string messageTs, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageTs);
        return CallAsync("chat.getPermalink", Form([new("channel", channel), new("message_ts", messageTs)]), ReadPermalink, ct);
    }

    /// <summary>
    /// Posts a JSON message to an interaction's response_url (Slack's hooks, no token): "ok" is success; 404 and 410
    /// (used up: five posts, or older than 30 minutes) are permanent; 5xx, 408 and 429 are transient.
    /// </summary>
    public async Task<SlackCall<string>> RespondAsync(Uri responseUrl, ReadOnlyMemory<byte> jsonBody, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var request = new HttpRequestMessage(HttpMethod.Post, responseUrl) { Content = Json(jsonBody)() };
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var status = (int)response.StatusCode;
            var text = (await response.Content.ReadAsStringAsync(linked.Token)).Trim();
            var said = text.Length is > 0 and <= 100 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ' ') ? text : $"http_{status}";
            if (status is >= 200 and < 300) return SlackCall<string>.Success(said, status);
            if (status == 429) return SlackCall<string>.RateLimited(said, status, TimeSpan.FromSeconds(1));
            if (status >= 500 || status == 408) return SlackCall<string>.Transient(said, status);
            return SlackCall<string>.Permanent(said, status);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return SlackCall<string>.Transient("timeout", null);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            return SlackCall<string>.Transient($"connection_failed: {e.HttpRequestError}", null);
        }
    }

    private static Func<HttpContent> Json(ReadOnlyMemory<byte> body) => () =>
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonUtf8;
        return content;
    };

    private static Func<HttpContent> Form(IEnumerable<KeyValuePair<string, string>> fields) => () => new FormUrlEncodedContent(fields);

    /// <summary>Told the outcome of every Web API call (the method, the outcome, Slack's error code): for the host's health,
    /// which reports the last one without calling Slack itself. Never given a token or a body.</summary>
    public Action<string, SlackCallOutcome, string?>? Observer { get; init; }

    private async Task<SlackCall<T>> CallAsync<T>(string method, Func<HttpContent> content, Func<JsonObject, T?> read, CancellationToken ct,
        Func<HttpResponseMessage, T, T>? withHeaders = null)
        where T : class
    {
        var call = await CallOnceAsync(method, content, read, ct, withHeaders);
        Observer?.Invoke(method, call.Outcome, call.Error);
        return call;
    }

    private async Task<SlackCall<T>> CallOnceAsync<T>(string method, Func<HttpContent> content, Func<JsonObject, T?> read, CancellationToken ct,
        Func<HttpResponseMessage, T, T>? withHeaders)
        where T : class
    {
        ct.ThrowIfCancellationRequested();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_baseUrl, method)) { Content = content() };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.BotToken);

        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(linked.Token);
            var call = Classify(response, bytes, read);
            return withHeaders is not null && call.Value is { } value ? SlackCall<T>.Success(withHeaders(response, value), call.HttpStatus ?? (int)response.StatusCode) : call;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Ours or HttpClient.Timeout; either way Slack may still act on the request.
            return SlackCall<T>.Transient(
                timeout.IsCancellationRequested ? $"timeout: no answer within {_options.Timeout.TotalSeconds:0.###} s" : "timeout: HttpClient.Timeout elapsed",
                null);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            // Refused, reset, or the answer was cut off. The message (exception text) is left out: it can quote the URL.
            return SlackCall<T>.Transient($"connection_failed: {e.HttpRequestError}", e.StatusCode is { } s ? (int)s : null);
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            return SlackCall<T>.Transient("connection_failed: the answer was cut off", null);
        }
    }

    private SlackCall<T> Classify<T>(HttpResponseMessage response, byte[] bytes, Func<JsonObject, T?> read)
        where T : class
    {
        var status = (int)response.StatusCode;
        var json = TryParse(bytes);
        var error = json is not null && json["error"] is JsonValue e && e.TryGetValue<string>(out var code) ? code : null;

        if (status == 429) return SlackCall<T>.RateLimited(error ?? SlackErrorCodes.RateLimited, status, RetryAfter(response));
        if (status >= 500 || status == 408) return SlackCall<T>.Transient(error ?? $"http_{status}", status);
        if (status is < 200 or >= 300) return SlackCall<T>.Permanent(error ?? $"http_{status}", status);
        if (json is null) return SlackCall<T>.Transient($"invalid_response: not a JSON object ({bytes.Length} bytes, {response.Content.Headers.ContentType?.MediaType ?? "no content type"})", status);

        if (json["ok"] is JsonValue ok && ok.GetValueKind() == JsonValueKind.True)
        {
            T? value;
            try
            {
                value = read(json);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
            {
                value = null;
            }

            // ok:true without the fields we need: retrying a post could duplicate it, so report it as in doubt.
            return value is null
                ? SlackCall<T>.Transient("invalid_response: ok without the expected fields", status)
                : SlackCall<T>.Success(value, status);
        }

        error ??= "unknown_error";
        return SlackErrorCodes.Classify(error) switch
        {
            SlackCallOutcome.RateLimited => SlackCall<T>.RateLimited(error, status, RetryAfter(response)),
            SlackCallOutcome.Transient => SlackCall<T>.Transient(error, status),
            _ => SlackCall<T>.Permanent(error, status),
        };
    }

    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta && delta >= TimeSpan.Zero) return delta;
        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return DefaultRetryAfter;
    }

    private static JsonObject? TryParse(byte[] bytes)
    {
        if (bytes.Length == 0) return null;
        try
        {
            return JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Bool(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static PostedMessage? ReadPosted(JsonObject json) =>
        Str(json["channel"]) is { Length: > 0 } channel && Str(json["ts"]) is { Length: > 0 } ts ? new PostedMessage(channel, ts) : null;

    private static AuthTestResult? ReadAuth(JsonObject json) =>
        Str(json["team_id"]) is { } teamId && Str(json["user_id"]) is { } userId
            ? new AuthTestResult(Str(json["team"]) ?? "", teamId, Str(json["user"]) ?? "", userId, Str(json["bot_id"]), Str(json["url"]))
            : null;

    /// <summary>The scopes Slack says the token has (the <c>x-oauth-scopes</c> header of every Web API answer); null without the header.</summary>
    private static IReadOnlySet<string>? Scopes(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-oauth-scopes", out var values)
            ? values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal)
            : null;

    private static UserInfo? ReadUser(JsonObject json) =>
        json["user"] is JsonObject u && Str(u["id"]) is { } id ? new UserInfo(id, Str(u["name"]), Bool(u["deleted"]), Bool(u["is_bot"])) : null;

    private static ConversationInfo? ReadInfo(JsonObject json) =>
        json["channel"] is JsonObject c && Str(c["id"]) is { } id
            ? new ConversationInfo(id, Str(c["name"]), Bool(c["is_archived"]), Bool(c["is_member"]), Bool(c["is_im"]))
            : null;

    /// <summary>Only an https link without the characters that would end a mrkdwn link: it is put inside one.</summary>
    private static string? ReadPermalink(JsonObject json) =>
        Str(json["permalink"]) is { } link && Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            && link.IndexOfAny(['<', '>', '|', ' ', '\n']) < 0
            ? link
            : null;

    private static ConversationHistory? ReadHistory(JsonObject json)
    {
        if (json["messages"] is not JsonArray items) return null;
        var messages = new List<HistoryMessage>(items.Count);
        foreach (var item in items)
        {
            if (item is not JsonObject m || Str(m["ts"]) is not { } ts) continue;
            MessageMetadata? metadata = null;
            if (m["metadata"] is JsonObject meta && Str(meta["event_type"]) is { } eventType)
            {
                var payload = meta["event_payload"] as JsonObject;
                metadata = new MessageMetadata(eventType, payload?.DeepClone().AsObject() ?? []);
            }

            messages.Add(new HistoryMessage(ts, Str(m["text"]), Str(m["bot_id"]), metadata));
        }

        var cursor = Str(json["response_metadata"]?["next_cursor"]);
        return new ConversationHistory(messages, Bool(json["has_more"]), string.IsNullOrEmpty(cursor) ? null : cursor);
    }
}
