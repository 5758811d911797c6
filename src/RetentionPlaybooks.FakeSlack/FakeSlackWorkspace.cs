using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>
/// The state and rules of a fake Slack workspace: authentication, channels, body checks, per-channel pacing,
/// injected failures, and a record of everything posted. Thread-safe: every request and every test call
/// runs under one lock. Independent of HTTP so the rules are readable in one place.
/// </summary>
internal sealed class FakeSlackWorkspace
{
    private readonly object _gate = new();
    private readonly FakeSlackOptions _options;
    private readonly TimeProvider _time;
    private readonly FakeSlackRateLimiter? _limiter;
    private readonly HashSet<string> _channels;
    private readonly HashSet<string> _archived;
    private readonly HashSet<string> _withoutBot;
    private readonly List<FakeSlackMessage> _messages = [];
    private readonly List<FakeSlackUpdate> _updates = [];
    private readonly Dictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly List<FakeSlackFault> _faults = [];
    private readonly Dictionary<string, string> _methodErrors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Remaining, TimeSpan RetryAfter)> _methodRateLimits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _permanentErrors = new(StringComparer.Ordinal);
    private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> _waiters = [];
    private long _lastTsMicros;
    private bool _outage;

    public FakeSlackWorkspace(FakeSlackOptions options)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Fake Slack options are invalid:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)), nameof(options));
        }

        _options = options;
        _time = options.TimeProvider;
        _limiter = options.PerChannelRate is { } rate ? new FakeSlackRateLimiter(rate, options.BurstTolerance) : null;
        _archived = new HashSet<string>(options.ArchivedChannels, StringComparer.Ordinal);
        _withoutBot = new HashSet<string>(options.ChannelsWithoutBot, StringComparer.Ordinal);
        _channels = new HashSet<string>(options.Channels.Concat(_archived).Concat(_withoutBot), StringComparer.Ordinal);
    }

    public TimeProvider TimeProvider => _time;

    // ---- Recorded state -------------------------------------------------------------------------

    /// <summary>Every posted message in posting order, with its current body (after updates).</summary>
    public IReadOnlyList<FakeSlackMessage> Messages
    {
        get { lock (_gate) return [.. _messages.Select(Copy)]; }
    }

    /// <summary>Every accepted chat.update, in order.</summary>
    public IReadOnlyList<FakeSlackUpdate> Updates
    {
        get { lock (_gate) return [.. _updates.Select(u => u with { Body = u.Body.DeepClone().AsObject() })]; }
    }

    /// <summary>Requests received per API method (chat.postMessage, auth.test...), whatever their outcome.</summary>
    public IReadOnlyDictionary<string, int> RequestsByMethod
    {
        get { lock (_gate) return new Dictionary<string, int>(_requests, StringComparer.Ordinal); }
    }

    /// <summary>HTTP 429 answers served, from pacing and from <see cref="RateLimitNext"/>.</summary>
    public int RateLimitedCount { get; private set; }

    /// <summary>Answers shaped by failure injection (FailNext, RateLimitNext, ErrorNext, NotJsonNext, DelayNext, LoseResponseNext,
    /// SetPermanentError, Outage).</summary>
    public int InjectedFailureCount { get; private set; }

    public int RequestCount(string method)
    {
        lock (_gate) return _requests.GetValueOrDefault(method);
    }

    public IReadOnlyList<FakeSlackMessage> MessagesIn(string channel)
    {
        lock (_gate) return [.. _messages.Where(m => m.Channel == channel).Select(Copy)];
    }

    /// <summary>Completes once at least <paramref name="count"/> messages have been posted; returns them all.</summary>
    public async Task<IReadOnlyList<FakeSlackMessage>> WaitForMessagesAsync(int count, CancellationToken ct)
    {
        await WaitAsync(() => _messages.Count >= count, ct);
        return Messages;
    }

    /// <summary>Completes once at least <paramref name="count"/> requests for <paramref name="method"/> have arrived.</summary>
    public Task WaitForRequestsAsync(string method, int count, CancellationToken ct) =>
        WaitAsync(() => _requests.GetValueOrDefault(method) >= count, ct);

    // ---- Failure injection (all for chat.postMessage, optionally one channel) ------------------

    /// <summary>The next <paramref name="count"/> posts get HTTP <paramref name="httpStatus"/> and are not posted.</summary>
    public void FailNext(int count, int httpStatus, string? channel = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(httpStatus, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(httpStatus, 599);
        Enqueue(new FakeSlackFault(FakeSlackFaultKind.HttpStatus, count, channel) { HttpStatus = httpStatus });
    }

    /// <summary>The next <paramref name="count"/> posts get 429 with Retry-After <paramref name="retryAfter"/> (rounded up to seconds), however they are paced.</summary>
    public void RateLimitNext(int count, TimeSpan retryAfter, string? channel = null) =>
        Enqueue(new FakeSlackFault(FakeSlackFaultKind.RateLimit, count, channel) { Duration = retryAfter });

    /// <summary>The next <paramref name="count"/> posts get HTTP 200 ok:false with <paramref name="slackError"/> and are not posted.</summary>
    public void ErrorNext(int count, string slackError, string? channel = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(slackError);
        Enqueue(new FakeSlackFault(FakeSlackFaultKind.SlackError, count, channel) { SlackError = slackError });
    }

    /// <summary>The next <paramref name="count"/> posts get HTTP 200 with an HTML body instead of JSON and are not posted.</summary>
    public void NotJsonNext(int count, string? channel = null) =>
        Enqueue(new FakeSlackFault(FakeSlackFaultKind.NotJson, count, channel));

    /// <summary>The next <paramref name="count"/> posts are posted at once but answered only after <paramref name="delay"/> of real time
    /// (or never, if the client gives up first). Keep delays short in tests.</summary>
    public void DelayNext(int count, TimeSpan delay, string? channel = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Enqueue(new FakeSlackFault(FakeSlackFaultKind.Delay, count, channel) { Duration = delay });
    }

    /// <summary>The next <paramref name="count"/> posts are posted, then the connection is aborted without an answer:
    /// "Slack posted it but the response was lost".</summary>
    public void LoseResponseNext(int count, string? channel = null) =>
        Enqueue(new FakeSlackFault(FakeSlackFaultKind.LoseResponse, count, channel));

    /// <summary>Every post to <paramref name="channel"/> fails with <paramref name="error"/> until called again with null.</summary>
    public void SetPermanentError(string channel, string? error)
    {
        lock (_gate)
        {
            if (error is null) _permanentErrors.Remove(channel);
            else _permanentErrors[channel] = error;
        }
    }

    /// <summary>
    /// People (not the bot) post <paramref name="count"/> messages in a channel now, without metadata: a busy channel
    /// whose history pushes the bot's own posts to later pages. With <paramref name="threadTs"/>, replies in that message's
    /// thread instead (a long thread whose replies push the bot's own to later pages).
    /// </summary>
    public void PostByOthers(string channel, int count, string? threadTs = null)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            for (var i = 0; i < count; i++)
            {
                var body = new JsonObject { ["channel"] = channel, ["text"] = $"chatter {i}", ["user"] = "U0SOMEONE" };
                if (threadTs is not null) body["thread_ts"] = threadTs;
                _messages.Add(new FakeSlackMessage(channel, NextTs(now), body, null, now, null));
            }
        }
    }

    /// <summary>Every call of <paramref name="method"/> (e.g. conversations.history) fails with ok:false <paramref name="error"/>
    /// until called again with null: a missing scope, for instance.</summary>
    public void SetMethodError(string method, string? error)
    {
        lock (_gate)
        {
            if (error is null) _methodErrors.Remove(method);
            else _methodErrors[method] = error;
        }
    }

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> (any channel: a lookup such as
    /// conversations.history, not only posts) get HTTP 429 with Retry-After.</summary>
    public void RateLimitMethodNext(string method, int count, TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate) _methodRateLimits[method] = (count, retryAfter);
    }

    /// <summary>While on, every API request gets HTTP 503.</summary>
    public void Outage(bool on)
    {
        lock (_gate) _outage = on;
    }

    /// <summary>Drops queued failures, permanent errors and the outage; recorded messages and counters stay.</summary>
    public void ClearFailures()
    {
        lock (_gate)
        {
            _faults.Clear();
            _permanentErrors.Clear();
            _methodErrors.Clear();
            _methodRateLimits.Clear();
            _outage = false;
        }
    }

    // ---- Requests ---------------------------------------------------------------------------------

    /// <summary>Answers one Web API call. <paramref name="args"/> holds the JSON body, form fields and query merged.</summary>
    public FakeSlackResponse Handle(string method, string? token, JsonObject args)
    {
        lock (_gate)
        {
            _requests[method] = _requests.GetValueOrDefault(method) + 1;
            var response = HandleLocked(method, token, args);
            if (response.Status == 429) RateLimitedCount++;
            Signal();
            return response;
        }
    }

    private FakeSlackResponse HandleLocked(string method, string? token, JsonObject args)
    {
        if (_outage)
        {
            InjectedFailureCount++;
            return new FakeSlackResponse(503, null, "Service Unavailable (fake Slack outage)");
        }
        if (_methodRateLimits.TryGetValue(method, out var limit))
        {
            if (limit.Remaining <= 1) _methodRateLimits.Remove(method);
            else _methodRateLimits[method] = (limit.Remaining - 1, limit.RetryAfter);
            InjectedFailureCount++;
            return RateLimited(limit.RetryAfter);
        }
        if (_methodErrors.TryGetValue(method, out var methodError))
        {
            InjectedFailureCount++;
            return FakeSlackResponse.Error(methodError);
        }

        return method switch
        {
            "chat.postMessage" => PostMessage(token, args),
            "chat.update" => Authenticate(token) ?? Update(args),
            "auth.test" => Authenticate(token) ?? AuthTest(),
            "conversations.info" => Authenticate(token) ?? Info(args),
            "users.info" => Authenticate(token) ?? UserInfo(args),
            "conversations.history" => Authenticate(token) ?? History(args),
            "conversations.open" => Authenticate(token) ?? Open(args),
            "conversations.replies" => Authenticate(token) ?? Replies(args),
            "chat.getPermalink" => Authenticate(token) ?? Permalink(args),
            _ => FakeSlackResponse.Error("unknown_method", 404),
        };
    }

    private FakeSlackResponse PostMessage(string? token, JsonObject args)
    {
        NormalizeJsonStrings(args);
        var requested = Str(args["channel"]);
        var fault = TakeFault(requested);
        switch (fault?.Kind)
        {
            case FakeSlackFaultKind.HttpStatus:
                InjectedFailureCount++;
                return new FakeSlackResponse(fault.HttpStatus, null, $"injected HTTP {fault.HttpStatus}");
            case FakeSlackFaultKind.RateLimit:
                InjectedFailureCount++;
                return RateLimited(fault.Duration);
            case FakeSlackFaultKind.SlackError:
                InjectedFailureCount++;
                return FakeSlackResponse.Error(fault.SlackError!);
            case FakeSlackFaultKind.NotJson:
                InjectedFailureCount++;
                return new FakeSlackResponse(200, null, "<html><body>Bad gateway (injected)</body></html>") { PlainTextIsHtml = true };
        }

        var rejected = Authenticate(token) ?? FakeSlackBodyCheck.Check(args);
        if (rejected is not null) return rejected;
        if (!TryResolveChannel(requested, out var channel, out var channelError)) return FakeSlackResponse.Error(channelError);
        if (_archived.Contains(channel)) return FakeSlackResponse.Error("is_archived");
        if (_withoutBot.Contains(channel)) return FakeSlackResponse.Error("not_in_channel");
        if (_permanentErrors.TryGetValue(requested!, out var permanent) || _permanentErrors.TryGetValue(channel, out permanent))
        {
            InjectedFailureCount++;
            return FakeSlackResponse.Error(permanent);
        }

        var now = _time.GetUtcNow();
        if (_limiter is not null && !_limiter.TryAcquire(channel, now, out var wait)) return RateLimited(wait);

        var ts = NextTs(now);
        var body = args.DeepClone().AsObject();
        body.Remove("token");
        var message = new FakeSlackMessage(channel, ts, body, body["metadata"]?.DeepClone().AsObject(), now, null);
        _messages.Add(message);
        Echo("posted ", message);

        var response = FakeSlackResponse.Ok(new JsonObject
        {
            ["channel"] = channel,
            ["ts"] = ts,
            ["message"] = MessageJson(message, includeMetadata: true),
        });
        if (fault is null) return response;
        InjectedFailureCount++;
        return fault.Kind == FakeSlackFaultKind.Delay ? response with { Delay = fault.Duration } : response with { Abort = true };
    }

    private FakeSlackResponse Update(JsonObject args)
    {
        NormalizeJsonStrings(args);
        if (!TryResolveChannel(Str(args["channel"]), out var channel, out var channelError)) return FakeSlackResponse.Error(channelError);
        var ts = Str(args["ts"]);
        var index = _messages.FindIndex(m => m.Channel == channel && m.Ts == ts);
        if (index < 0) return FakeSlackResponse.Error("message_not_found");
        if (_archived.Contains(channel)) return FakeSlackResponse.Error("is_archived");

        // Slack keeps what an update leaves out (blocks, metadata...), so merge over the current body.
        var body = _messages[index].Body.DeepClone().AsObject();
        foreach (var (key, value) in args)
        {
            if (key is "ts" or "token") continue;
            body[key] = value?.DeepClone();
        }

        if (FakeSlackBodyCheck.Check(body) is { } rejected) return rejected;
        var now = _time.GetUtcNow();
        var sent = args.DeepClone().AsObject();
        sent.Remove("token");
        _updates.Add(new FakeSlackUpdate(channel, ts!, sent, now));
        var updated = _messages[index] with { Body = body, Metadata = body["metadata"]?.DeepClone().AsObject() ?? _messages[index].Metadata, EditedAt = now };
        _messages[index] = updated;
        Echo("updated", updated);
        return FakeSlackResponse.Ok(new JsonObject
        {
            ["channel"] = channel,
            ["ts"] = ts,
            ["text"] = updated.Text ?? "",
            ["message"] = MessageJson(updated, includeMetadata: true),
        });
    }

    private FakeSlackResponse AuthTest() => FakeSlackResponse.Ok(new JsonObject
    {
        ["url"] = "https://fake-workspace.slack.com/",
        ["team"] = _options.TeamName,
        ["user"] = _options.BotUserName,
        ["team_id"] = _options.TeamId,
        ["user_id"] = _options.BotUserId,
        ["bot_id"] = _options.BotId,
        ["is_enterprise_install"] = false,
    }) with { OAuthScopes = string.Join(',', _options.Scopes) };

    private FakeSlackResponse UserInfo(JsonObject args)
    {
        var user = Str(args["user"]);
        if (string.IsNullOrEmpty(user) || user[0] is not ('U' or 'W') || _options.MissingUsers.Contains(user)) return FakeSlackResponse.Error("user_not_found");
        return FakeSlackResponse.Ok(new JsonObject
        {
            ["user"] = new JsonObject
            {
                ["id"] = user,
                ["team_id"] = _options.TeamId,
                ["name"] = user.ToLowerInvariant(),
                ["deleted"] = _options.DeactivatedUsers.Contains(user),
                ["is_bot"] = user == _options.BotUserId,
            },
        });
    }

    private FakeSlackResponse Info(JsonObject args)
    {
        if (!TryResolveChannel(Str(args["channel"]), out var channel, out var error)) return FakeSlackResponse.Error(error);
        var isIm = channel.StartsWith('D');
        var info = new JsonObject
        {
            ["id"] = channel,
            ["name"] = isIm ? null : channel.ToLowerInvariant(),
            ["is_channel"] = !isIm,
            ["is_group"] = false,
            ["is_im"] = isIm,
            ["is_private"] = false,
            ["is_archived"] = _archived.Contains(channel),
            ["is_member"] = !_withoutBot.Contains(channel),
            ["created"] = 1_600_000_000,
        };
        if (isIm) info["user"] = "U" + channel[1..];
        return FakeSlackResponse.Ok(new JsonObject { ["channel"] = info });
    }

    private FakeSlackResponse Open(JsonObject args)
    {
        var user = Str(args["users"])?.Split(',')[0].Trim();
        if (user is not { Length: > 0 } || user[0] is not ('U' or 'W')) return FakeSlackResponse.Error("users_not_found");
        TryResolveChannel(user, out var channel, out _);
        return FakeSlackResponse.Ok(new JsonObject { ["channel"] = new JsonObject { ["id"] = channel } });
    }

    private FakeSlackResponse History(JsonObject args)
    {
        // Like Slack, history takes a conversation id: a user id is not one (conversations.open gives the DM's id).
        if (Str(args["channel"]) is { Length: > 0 } asked && asked[0] is 'U' or 'W') return FakeSlackResponse.Error("channel_not_found");
        if (!TryResolveChannel(Str(args["channel"]), out var channel, out var error)) return FakeSlackResponse.Error(error);
        if (_withoutBot.Contains(channel)) return FakeSlackResponse.Error("not_in_channel");
        var limit = Int(args["limit"]) ?? 100;
        if (limit is < 1 or > 999) limit = Math.Clamp(limit, 1, 999);
        var inclusive = Bool(args["inclusive"]);
        var metadata = Bool(args["include_all_metadata"]);
        var oldest = ParseTs(Str(args["oldest"]));
        var latest = ParseTs(Str(args["latest"]));
        var cursor = DecodeCursor(Str(args["cursor"]));

        // Like Slack, the channel's history holds its messages, not the replies in their threads.
        var candidates = _messages
            .Where(m => m.Channel == channel && m.ThreadTs is null)
            .Select(m => (Message: m, At: ParseTs(m.Ts)!.Value))
            .Where(x => oldest is null || (inclusive ? x.At >= oldest : x.At > oldest))
            .Where(x => latest is null || (inclusive ? x.At <= latest : x.At < latest))
            .Where(x => cursor is null || x.At < cursor)
            .OrderByDescending(x => x.At)
            .ToList();
        var page = candidates.Take(limit).ToList();
        var hasMore = candidates.Count > page.Count;
        return FakeSlackResponse.Ok(new JsonObject
        {
            ["messages"] = new JsonArray([.. page.Select(x => (JsonNode?)MessageJson(x.Message, metadata))]),
            ["has_more"] = hasMore,
            ["pin_count"] = 0,
            ["channel_actions_ts"] = null,
            ["channel_actions_count"] = 0,
            ["response_metadata"] = new JsonObject { ["next_cursor"] = hasMore && !_options.HasMoreWithoutCursor ? EncodeCursor(page[^1].Message.Ts) : "" },
        });
    }

    /// <summary>conversations.replies: the parent first, then its replies oldest first; pages by cursor like history.</summary>
    private FakeSlackResponse Replies(JsonObject args)
    {
        if (Str(args["channel"]) is { Length: > 0 } asked && asked[0] is 'U' or 'W') return FakeSlackResponse.Error("channel_not_found");
        if (!TryResolveChannel(Str(args["channel"]), out var channel, out var error)) return FakeSlackResponse.Error(error);
        var ts = Str(args["ts"]);
        var parent = _messages.FirstOrDefault(m => m.Channel == channel && m.Ts == ts);
        if (parent is null) return FakeSlackResponse.Error("thread_not_found");
        var limit = Math.Clamp(Int(args["limit"]) ?? 1000, 1, 1000);
        var metadata = Bool(args["include_all_metadata"]);
        var after = DecodeCursor(Str(args["cursor"]));
        var thread = _messages.Where(m => m.Channel == channel && (m.Ts == ts || m.ThreadTs == ts))
            .Select(m => (Message: m, At: ParseTs(m.Ts)!.Value))
            .OrderBy(x => x.At)
            .Where(x => after is null || x.At > after)
            .ToList();
        var page = thread.Take(limit).ToList();
        var hasMore = thread.Count > page.Count;
        return FakeSlackResponse.Ok(new JsonObject
        {
            ["messages"] = new JsonArray([.. page.Select(x => (JsonNode?)MessageJson(x.Message, metadata))]),
            ["has_more"] = hasMore,
            ["response_metadata"] = new JsonObject { ["next_cursor"] = hasMore && !_options.HasMoreWithoutCursor ? EncodeCursor(page[^1].Message.Ts) : "" },
        });
    }

    /// <summary>chat.getPermalink: a link in the fake workspace's form, for a message that exists.</summary>
    private FakeSlackResponse Permalink(JsonObject args)
    {
        if (!TryResolveChannel(Str(args["channel"]), out var channel, out var error)) return FakeSlackResponse.Error(error);
        var ts = Str(args["message_ts"]);
        if (!_messages.Any(m => m.Channel == channel && m.Ts == ts)) return FakeSlackResponse.Error("message_not_found");
        return FakeSlackResponse.Ok(new JsonObject
        {
            ["channel"] = channel,
            ["permalink"] = $"https://fake-workspace.slack.com/archives/{channel}/p{ts!.Replace(".", "", StringComparison.Ordinal)}",
        });
    }

    // ---- Helpers ----------------------------------------------------------------------------------

    private FakeSlackResponse? Authenticate(string? token)
    {
        if (string.IsNullOrEmpty(token)) return FakeSlackResponse.Error("not_authed");
        if (_options.AcceptAnyToken || _options.ValidTokens.Contains(token, StringComparer.Ordinal)) return null;
        return FakeSlackResponse.Error("invalid_auth");
    }

    private bool TryResolveChannel(string? requested, out string channel, out string error)
    {
        channel = requested ?? "";
        error = "channel_not_found";
        if (string.IsNullOrEmpty(requested)) return false;
        if (requested[0] is 'U' or 'W')
        {
            // A user id addresses the bot's DM with that user, which has an id of its own.
            channel = "D" + requested[1..];
            return true;
        }

        if (_channels.Contains(requested) || requested[0] == 'D') return true;
        return _options.AcceptAnyChannel && requested[0] is 'C' or 'G';
    }

    private FakeSlackFault? TakeFault(string? channel)
    {
        var fault = _faults.FirstOrDefault(f => f.Matches(channel));
        if (fault is null) return null;
        if (--fault.Remaining <= 0) _faults.Remove(fault);
        return fault;
    }

    private void Enqueue(FakeSlackFault fault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fault.Remaining, 1);
        lock (_gate) _faults.Add(fault);
    }

    private FakeSlackResponse RateLimited(TimeSpan wait) =>
        FakeSlackResponse.Error("ratelimited", 429) with { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) };

    private string NextTs(DateTimeOffset now)
    {
        var micros = (now - DateTimeOffset.UnixEpoch).Ticks / 10;
        _lastTsMicros = Math.Max(micros, _lastTsMicros + 1);
        return string.Create(CultureInfo.InvariantCulture, $"{_lastTsMicros / 1_000_000}.{_lastTsMicros % 1_000_000:D6}");
    }

    private static decimal? ParseTs(string? ts) =>
        decimal.TryParse(ts, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string EncodeCursor(string ts) => Convert.ToBase64String(Encoding.UTF8.GetBytes("next_ts:" + ts));

    private static decimal? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("next_ts:", StringComparison.Ordinal) ? ParseTs(text["next_ts:".Length..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private JsonObject MessageJson(FakeSlackMessage message, bool includeMetadata)
    {
        var json = new JsonObject
        {
            ["type"] = "message",
            ["subtype"] = "bot_message",
            ["user"] = _options.BotUserId,
            ["bot_id"] = _options.BotId,
            ["app_id"] = "A0FAKEAPP",
            ["text"] = message.Text ?? "",
            ["ts"] = message.Ts,
            ["team"] = _options.TeamId,
        };
        if (message.Blocks is { } blocks) json["blocks"] = blocks.DeepClone();
        if (message.EditedAt is not null) json["edited"] = new JsonObject { ["user"] = _options.BotUserId, ["ts"] = EditedTs(message) };
        if (includeMetadata && message.Metadata is { } metadata) json["metadata"] = metadata.DeepClone();
        return json;
    }

    private static string EditedTs(FakeSlackMessage message) =>
        string.Create(CultureInfo.InvariantCulture, $"{message.EditedAt!.Value.ToUnixTimeSeconds()}.000000");

    /// <summary>Form-encoded posts carry blocks, attachments and metadata as JSON strings; parse them so both forms store alike.</summary>
    private static void NormalizeJsonStrings(JsonObject args)
    {
        foreach (var key in (string[])["blocks", "attachments", "metadata"])
        {
            if (Str(args[key]) is not { } text) continue;
            try
            {
                args[key] = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Left as a string: the body check answers invalid_blocks_format.
            }
        }
    }

    private void Echo(string verb, FakeSlackMessage message)
    {
        if (_options.Echo is not { } echo) return;
        var text = (message.Text ?? "(no text)").ReplaceLineEndings(" ⏎ ");
        if (text.Length > 160) text = text[..159] + "…";
        var blocks = message.Blocks?.Count ?? 0;
        var tag = message.MetadataPayloadString("escalation_id") is { } id ? $" escalation={id}" : "";
        echo.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{_time.GetLocalNow():HH:mm:ss} {verb} {message.Channel} ts={message.Ts} [{blocks} blocks]{tag} {text}"));
    }

    private static FakeSlackMessage Copy(FakeSlackMessage m) =>
        m with { Body = m.Body.DeepClone().AsObject(), Metadata = m.Metadata?.DeepClone().AsObject() };

    private Task WaitAsync(Func<bool> done, CancellationToken ct)
    {
        lock (_gate)
        {
            if (done()) return Task.CompletedTask;
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((done, signal));
            return signal.Task.WaitAsync(ct);
        }
    }

    private void Signal()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (!_waiters[i].Done()) continue;
            _waiters[i].Signal.TrySetResult();
            _waiters.RemoveAt(i);
        }
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool Bool(JsonNode? node) =>
        node is JsonValue v && (v.GetValueKind() == JsonValueKind.True || Str(v) is "true" or "1");

    private static int? Int(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) => n,
        JsonValue v when int.TryParse(Str(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };
}
