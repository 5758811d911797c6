using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>An event kept on a person. <paramref name="Timestamp"/> is the unix seconds sent, if any.</summary>
internal sealed record FakeTrackEvent(string Name, string? Id, long? Timestamp, JsonObject Data, DateTimeOffset ReceivedAt);
