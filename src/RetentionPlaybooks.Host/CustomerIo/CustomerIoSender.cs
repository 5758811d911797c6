using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.CustomerIo;

/// <summary>
/// Delivers write-back to Customer.io's Track API: each delivery's body is one stored <see cref="TrackRequest"/>
/// (<c>{"method", "path", "body"}</c>, see <see cref="Body"/>). Both calls are safe to repeat — a PUT sets the same
/// attributes again, an event carries a ULID id that Customer.io drops when repeated — so nothing is ever in doubt.
/// </summary>
internal sealed class CustomerIoSender(TrackApiClient client) : IDeliverySender
{
    public string Name => "customerio";

    public bool Delivers(DeliveryKind kind) => kind == DeliveryKind.CustomerIo;

    /// <summary>GET accounts/region: whether the site id and key are accepted, and the workspace's region.</summary>
    public Task<TrackCall> CheckAsync(CancellationToken ct) => client.CheckAsync(ct);

    public async Task<SendResult> SendAsync(DeliveryItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!TryParse(item.Body, out var request, out var problem))
        {
            return new SendResult(SendOutcome.Permanent, Error: "invalid Customer.io delivery body: " + problem);
        }

        var call = await client.SendAsync(request, ct).ConfigureAwait(false);
        return call.Outcome switch
        {
            TrackCallOutcome.Success => SendResult.Posted(Name, "-"),
            TrackCallOutcome.RateLimited => new SendResult(SendOutcome.RateLimited, Error: call.Error, RetryAfter: call.RetryAfter),
            TrackCallOutcome.Transient => new SendResult(SendOutcome.Transient, Error: call.Error, InDoubt: false),
            _ => new SendResult(SendOutcome.Permanent, Error: call.Error),
        };
    }

    /// <summary>Never in doubt (see the type's summary): "not there" makes the worker simply send it again.</summary>
    public Task<FindResult> FindAsync(DeliveryItem item, CancellationToken ct) => Task.FromResult(new FindResult(false));

    /// <summary>The delivery body for <paramref name="request"/>: UTF-8 JSON <c>{"method", "path", "body"}</c>.</summary>
    public static byte[] Body(TrackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TrackJson.Utf8(new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = request.Path,
            ["body"] = request.Body.DeepClone(),
        });
    }

    /// <summary>The request stored by <see cref="Body"/>; false, with why (never the body's content), when the bytes are not one
    /// or hold a request the client refuses (a suppress path, another method).</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out TrackRequest? request, [NotNullWhen(false)] out string? problem)
    {
        request = null;
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            problem = "not a JSON object";
            return false;
        }

        if (Str(json["method"]) is not { } method || Str(json["path"]) is not { } path || json["body"] is not JsonObject payload)
        {
            problem = "expected string \"method\", string \"path\" and object \"body\"";
            return false;
        }

        if (TrackRequest.Problem(method, path) is { } refused)
        {
            problem = refused;
            return false;
        }

        json.Remove("body");
        request = new TrackRequest(method, path, payload);
        problem = null;
        return true;
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
