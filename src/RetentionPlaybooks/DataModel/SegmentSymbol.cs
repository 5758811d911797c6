namespace RetentionPlaybooks.DataModel;

/// <summary>A Customer.io segment a playbook can trigger on, by name and numeric id.</summary>
internal sealed record SegmentSymbol(string Name, long Id, string? Description);
