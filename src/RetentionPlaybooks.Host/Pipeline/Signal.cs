using System.Text.Json;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Host.Pipeline;

/// <summary>
/// One normalized signal from any source: who it is about, their attributes as sent, and the trigger it
/// carries (an event, a segment entry, an explicit change) — or none, for a plain attribute update.
/// </summary>
internal sealed record Signal(string CustomerId, JsonElement Customer, TriggerInput? Trigger, DateTimeOffset? Timestamp);
