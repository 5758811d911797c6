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
internal sealed class PreviewSender(TimeProvider time, TextWriter console) : ISlackSender
{
    private const int Keep = 200;
    private readonly ConcurrentQueue<PreviewEntry> _messages = new();
    private long _sequence;

    public string Name => "preview";

    public IReadOnlyList<PreviewEntry> Messages => _messages.ToArray();

    public Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct)
    {
        // The body comes from the outbox, as stored: read it back into the model for the previews.
        var message = JsonNode.Parse(item.Body)!.AsObject();
        var model = BlockKitReader.Read(message);
        var ts = $"{time.GetUtcNow().ToUnixTimeSeconds()}.{Interlocked.Increment(ref _sequence):D6}";
        _messages.Enqueue(new PreviewEntry(item.Id, item.Playbook, item.Channel, ts, message, model));
        while (_messages.Count > Keep) _messages.TryDequeue(out _);
        lock (console)
        {
            console.WriteLine($"[preview] #{item.Channel} ← {item.Playbook} (escalation {item.Id}); no Slack token set, see /preview");
            console.WriteLine(TerminalPreview.Render(model));
            console.WriteLine();
        }
        return Task.FromResult(SendResult.Posted(item.Target, ts));
    }

    public Task<FindResult> FindAsync(OutboxItem item, CancellationToken ct)
    {
        var entry = _messages.FirstOrDefault(m => m.EscalationId == item.Id);
        return Task.FromResult(entry is null ? new FindResult(false) : new FindResult(true, item.Target, entry.Ts));
    }
}

/// <summary>A message the preview sink received: the body as stored, and read into the model.</summary>
internal sealed record PreviewEntry(string EscalationId, string Playbook, string Channel, string Ts, JsonObject Message, BlockKitMessage Model);
