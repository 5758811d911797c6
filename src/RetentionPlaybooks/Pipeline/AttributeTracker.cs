using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Pipeline;

/// <summary>
/// Keeps the last-seen value of every attribute an attribute-change playbook watches (and nothing else, so
/// little personal data is stored), and turns a differing new value into an attribute-change trigger. The stage
/// between normalizing and matching.
/// </summary>
internal sealed class AttributeTracker(IAttributeSnapshots snapshots, CompilationResult compilation)
{
    private readonly HashSet<string> _watched = compilation.Playbooks
        .Where(p => p.Trigger.Kind == TriggerKind.Attribute)
        .Select(p => p.Trigger.Name)
        .ToHashSet(StringComparer.Ordinal);

    private readonly Dictionary<string, JsonObject> _seen = new(StringComparer.Ordinal);
    private readonly List<(string, string)> _updates = [];
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<TriggerInput>> ChangesAsync(Signal signal, CancellationToken ct)
    {
        if (_watched.Count == 0 || signal.CustomerId.Length == 0 || signal.Customer.ValueKind != JsonValueKind.Object) return [];
        _touched.Add(signal.CustomerId);
        if (!_seen.TryGetValue(signal.CustomerId, out var previous))
        {
            var stored = await snapshots.LastSeenAttributesAsync(signal.CustomerId, ct).ConfigureAwait(false);
            previous = stored is null ? [] : JsonNode.Parse(stored)!.AsObject();
            _seen[signal.CustomerId] = previous;
        }
        var changes = new List<TriggerInput>();
        var changed = false;
        foreach (var attribute in _watched)
        {
            if (!signal.Customer.TryGetProperty(attribute, out var current)) continue;
            var before = previous[attribute];
            var explicitChange = signal.Trigger?.ChangedAttribute == attribute;
            if (before is not null && !JsonNode.DeepEquals(before, JsonNode.Parse(current.GetRawText())) && !explicitChange)
            {
                changes.Add(new TriggerInput
                {
                    DeliveryId = signal.Trigger?.DeliveryId,
                    Customer = signal.Customer,
                    EventData = Empty,
                    ChangedAttribute = attribute,
                    ChangedFrom = JsonSerializer.SerializeToElement(before),
                    ChangedTo = current.Clone(),
                    Timestamp = signal.Timestamp,
                });
            }
            if (before is null || !JsonNode.DeepEquals(before, JsonNode.Parse(current.GetRawText())))
            {
                previous[attribute] = JsonNode.Parse(current.GetRawText());
                changed = true;
            }
        }
        if (changed) _updates.Add((signal.CustomerId, previous.ToJsonString()));
        return changes;
    }

    /// <summary>The attribute rows to write with this inbox record's results (latest per customer wins).</summary>
    public IReadOnlyList<(string CustomerId, string AttributesJson)> TakeUpdates()
    {
        var list = _updates.ToList();
        _updates.Clear();
        _touched.Clear();
        return list;
    }

    /// <summary>
    /// Forgets what the current inbox record changed, because it was set aside: its updates are not written, and the
    /// customers it touched are read again from the store.
    /// </summary>
    public void Abandon()
    {
        foreach (var customer in _touched) _seen.Remove(customer);
        _touched.Clear();
        _updates.Clear();
    }

    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement.Clone();
}
