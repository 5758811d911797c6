using System.Globalization;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.Api;

namespace RetentionPlaybooks.Host.Delivery;

/// <summary>Delivers escalations with Slack's Web API (chat.postMessage), and finds earlier posts by message metadata.</summary>
internal sealed class SlackApiSender(SlackApiClient client) : ISlackSender
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

    public async Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct)
    {
        var call = await client.PostMessageAsync(item.Body, ct).ConfigureAwait(false);
        return call.Outcome switch
        {
            SlackCallOutcome.Success => SendResult.Posted(call.Value!.Channel, call.Value.Ts),
            SlackCallOutcome.RateLimited => new SendResult(SendOutcome.RateLimited, Error: call.Error ?? "ratelimited", RetryAfter: call.RetryAfter),
            // An HTTP error status means Slack answered without posting; a timeout or a lost connection may not.
            SlackCallOutcome.Transient => new SendResult(SendOutcome.Transient, Error: call.Error, InDoubt: call.HttpStatus is null or < 400),
            _ => new SendResult(SendOutcome.Permanent, Error: call.Error),
        };
    }

    public async Task<FindResult> FindAsync(OutboxItem item, CancellationToken ct)
    {
        var oldest = item.CreatedAt - Lookback;
        var oldestTs = (oldest.ToUnixTimeMilliseconds() / 1000m).ToString("0.000000", CultureInfo.InvariantCulture);
        var conversation = item.Target;
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
            if (history.Value.FindByMetadata(MessageRenderer.MetadataEventType, "escalation_id", item.Id) is { } found)
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
