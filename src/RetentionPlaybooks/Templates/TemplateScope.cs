using System.Collections.Frozen;
using RetentionPlaybooks.DataModel;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// The variables a template may read: data roots (<c>customer</c>, <c>event</c>) with their declared fields,
/// roots that exist but are unavailable to this playbook (with the reason), and built-in roots whose members
/// are fixed names rather than data-model fields (<c>links</c>, <c>playbook</c>, <c>trigger</c>).
/// </summary>
internal sealed class TemplateScope
{
    /// <summary>Links every playbook can use; callers add their own names to these.</summary>
    public static readonly IReadOnlyList<string> StandardLinks = ["customerio_profile", "shop_customer", "shop_order"];

    public static readonly IReadOnlyList<string> PlaybookMembers = ["id", "owner", "owner_mention", "sla", "channel", "description"];

    public static readonly IReadOnlyList<string> TriggerMembers = ["event", "segment", "attribute", "from", "to", "timestamp"];

    public TemplateScope(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> dataRoots,
        IReadOnlyDictionary<string, string>? unavailableRoots = null,
        IReadOnlyDictionary<string, IReadOnlySet<string>>? builtInRoots = null)
    {
        DataRoots = dataRoots;
        UnavailableRoots = unavailableRoots ?? FrozenDictionary<string, string>.Empty;
        BuiltInRoots = builtInRoots ?? FrozenDictionary<string, IReadOnlySet<string>>.Empty;
    }

    /// <summary>
    /// The usual scope of a playbook template: the given data roots plus <c>links</c> (the standard links and
    /// <paramref name="extraLinks"/>), <c>playbook</c> and <c>trigger</c>.
    /// </summary>
    /// <param name="unavailableRoots">Root name to the reason it cannot be read, completing "is not available because ...".</param>
    public static TemplateScope Standard(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> dataRoots,
        IReadOnlyDictionary<string, string>? unavailableRoots = null,
        IEnumerable<string>? extraLinks = null) =>
        new(dataRoots, unavailableRoots, new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["links"] = StandardLinks.Concat(extraLinks ?? []).ToFrozenSet(StringComparer.Ordinal),
            ["playbook"] = PlaybookMembers.ToFrozenSet(StringComparer.Ordinal),
            ["trigger"] = TriggerMembers.ToFrozenSet(StringComparer.Ordinal),
        });

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> DataRoots { get; }

    public IReadOnlyDictionary<string, string> UnavailableRoots { get; }

    public IReadOnlyDictionary<string, IReadOnlySet<string>> BuiltInRoots { get; }

    /// <summary>Every root name a template can read, for "did you mean" hints.</summary>
    public IEnumerable<string> RootNames => DataRoots.Keys.Concat(BuiltInRoots.Keys);
}
