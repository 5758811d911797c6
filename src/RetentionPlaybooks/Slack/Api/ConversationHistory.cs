namespace RetentionPlaybooks.Slack.Api;

/// <summary>A page of conversations.history, newest message first.</summary>
internal sealed record ConversationHistory(IReadOnlyList<HistoryMessage> Messages, bool HasMore, string? NextCursor)
{
    /// <summary>The newest message whose metadata has <paramref name="eventType"/> and a string payload field
    /// <paramref name="key"/> equal to <paramref name="value"/> — how the host finds out whether an in-doubt post landed.</summary>
    public HistoryMessage? FindByMetadata(string eventType, string key, string value) =>
        Messages.FirstOrDefault(m =>
            m.Metadata is { } meta
            && string.Equals(meta.EventType, eventType, StringComparison.Ordinal)
            && meta.EventPayload.TryGetPropertyValue(key, out var node)
            && node is System.Text.Json.Nodes.JsonValue v
            && v.TryGetValue<string>(out var s)
            && string.Equals(s, value, StringComparison.Ordinal));
}
