using System.Globalization;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.Api;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>
/// Delivers to Slack's Web API: posts (chat.postMessage), updates of the escalation's message (chat.update) and replies
/// in its thread (chat.postMessage with thread_ts); finds earlier posts by their message metadata.
/// </summary>
internal sealed class SlackApiSender(SlackApiClient client) : IDeliverySender
{
    /// <summary>How far before an escalation's creation to look for its post (clock skew between us and Slack).</summary>
    private static readonly TimeSpan Lookback = TimeSpan.FromMinutes(5);

    /// <summary>Messages per history page (Slack allows up to 999; 200 is its recommendation).</summary>
    internal const int PageSize = 200;

    /// <summary>
    /// How many history pages one lookup reads at most (200 × 100 = 20,000 messages posted since the escalation was
    /// created). Beyond that the answer is "cannot tell yet", never "not posted": a resend would risk a duplicate.
    /// </summary>
    internal const int MaxPages = 100;

    public string Name => "slack";

    /// <summary>auth.test: which workspace and bot user the token belongs to.</summary>
    public Task<SlackCall<AuthTestResult>> CheckAsync(CancellationToken ct) => client.AuthTestAsync(ct);

    public bool Delivers(DeliveryKind kind) => kind is DeliveryKind.Post or DeliveryKind.Update or DeliveryKind.ThreadReply or DeliveryKind.Ephemeral or DeliveryKind.Forward or DeliveryKind.Digest;

    public async Task<SendResult> SendAsync(DeliveryItem item, CancellationToken ct)
    {
        if (item.Kind == DeliveryKind.Ephemeral)
        {
            // {"url": the click's response_url, "message": what only the person who clicked sees}.
            var payload = JsonNode.Parse(item.Body)!.AsObject();
            var reply = await client.RespondAsync(new Uri(payload["url"]!.GetValue<string>()), System.Text.Encoding.UTF8.GetBytes(payload["message"]!.ToJsonString()), ct).ConfigureAwait(false);
            return reply.Outcome switch
            {
                SlackCallOutcome.Success => SendResult.Posted("ephemeral", "-"),
                SlackCallOutcome.RateLimited => new SendResult(SendOutcome.RateLimited, Error: reply.Error, RetryAfter: reply.RetryAfter),
                SlackCallOutcome.Transient => new SendResult(SendOutcome.Transient, Error: reply.Error),
                _ => new SendResult(SendOutcome.Permanent, Error: reply.Error),
            };
        }
        var body = Array.Empty<byte>();
        if (item.Kind == DeliveryKind.Forward)
        {
            // A post elsewhere that links the escalation's message: its permalink exists once the message is in Slack.
            if (item.PostChannel is not { } channel || item.PostTs is not { } ts)
            {
                return new SendResult(SendOutcome.Transient, Error: "waiting for the escalation's message to be posted first");
            }
            var link = await client.GetPermalinkAsync(channel, ts, ct).ConfigureAwait(false);
            if (!link.IsSuccess) return Failed(link.Outcome, link.Error, link.RetryAfter, inDoubt: false);
            body = WithPermalink(item.Body, link.Value);
        }
        else if (item.Kind is not (DeliveryKind.Post or DeliveryKind.Digest) && !ToPostedMessage(item, out body, out var waiting))
        {
            return waiting;
        }
        var call = item.Kind switch
        {
            // A digest's body was put together from its lines when it was claimed.
            DeliveryKind.Post or DeliveryKind.Digest => await client.PostMessageAsync(item.Body, ct).ConfigureAwait(false),
            DeliveryKind.Forward => await client.PostMessageAsync(body, ct).ConfigureAwait(false),
            DeliveryKind.Update => await client.UpdateMessageAsync(body, ct).ConfigureAwait(false),
            _ => await client.PostMessageAsync(body, ct).ConfigureAwait(false),
        };
        return call.Outcome == SlackCallOutcome.Success
            ? SendResult.Posted(call.Value!.Channel, call.Value.Ts)
            // An HTTP error status means Slack answered without posting; a timeout or a lost connection may not.
            : Failed(call.Outcome, call.Error, call.RetryAfter, inDoubt: call.HttpStatus is null or < 400);
    }

    private static SendResult Failed(SlackCallOutcome outcome, string? error, TimeSpan? retryAfter, bool inDoubt) => outcome switch
    {
        SlackCallOutcome.RateLimited => new SendResult(SendOutcome.RateLimited, Error: error, RetryAfter: retryAfter),
        SlackCallOutcome.Transient => new SendResult(SendOutcome.Transient, Error: error, InDoubt: inDoubt),
        _ => new SendResult(SendOutcome.Permanent, Error: error),
    };

    /// <summary>The forward's body with the original message's permalink in place of the placeholder (in its blocks and text).</summary>
    internal static byte[] WithPermalink(byte[] body, string permalink)
    {
        var message = JsonNode.Parse(body)!.AsObject();
        if (message["blocks"] is JsonArray blocks)
        {
            foreach (var block in blocks)
            {
                if (block?["text"] is JsonObject text && text["text"]?.GetValue<string>() is { } s)
                {
                    text["text"] = s.Replace(Interactivity.CaseMessages.PermalinkPlaceholder, permalink, StringComparison.Ordinal);
                }
            }
        }
        return System.Text.Encoding.UTF8.GetBytes(message.ToJsonString());
    }

