using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>
/// The state and rules of a fake Customer.io workspace: Basic auth, the Track API's limits, people with their attributes
/// and events (a repeated event id is dropped, as Customer.io does), injected faults, and a record of every request.
/// Thread-safe: every request and every test call runs under one lock. Independent of HTTP so the rules read in one place.
/// The limits are written out again here rather than shared with the client, so the fake checks the client, not itself.
/// </summary>
internal sealed class FakeTrackWorkspace
{
    public const int MaxEventNameBytes = 100;
    public const int MaxEventDataBytes = 100_000;
    public const int MaxAttributeNameBytes = 150;
    public const int MaxAttributeValueBytes = 1000;
    public const int MaxAttributes = 300;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly object _gate = new();
    private readonly string? _siteId;
    private readonly string? _apiKey;
    private readonly FakeTrackApiOptions _options;
    private readonly List<Entry> _calls = [];
    private readonly Dictionary<string, PersonState> _people = new(StringComparer.Ordinal);
    private readonly HashSet<string> _eventIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<FakeTrackFault> _faults = new();
    private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> _waiters = [];

    public FakeTrackWorkspace(string? siteId, string? apiKey, FakeTrackApiOptions options)
    {
        if (!options.AcceptAnyCredentials)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(siteId);
            ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        }

