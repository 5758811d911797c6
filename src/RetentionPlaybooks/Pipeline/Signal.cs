using System.Text.Json;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Pipeline;

/// <summary>Where a signal came from; with its delivery key, what makes a redelivery recognisable.</summary>
internal enum SignalSource
{
    /// <summary>Our envelope, sent by a Journey webhook action.</summary>
    Journey,
    /// <summary>A Customer.io reporting webhook (message events: sent, opened, bounced...).</summary>
    Reporting,
    /// <summary>A Data Pipelines (Segment-spec) call: track or identify.</summary>
    Pipelines,
}

/// <summary>
/// One normalized signal from any source: who it is about, their attributes as sent, and the trigger it
/// carries (an event, a segment entry, an explicit change) — or none, for a plain attribute update.
/// </summary>
internal sealed record Signal(string CustomerId, JsonElement Customer, TriggerInput? Trigger, DateTimeOffset? Timestamp)
{
    /// <summary>
    /// The time the signal's gates, exclusions and guardrails are evaluated at: its own timestamp, or the time it was
    /// received when it has none or claims one later than that — so a replay of history decides as the live host did.
    /// </summary>
    public DateTimeOffset EvaluatedAt(DateTimeOffset receivedAt) => Timestamp is { } at && at <= receivedAt ? at : receivedAt;
}
