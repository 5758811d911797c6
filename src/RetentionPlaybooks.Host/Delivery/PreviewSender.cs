using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Slack.BlockKit;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>
/// The delivery target when no Slack token is configured: messages are kept for the /preview page and shown
/// on the console, so a newcomer sees the host work end to end without a Slack workspace.
/// </summary>
internal sealed class PreviewSender(TimeProvider time, TextWriter console) : IDeliverySender
{
    private const int Keep = 200;
    private readonly ConcurrentQueue<PreviewEntry> _messages = new();
    private long _sequence;

    public string Name => "preview";

    public IReadOnlyList<PreviewEntry> Messages => _messages.ToArray();

    public bool Delivers(DeliveryKind kind) => kind is DeliveryKind.Post or DeliveryKind.Update or DeliveryKind.ThreadReply or DeliveryKind.Ephemeral or DeliveryKind.Forward
        or DeliveryKind.CustomerIo or DeliveryKind.Digest;

    private readonly ConcurrentQueue<JsonObject> _writeBacks = new();

    /// <summary>The Track API calls the host would have made (no credentials set): {"method", "path", "body"}, the last 200.</summary>
    public IReadOnlyList<JsonObject> WriteBacks => _writeBacks.ToArray();

    public Task<SendResult> SendAsync(DeliveryItem item, CancellationToken ct)
    {
        if (item.Kind == DeliveryKind.Ephemeral)
        {
            var text = JsonNode.Parse(item.Body)?["message"]?["text"]?.GetValue<string>();
            lock (console) console.WriteLine($"[preview] only the person who clicked on escalation {item.EscalationId} sees: {text}");
            return Task.FromResult(SendResult.Posted("ephemeral", "-"));
        }
        if (item.Kind == DeliveryKind.CustomerIo)
        {
            // What would be written, without the customer's id (the path's): the event's name or the attributes' keys.
            var call = JsonNode.Parse(item.Body)!.AsObject();
            _writeBacks.Enqueue(call);
            while (_writeBacks.Count > Keep) _writeBacks.TryDequeue(out _);
            var what = call["body"]?["name"]?.GetValue<string>() is { } name ? $"event {name}" : "attributes " + string.Join(", ", (call["body"] as JsonObject)?.Select(p => p.Key).Where(k => k[0] != '_') ?? []);
            lock (console) console.WriteLine($"[preview] Customer.io ← {call["method"]} {what} (escalation {item.EscalationId}); no Track API credentials set");
            return Task.FromResult(SendResult.Posted(WriteBack.Target, "-"));
        }
        if (item.Kind is not (DeliveryKind.Post or DeliveryKind.Digest) && (item.PostChannel is null || item.PostTs is null))
        {
            return Task.FromResult(new SendResult(SendOutcome.Transient, Error: "waiting for the escalation's message to be posted first"));
        }
        // The body comes from the deliveries, as stored: read it back into the model for the previews. A forward links the
        // original's place in the preview sink.
        var body = item.Kind == DeliveryKind.Forward ? SlackApiSender.WithPermalink(item.Body, $"preview://{item.PostChannel}/{item.PostTs}") : item.Body;
        var message = JsonNode.Parse(body)!.AsObject();
        var model = BlockKitReader.Read(message);
        var ts = $"{time.GetUtcNow().ToUnixTimeSeconds()}.{Interlocked.Increment(ref _sequence):D6}";
        if (item.Kind == DeliveryKind.Update) ts = item.PostTs!;
        _messages.Enqueue(new PreviewEntry(item.EscalationId, item.Playbook, item.Channel, ts, message, model, item.Kind));
        while (_messages.Count > Keep) _messages.TryDequeue(out _);
        lock (console)
        {
            var what = item.Kind switch { DeliveryKind.Update => "update of ", DeliveryKind.ThreadReply => "thread reply to ", DeliveryKind.Forward => "SLA escalation of ", DeliveryKind.Digest => "digest ", _ => "" };
            console.WriteLine(item.Kind == DeliveryKind.Digest
                ? $"[preview] {item.Target} ← digest {item.EscalationId}; no Slack token set, see /preview"
                : $"[preview] #{item.Channel} ← {item.Playbook} ({what}escalation {item.EscalationId}); no Slack token set, see /preview");
            console.WriteLine(TerminalPreview.Render(model));
            console.WriteLine();
        }
        return Task.FromResult(SendResult.Posted(item.Target, ts));
    }

    public Task<FindResult> FindAsync(DeliveryItem item, CancellationToken ct)
    {
        if (item.Kind is DeliveryKind.Update or DeliveryKind.Ephemeral or DeliveryKind.CustomerIo) return Task.FromResult(new FindResult(false));
        var entry = _messages.FirstOrDefault(m => m.EscalationId == item.EscalationId && m.Kind == item.Kind);
        return Task.FromResult(entry is null ? new FindResult(false) : new FindResult(true, item.Target, entry.Ts));
    }
}

/// <summary>A message the preview sink received: the body as stored, and read into the model.</summary>
internal sealed record PreviewEntry(string EscalationId, string Playbook, string Channel, string Ts, JsonObject Message, BlockKitMessage Model, DeliveryKind Kind = DeliveryKind.Post);
