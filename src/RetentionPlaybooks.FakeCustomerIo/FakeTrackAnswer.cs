using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>What the HTTP layer sends for one request, and for which recorded call.</summary>
internal sealed record FakeTrackAnswer(long Sequence, int Status, JsonObject Json)
{
    public int? RetryAfterSeconds { get; init; }

    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>Wait this long (real time) before answering; the work is already done.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Customer.io's error shape: {"meta":{"error":"..."}}.</summary>
    public static JsonObject Error(string message) => new() { ["meta"] = new JsonObject { ["error"] = message } };
}