        _siteId = siteId;
        _apiKey = apiKey;
        _options = options;
    }

    // ---- Recorded state -------------------------------------------------------------------------

    /// <summary>Every request in arrival order.</summary>
    public IReadOnlyList<FakeTrackCall> Calls
    {
        get { lock (_gate) return [.. _calls.Select(c => c.Snapshot())]; }
    }

    /// <summary>Requests whose path had a suppress segment: each one would have deleted a person. Tests assert there are none.</summary>
    public IReadOnlyList<FakeTrackCall> Violations
    {
        get { lock (_gate) return [.. _calls.Where(c => c.Violation).Select(c => c.Snapshot())]; }
    }

    /// <summary>A copy of the person with <paramref name="id"/> (decoded, as sent in the path), or null when none was created.</summary>
    public FakeTrackPerson? Person(string id)
    {
        lock (_gate)
        {
            return _people.TryGetValue(id, out var p)
                ? new FakeTrackPerson(
                    id,
                    p.Attributes.ToDictionary(a => a.Key, a => a.Value?.DeepClone(), StringComparer.Ordinal),
                    [.. p.Events.Select(e => e with { Data = e.Data.DeepClone().AsObject() })])
                : null;
        }
    }

    /// <summary>The ids of everyone the fake holds.</summary>
    public IReadOnlyList<string> People
    {
        get { lock (_gate) return [.. _people.Keys]; }
    }

    /// <summary>Completes once at least <paramref name="count"/> requests have arrived.</summary>
    public Task WaitForCallsAsync(int count, CancellationToken ct) => WaitAsync(() => _calls.Count >= count, ct);

    // ---- Fault injection (for the next authorized requests, in the order queued) ---------------

    /// <summary>The next <paramref name="count"/> requests are answered <paramref name="status"/> (400 to 599) and change nothing.</summary>
    public void FailNext(int count, int status)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        Enqueue(new FakeTrackFault { Remaining = count, Status = status });
    }

    /// <summary>The next <paramref name="count"/> requests get 429 with Retry-After in whole seconds (rounded up), or with no
    /// Retry-After when <paramref name="retryAfter"/> is null; nothing changes.</summary>
    public void RateLimitNext(int count, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait) ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        Enqueue(new FakeTrackFault { Remaining = count, Status = 429, RetryAfterSeconds = retryAfter is { } r ? (int)Math.Ceiling(r.TotalSeconds) : null });
    }

    /// <summary>The next <paramref name="count"/> requests get 429 with Retry-After as an HTTP-date.</summary>
    public void RateLimitNext(int count, DateTimeOffset retryAt) =>
        Enqueue(new FakeTrackFault { Remaining = count, Status = 429, RetryAt = retryAt });

    /// <summary>The next <paramref name="count"/> requests are carried out at once but answered only after <paramref name="delay"/> of
    /// real time — or never, when the client gives up first; disposing the server ends the wait with a 503.</summary>
    public void DelayNext(int count, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Enqueue(new FakeTrackFault { Remaining = count, Delay = delay });
    }

    public void ClearFaults()
    {
        lock (_gate) _faults.Clear();
    }

    private void Enqueue(FakeTrackFault fault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fault.Remaining, 1);
        lock (_gate) _faults.Enqueue(fault);
    }

    // ---- Requests -------------------------------------------------------------------------------

    /// <summary>Records a request and decides its answer. <paramref name="path"/> is the raw path after /api/v1/, unescaped here
    /// segment by segment (so an id holding an escaped / stays one segment).</summary>
    public FakeTrackAnswer Handle(string method, string path, string? authorization, byte[] body, string? contentType)
    {
        var segments = path.Split('/').Select(Unescape).ToArray();
        var (siteId, key) = Credentials(authorization);
        JsonNode? json = null;
        var parsed = body.Length > 0 && TryParse(body, out json);

        lock (_gate)
        {
            var authorized = siteId is { Length: > 0 } && key is { Length: > 0 }
                && (_options.AcceptAnyCredentials || (siteId == _siteId && key == _apiKey));
            var entry = new Entry(_calls.Count + 1, method, path, segments.Length >= 2 && segments[0] == "customers" ? segments[1] : null,
                json?.DeepClone(), contentType, siteId, authorized, _options.TimeProvider.GetUtcNow());
            _calls.Add(entry);
            Notify();

            var answer = Decide(entry, segments, key, body.Length > 0, parsed, json);
            _options.Echo?.WriteLine($"{method} {path} -> {answer.Status}{(answer.Delay is { } d ? $" after {d}" : "")}{(entry.DuplicateEvent ? " (repeated event id: dropped)" : "")}");
            if (answer.Delay is null) entry.Status = answer.Status;
            return answer;
        }
    }

    /// <summary>The HTTP layer says what it finally sent for a held-back answer: the status, or null when the client had gone.</summary>
    public void Answered(long sequence, int? status)
    {
        lock (_gate)
        {
            _calls[(int)sequence - 1].Status = status;
            Notify();
        }
    }

    private FakeTrackAnswer Decide(Entry entry, string[] segments, string? key, bool hasBody, bool parsed, JsonNode? json)
    {
        var seq = entry.Sequence;
        if (segments.Any(s => s.Split('/').Any(part => string.Equals(part.Trim(), "suppress", StringComparison.OrdinalIgnoreCase))))
        {
            // Real Customer.io would delete the person and all their data. Recorded whoever asked, authorized or not.
            entry.Violation = true;
            return new FakeTrackAnswer(seq, 400, FakeTrackAnswer.Error("this fake never suppresses: customers/{id}/suppress deletes the person"));
        }

        if (!entry.Authorized)
        {
            // Quotes what it was sent, on purpose: tests show the client never copies an answer into its errors.
            return new FakeTrackAnswer(seq, 401, FakeTrackAnswer.Error($"Unauthorized request: credentials \"{entry.SiteId}:{key}\" not accepted"));
        }

        TimeSpan? delay = null;
        if (_faults.TryPeek(out var fault))
        {
            if (--fault.Remaining <= 0) _faults.Dequeue();
            if (fault.Status is { } status)
            {
                return new FakeTrackAnswer(seq, status, FakeTrackAnswer.Error($"injected {status}"))
                {
                    RetryAfterSeconds = fault.RetryAfterSeconds,
                    RetryAt = fault.RetryAt,
                };
            }

            delay = fault.Delay;
        }

        var answer = Route(entry, segments, hasBody, parsed, json);
        return delay is { } d && answer.Status is >= 200 and < 300 ? answer with { Delay = d } : answer;
    }

    private FakeTrackAnswer Route(Entry entry, string[] segments, bool hasBody, bool parsed, JsonNode? json)
    {
        var seq = entry.Sequence;
        switch (segments)
        {
            case ["accounts", "region"]:
                return entry.Method == "GET"
                    ? new FakeTrackAnswer(seq, 200, new JsonObject
                    {
                        ["url"] = _options.Region == "eu" ? "https://track-eu.customer.io" : "https://track.customer.io",
                        ["data_center"] = _options.Region,
                        ["environment_id"] = 1,
                    })
                    : MethodNotAllowed(seq);
            case ["customers", { Length: > 0 } id]:
                if (entry.Method != "PUT") return MethodNotAllowed(seq);
                if (!hasBody || !parsed || json is not JsonObject attributes) return BadRequest(seq, "the body must be a JSON object of attributes");
                return UpdateAttributes(seq, id, attributes);
            case ["customers", { Length: > 0 } id, "events"]:
                if (entry.Method != "POST") return MethodNotAllowed(seq);
                if (!hasBody || !parsed || json is not JsonObject @event) return BadRequest(seq, "the body must be a JSON object");
                return AddEvent(entry, id, @event);
            default:
                return new FakeTrackAnswer(seq, 404, FakeTrackAnswer.Error("no such Track API path"));
        }
    }

    private FakeTrackAnswer UpdateAttributes(long seq, string id, JsonObject attributes)
    {
        if (attributes.Count > MaxAttributes) return BadRequest(seq, $"too many attributes: {attributes.Count}, at most {MaxAttributes}");
        foreach (var (name, value) in attributes)
        {
            var nameBytes = Encoding.UTF8.GetByteCount(name);
            if (nameBytes is 0 or > MaxAttributeNameBytes) return BadRequest(seq, $"attribute name \"{name}\" is {nameBytes} bytes, at most {MaxAttributeNameBytes}");
            var valueBytes = value is JsonValue v && v.TryGetValue<string>(out var s) ? Encoding.UTF8.GetByteCount(s) : Utf8Length(value);
            if (valueBytes > MaxAttributeValueBytes)
            {
                // Quotes the value, on purpose (see the 401).
                return BadRequest(seq, $"attribute \"{name}\" value {value?.ToJsonString(Compact)} is {valueBytes} bytes, at most {MaxAttributeValueBytes}");
            }
        }

        // _update: true changes a person who exists and never creates one; _timestamp orders updates, it is not an attribute.
        var updateOnly = attributes["_update"] is JsonValue u && u.GetValueKind() == JsonValueKind.True;
        if (!_people.TryGetValue(id, out var person))
        {
            if (updateOnly) return Ok(seq);
            _people[id] = person = new PersonState();
        }

        foreach (var (name, value) in attributes)
        {
            if (name is "_update" or "_timestamp") continue;
            person.Attributes[name] = value?.DeepClone();
        }

        return Ok(seq);
    }

    private FakeTrackAnswer AddEvent(Entry entry, string id, JsonObject @event)
    {
        var seq = entry.Sequence;
        if (@event["name"] is not JsonValue n || !n.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
        {
            return BadRequest(seq, "an event needs a string name");
        }

        var nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > MaxEventNameBytes) return BadRequest(seq, $"event name \"{name}\" is {nameBytes} bytes, at most {MaxEventNameBytes}");

        string? eventId = null;
        if (@event["id"] is { } idNode)
        {
            if (idNode is not JsonValue iv || !iv.TryGetValue(out eventId) || !IsUlid(eventId)) return BadRequest(seq, "an event id must be a ULID");
        }

        long? timestamp = null;
        if (@event["timestamp"] is { } tsNode)
        {
            if (tsNode is not JsonValue tv || !tv.TryGetValue<long>(out var ts)) return BadRequest(seq, "timestamp must be unix seconds (an integer)");
            timestamp = ts;
        }

        var data = new JsonObject();
        if (@event["data"] is { } dataNode)
        {
            if (dataNode is not JsonObject d) return BadRequest(seq, "data must be a JSON object");
            var dataBytes = Utf8Length(d);
            if (dataBytes > MaxEventDataBytes) return BadRequest(seq, $"event data is {dataBytes} bytes, at most {MaxEventDataBytes}");
            data = d.DeepClone().AsObject();
        }

        if (eventId is not null && !_eventIds.Add(eventId))
        {
            // Customer.io answers as if it took the event and drops it: this is what makes a resend harmless.
            entry.DuplicateEvent = true;
            return Ok(seq);
        }

        if (!_people.TryGetValue(id, out var person)) _people[id] = person = new PersonState();
        person.Events.Add(new FakeTrackEvent(name, eventId, timestamp, data, entry.At));
        return Ok(seq);
    }

    private static FakeTrackAnswer Ok(long seq) => new(seq, 200, []);

    private static FakeTrackAnswer BadRequest(long seq, string message) => new(seq, 400, FakeTrackAnswer.Error(message));

    private static FakeTrackAnswer MethodNotAllowed(long seq) => new(seq, 405, FakeTrackAnswer.Error("method not allowed on this path"));

    private static int Utf8Length(JsonNode? node) => Encoding.UTF8.GetByteCount(node?.ToJsonString(Compact) ?? "null");

    private static bool IsUlid(string value) =>
        value.Length == 26 && value[0] is >= '0' and <= '7'
        && value.All(c => "0123456789ABCDEFGHJKMNPQRSTVWXYZ".Contains(char.ToUpperInvariant(c), StringComparison.Ordinal));

    private static string Unescape(string segment)
    {
        try
        {
            return Uri.UnescapeDataString(segment);
        }
        catch (UriFormatException)
        {
            return segment;
        }
    }

    private static bool TryParse(byte[] body, out JsonNode? json)
    {
        try
        {
            json = JsonNode.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            json = null;
            return false;
        }
    }

    private static (string? SiteId, string? Key) Credentials(string? authorization)
    {
        const string Basic = "Basic ";
        if (authorization is null || !authorization.StartsWith(Basic, StringComparison.OrdinalIgnoreCase)) return (null, null);
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[Basic.Length..].Trim()));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    private async Task WaitAsync(Func<bool> done, CancellationToken ct)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (done()) return;
            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((done, signal));
        }

        await signal.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private void Notify()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (!_waiters[i].Done()) continue;
            _waiters[i].Signal.TrySetResult();
            _waiters.RemoveAt(i);
        }
    }

    private sealed class PersonState
    {
        public Dictionary<string, JsonNode?> Attributes { get; } = new(StringComparer.Ordinal);

        public List<FakeTrackEvent> Events { get; } = [];
    }

    private sealed class Entry(long sequence, string method, string path, string? customerId, JsonNode? body, string? contentType, string? siteId, bool authorized, DateTimeOffset at)
    {
        public long Sequence { get; } = sequence;
        public string Method { get; } = method;
        public bool Authorized { get; } = authorized;
        public string? SiteId { get; } = siteId;
        public DateTimeOffset At { get; } = at;
        public int? Status { get; set; }
        public bool DuplicateEvent { get; set; }
        public bool Violation { get; set; }

        public FakeTrackCall Snapshot() =>
            new(Sequence, Method, path, customerId, body?.DeepClone(), contentType, SiteId, Authorized, At, Status, DuplicateEvent);
    }
}
