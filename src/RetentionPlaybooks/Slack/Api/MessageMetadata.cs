using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack.Api;

/// <summary>Slack message metadata: an app-defined event type and payload stored with the message.</summary>
internal sealed record MessageMetadata(string EventType, JsonObject EventPayload);