    /// <summary>
    /// An update or a thread reply goes to where the escalation's post landed: its channel and ts are set into the stored
    /// body now (they were not known when the delivery was queued). Until the post is in Slack, the delivery waits.
    /// </summary>
    internal static bool ToPostedMessage(DeliveryItem item, out byte[] body, out SendResult waiting)
    {
        body = [];
        waiting = new SendResult(SendOutcome.Transient, Error: "waiting for the escalation's message to be posted first");
        if (item.PostChannel is not { } channel || item.PostTs is not { } ts) return false;
        var message = JsonNode.Parse(item.Body)!.AsObject();
        message["channel"] = channel;
        message[item.Kind == DeliveryKind.Update ? "ts" : "thread_ts"] = ts;
        body = System.Text.Encoding.UTF8.GetBytes(message.ToJsonString());
        return true;
    }

    /// <summary>A thread reply in doubt (a reminder): read the thread (conversations.replies) for its metadata. Each escalation's
    /// thread holds a handful of our replies, so a few pages suffice; a thread too long to read is "cannot tell", never "not there".</summary>
    private async Task<FindResult> FindReplyAsync(DeliveryItem item, CancellationToken ct)
    {
        if (item.PostChannel is not { } channel || item.PostTs is not { } ts) return new FindResult(false);
        var eventType = ReplyEventType(item.Body);
        if (eventType is null) return new FindResult(null, Error: "a thread reply without metadata cannot be looked up", CanRetry: false);
        // A case has one reminder, but may have several replies of another kind (hold violations): those name their delivery.
        var (key, value) = JsonNode.Parse(item.Body)?["metadata"]?["event_payload"]?["delivery_id"] is not null ? ("delivery_id", item.Id) : ("escalation_id", item.EscalationId);
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var replies = await client.ConversationRepliesAsync(channel, ts, PageSize, includeAllMetadata: true, ct, cursor).ConfigureAwait(false);
            if (!replies.IsSuccess)
            {
                return new FindResult(null, Error: replies.Error, CanRetry: replies.Outcome is SlackCallOutcome.Transient or SlackCallOutcome.RateLimited);
            }
            if (replies.Value.FindByMetadata(eventType, key, value) is { } found) return new FindResult(true, channel, found.Ts);
            if (!replies.Value.HasMore) return new FindResult(false);
            if (replies.Value.NextCursor is not { } next)
            {
                return new FindResult(null, Error: "conversations.replies said has_more without a next_cursor", CanRetry: true);
            }
            cursor = next;
        }
        return new FindResult(null, Error: $"more than {MaxPages * PageSize} replies in the thread; not looked further", CanRetry: false);
    }

    /// <summary>The metadata type the reply was sent with (the reminder's), or null when it has none.</summary>
    private static string? ReplyEventType(byte[] body) => JsonNode.Parse(body)?["metadata"]?["event_type"]?.GetValue<string>();

    public async Task<FindResult> FindAsync(DeliveryItem item, CancellationToken ct)
    {
        // An update sets the message to the same content again, an ephemeral reply is seen once by one person: repeating
        // either is harmless, so they are simply resent.
        if (item.Kind is DeliveryKind.Update or DeliveryKind.Ephemeral) return new FindResult(false);
        if (item.Kind == DeliveryKind.ThreadReply) return await FindReplyAsync(item, ct).ConfigureAwait(false);
        var oldest = item.CreatedAt - Lookback;
        var oldestTs = (oldest.ToUnixTimeMilliseconds() / 1000m).ToString("0.000000", CultureInfo.InvariantCulture);
        var conversation = item.Target;
        // The escalation's post, or its forward to the SLA's target (tagged apart: the target may be the same channel).
        var eventType = item.Kind switch
        {
            DeliveryKind.Forward => Interactivity.CaseMessages.ForwardEventType,
            DeliveryKind.Digest => DigestMessage.MetadataEventType,
            _ => MessageRenderer.MetadataEventType,
        };
        if (conversation[0] is 'U' or 'W')
        {
            // A DM was posted to a user id; its history lives under the DM channel's own id.
            var opened = await client.ConversationsOpenAsync(conversation, ct).ConfigureAwait(false);
            if (!opened.IsSuccess)
            {
                return new FindResult(null, Error: opened.Error, CanRetry: opened.Outcome is SlackCallOutcome.Transient or SlackCallOutcome.RateLimited);
            }
            conversation = opened.Value.Id;
        }
        // Every message posted since the escalation was created, newest first, page after page: in a busy channel the
        // post can be hundreds of messages deep. Only a full walk that does not find it means "not posted".
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var history = await client.ConversationHistoryAsync(conversation, oldestTs, PageSize, includeAllMetadata: true, ct, cursor).ConfigureAwait(false);
            if (!history.IsSuccess)
            {
                return new FindResult(null, Error: history.Error, CanRetry: history.Outcome is SlackCallOutcome.Transient or SlackCallOutcome.RateLimited);
            }
            if (history.Value.FindByMetadata(eventType, "escalation_id", item.EscalationId) is { } found)
            {
                return new FindResult(true, conversation, found.Ts);
            }
            if (!history.Value.HasMore) return new FindResult(false);
            if (history.Value.NextCursor is not { } next)
            {
                return new FindResult(null, Error: "conversations.history said has_more without a next_cursor", CanRetry: true);
            }
            cursor = next;
        }
        return new FindResult(null, Error: $"more than {MaxPages * PageSize} messages since the escalation was created; not looked further", CanRetry: false);
    }
}
