using RetentionPlaybooks.Pipeline;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Pipeline;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Webhooks;

/// <summary>
/// The three ways in from Customer.io. Each request is authenticated, checked, persisted to the inbox and
/// answered 202 — or 200 for a redelivery — in a few milliseconds; processing happens afterwards. Bad input
/// gets a precise 4xx problem and nothing is stored.
/// </summary>
internal static class WebhookEndpoints
{
    public const int MaxBatch = 1000;

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks/customerio");
        var networks = app.ServiceProvider.GetRequiredService<IOptions<CustomerIoOptions>>().Value.Networks();
        var metrics = app.ServiceProvider.GetRequiredService<Health.HostMetrics>();
        // Outermost, so that every refusal is counted, the network's too: by the route's source and the problem's type.
        group.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context).ConfigureAwait(false);
            if (WebhookProblems.TypeOf(result) is { } reason) metrics.WebhookRefused(SourceOf(context.HttpContext), reason);
            return result;
        });
        if (networks.Count > 0)
        {
            // Customer.io sends from fixed egress ranges; anything else is turned away before the body is read.
            group.AddEndpointFilter(async (context, next) =>
            {
                var address = context.HttpContext.Connection.RemoteIpAddress;
                if (address is { IsIPv4MappedToIPv6: true }) address = address.MapToIPv4();
                return address is not null && networks.Any(n => n.Contains(address))
                    ? await next(context).ConfigureAwait(false)
                    : WebhookProblems.ForbiddenNetwork(address?.ToString());
            });
        }
        group.MapPost("/journey", JourneyAsync);
        group.MapPost("/reporting", ReportingAsync);
        group.MapPost("/pipelines", PipelinesAsync);
        return app;
    }

    internal static async Task<IResult> JourneyAsync(HttpRequest request, IOptions<CustomerIoOptions> options, IInboxStore store, InboxSignal signal, Health.HostMetrics metrics, CancellationToken ct)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.JourneySecret)) return WebhookProblems.Disabled("Journey", "CustomerIo:JourneySecret");
        if (request.Headers["X-Webhook-Secret"].ToString() is not { Length: > 0 } presented) return WebhookProblems.MissingCredential("X-Webhook-Secret");
        if (!WebhookRequest.SecretMatches(presented, o.JourneySecret)) return WebhookProblems.WrongCredential("X-Webhook-Secret");
        if (!WebhookRequest.IsJson(request)) return WebhookProblems.UnsupportedMediaType(request.ContentType);
        var body = await WebhookRequest.ReadBodyAsync(request, o.MaxBodyBytes, ct).ConfigureAwait(false);
        if (body is null) return WebhookProblems.TooLarge(o.MaxBodyBytes);
        using var doc = WebhookRequest.ParseJson(body, out var problem);
        if (doc is null) return problem!;
        var input = TriggerInput.Parse(doc.RootElement, out var shape);
        if (input is null) return WebhookProblems.Invalid(shape!);
        var deliveryId = input.DeliveryId;
        if (!IsDeliveryKey(deliveryId, "\"delivery_id\"", "send {{ event.id }} or another id unique to this delivery, so redeliveries are recognised", out var bad)) return bad;
        return await AcceptAsync(store, signal, metrics, [new InboxItem(SignalSource.Journey, deliveryId, body)]).ConfigureAwait(false);
    }

    internal static async Task<IResult> ReportingAsync(HttpRequest request, IOptions<CustomerIoOptions> options, IInboxStore store, InboxSignal signal, TimeProvider time, Health.HostMetrics metrics, CancellationToken ct)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.ReportingSigningKey)) return WebhookProblems.Disabled("Reporting", "CustomerIo:ReportingSigningKey");
        var timestampText = request.Headers["X-CIO-Timestamp"].ToString();
        var signature = request.Headers["X-CIO-Signature"].ToString();
        if (timestampText.Length == 0) return WebhookProblems.MissingCredential("X-CIO-Timestamp");
        if (signature.Length == 0) return WebhookProblems.MissingCredential("X-CIO-Signature");
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)) return WebhookProblems.BadTimestamp(timestampText);
        var skew = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253_402_300_799));
        if (skew.Duration() > o.SignatureTolerance) return WebhookProblems.StaleTimestamp(timestamp, o.SignatureTolerance);
        if (!WebhookRequest.IsJson(request)) return WebhookProblems.UnsupportedMediaType(request.ContentType);
        var body = await WebhookRequest.ReadBodyAsync(request, o.MaxBodyBytes, ct).ConfigureAwait(false);
        if (body is null) return WebhookProblems.TooLarge(o.MaxBodyBytes);
        if (!WebhookRequest.ReportingSignatureMatches(signature, timestampText, body, o.ReportingSigningKey)) return WebhookProblems.WrongCredential("X-CIO-Signature");
        using var doc = WebhookRequest.ParseJson(body, out var problem);
        if (doc is null) return problem!;
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return WebhookProblems.Invalid("the body must be a JSON object");
        var eventId = SignalNormalizer.Text(root, "event_id");
        if (!IsDeliveryKey(eventId, "\"event_id\"", "reporting webhooks carry one per event", out var bad)) return bad;
        if (!root.TryGetProperty("metric", out var metric) || metric.ValueKind != JsonValueKind.String)
        {
            return WebhookProblems.Invalid("\"metric\" is missing or not a string");
        }
        return await AcceptAsync(store, signal, metrics, [new InboxItem(SignalSource.Reporting, eventId, body)]).ConfigureAwait(false);
    }

    internal static async Task<IResult> PipelinesAsync(HttpRequest request, IOptions<CustomerIoOptions> options, IInboxStore store, InboxSignal signal, Health.HostMetrics metrics, CancellationToken ct)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.PipelinesSecret)) return WebhookProblems.Disabled("Data Pipelines", "CustomerIo:PipelinesSecret");
        var signature = request.Headers["X-Signature"].ToString();
        if (signature.Length == 0) return WebhookProblems.MissingCredential("X-Signature");
        if (!WebhookRequest.IsJson(request)) return WebhookProblems.UnsupportedMediaType(request.ContentType);
        var body = await WebhookRequest.ReadBodyAsync(request, o.MaxBodyBytes, ct).ConfigureAwait(false);
        if (body is null) return WebhookProblems.TooLarge(o.MaxBodyBytes);
        if (!WebhookRequest.PipelinesSignatureMatches(signature, body, o.PipelinesSecret)) return WebhookProblems.WrongCredential("X-Signature");
        using var doc = WebhookRequest.ParseJson(body, out var problem);
        if (doc is null) return problem!;
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return WebhookProblems.Invalid("the body must be a JSON object: one event, or {\"batch\": [...]}");
        var events = new List<JsonElement>();
        if (root.TryGetProperty("batch", out var batch))
        {
            if (batch.ValueKind != JsonValueKind.Array) return WebhookProblems.Invalid("\"batch\" must be an array of events");
            if (batch.GetArrayLength() > MaxBatch) return WebhookProblems.Invalid($"a batch holds at most {MaxBatch} events; this one has {batch.GetArrayLength()}");
            if (batch.GetArrayLength() == 0) return WebhookProblems.Invalid("\"batch\" is empty; send at least one event");
            events.AddRange(batch.EnumerateArray());
        }
        else
        {
            events.Add(root);
        }
        var items = new List<InboxItem>(events.Count);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.ValueKind != JsonValueKind.Object) return WebhookProblems.Invalid($"event {i} is not a JSON object");
            var messageId = SignalNormalizer.Text(e, "messageId") ?? SignalNormalizer.Text(e, "message_id");
            if (!IsDeliveryKey(messageId, $"event {i}'s \"messageId\"", "Data Pipelines gives every event one", out var bad)) return bad;
            if (SignalNormalizer.Text(e, "type") is not { } type || type is not ("track" or "identify" or "page" or "screen" or "group" or "alias"))
            {
                return WebhookProblems.Invalid($"event {i} has no valid \"type\" (track, identify, page, screen, group or alias)");
            }
            // The same messageId twice in one batch is one event.
            if (keys.Add(messageId)) items.Add(new InboxItem(SignalSource.Pipelines, messageId, System.Text.Encoding.UTF8.GetBytes(e.GetRawText())));
        }
        return await AcceptAsync(store, signal, metrics, items).ConfigureAwait(false);
    }

    /// <summary>The source a request came in on, as its route names it (never the path as sent: routes match any case).</summary>
    private static string SourceOf(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route } ? route[(route.LastIndexOf('/') + 1)..] : "unknown";

    private static string SourceName(SignalSource source) => source switch
    {
        SignalSource.Journey => "journey",
        SignalSource.Reporting => "reporting",
        SignalSource.Pipelines => "pipelines",
        _ => "unknown",
    };

    /// <summary>The longest delivery key accepted (ids from Customer.io are a few dozen characters).</summary>
    public const int MaxDeliveryKeyLength = 1000;

    /// <summary>A delivery key is the id redeliveries are recognised by: present, not blank, of a sane length, printable.</summary>
    private static bool IsDeliveryKey([NotNullWhen(true)] string? key, string name, string hint, [NotNullWhen(false)] out IResult? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(key)) problem = WebhookProblems.Invalid($"{name} is {(key is null ? "missing" : "blank")}: {hint}");
        else if (key.Length > MaxDeliveryKeyLength) problem = WebhookProblems.Invalid($"{name} is {key.Length} characters long; at most {MaxDeliveryKeyLength} are accepted");
        // A control character (NUL above all, which PostgreSQL's text cannot hold) would fail the insert on every retry.
        else if (key.AsSpan().IndexOfAnyInRange('\0', '\u001f') >= 0) problem = WebhookProblems.Invalid($"{name} holds a control character; send printable text");
        return problem is null;
    }

    private static async Task<IResult> AcceptAsync(IInboxStore store, InboxSignal signal, Health.HostMetrics metrics, IReadOnlyList<InboxItem> items)
    {
        // Not cancelled by the client going away: once verified, a signal is stored before we stop.
        AcceptResult result;
        try
        {
            result = await store.AcceptAsync(items, CancellationToken.None).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex)
        {
            // Nothing was stored (the transaction rolled back): say so, and Customer.io sends it again later.
            return WebhookProblems.StoreUnavailable(Storage.StoreErrors.Code(ex));
        }
        metrics.WebhooksAccepted(SourceName(items[0].Source), result.Accepted, result.Duplicates);
        // A redelivery wakes the worker too: cheap, and a record stored but not yet processed is never left waiting.
        signal.Signal.Notify();
        var response = new { status = result.Accepted > 0 ? "accepted" : "duplicate", accepted = result.Accepted, duplicates = result.Duplicates };
        return result.Accepted > 0 ? Results.Json(response, statusCode: StatusCodes.Status202Accepted) : Results.Json(response, statusCode: StatusCodes.Status200OK);
    }
}
