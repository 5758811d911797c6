using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>One accepted chat.update: the message it changed and the body it was sent.</summary>
internal sealed record FakeSlackUpdate(string Channel, string Ts, JsonObject Body, DateTimeOffset UpdatedAt);
