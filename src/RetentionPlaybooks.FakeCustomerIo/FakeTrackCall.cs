using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>One request the fake received, whatever its outcome.</summary>
/// <param name="Sequence">1 for the first request, then 2, 3...</param>
/// <param name="Path">The path after /api/v1/ exactly as it arrived, still percent-escaped (customers/jane%40example.com).</param>
/// <param name="CustomerId">The customer id segment, decoded; null for a path without one.</param>
/// <param name="Body">The JSON body as parsed; null when there was none or it was not JSON.</param>
/// <param name="SiteId">The user name of the Basic credentials sent; null without any.</param>
/// <param name="Authorized">Whether the credentials were the workspace's.</param>
/// <param name="Status">The HTTP status answered; null while the answer is held back, or when none was ever sent (the client gave up).</param>
/// <param name="DuplicateEvent">An event whose id the fake had already seen: answered 200, and dropped.</param>
internal sealed record FakeTrackCall(
    long Sequence,
    string Method,
    string Path,
    string? CustomerId,
    JsonNode? Body,
    string? ContentType,
    string? SiteId,
    bool Authorized,
    DateTimeOffset At,
    int? Status,
    bool DuplicateEvent);
