using RetentionPlaybooks.DataModel;

namespace RetentionPlaybooks.Gates;

/// <summary>
/// The names a gate can read: each root (<c>customer</c>, <c>event</c>) with the fields under it, and the
/// roots that exist in the language but carry no data for this playbook's trigger, with the reason why.
/// </summary>
internal sealed class GateScope
{
    private static readonly IReadOnlyDictionary<string, string> NoUnavailableRoots = new Dictionary<string, string>();

    /// <param name="roots">Root name to the fields under it, e.g. <c>"customer"</c> to the customer attributes.</param>
    /// <param name="unavailableRoots">Root name to the reason it has no data, e.g. <c>"event"</c> to
    /// <c>"the trigger is a segment entry, which carries no event data"</c>.</param>
    public GateScope(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> roots,
        IReadOnlyDictionary<string, string>? unavailableRoots = null)
    {
        Roots = roots;
        UnavailableRoots = unavailableRoots ?? NoUnavailableRoots;
    }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> Roots { get; }

    public IReadOnlyDictionary<string, string> UnavailableRoots { get; }

    /// <summary>Every root name a marketer may write, available or not, for "did you mean" hints.</summary>
    internal IEnumerable<string> AllRootNames => Roots.Keys.Concat(UnavailableRoots.Keys.Where(k => !Roots.ContainsKey(k)));
}
