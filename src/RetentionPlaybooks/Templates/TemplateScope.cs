using System.Collections.Frozen;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.DataModel;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// The variables a template may read: data roots (<c>customer</c>, <c>event</c>) with their declared fields,
/// roots that exist but are unavailable to this playbook (with the reason), and built-in roots whose members
/// are fixed names rather than data-model fields (<c>links</c>, <c>playbook</c>, <c>trigger</c>).
/// </summary>
internal sealed class TemplateScope
{
    public TemplateScope(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> dataRoots,
        IReadOnlyDictionary<string, string>? unavailableRoots = null,
        IReadOnlyDictionary<string, IReadOnlySet<string>>? builtInRoots = null,
        IReadOnlyDictionary<string, FieldSymbol>? builtInFields = null)
    {
        DataRoots = dataRoots;
        UnavailableRoots = unavailableRoots ?? FrozenDictionary<string, string>.Empty;
        BuiltInRoots = builtInRoots ?? FrozenDictionary<string, IReadOnlySet<string>>.Empty;
        BuiltInFields = builtInFields ?? FrozenDictionary<string, FieldSymbol>.Empty;
    }

    /// <summary>
    /// The usual scope of a playbook template: the given data roots plus the built-in roots (<see cref="BuiltInMembers"/>)
    /// as the playbook's trigger has them.
    /// </summary>
    /// <param name="unavailableRoots">Root name to the reason it cannot be read, completing "is not available because ...".</param>
    public static TemplateScope Standard(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> dataRoots,
        IReadOnlyDictionary<string, string>? unavailableRoots = null,
        PlaybookTrigger? trigger = null) =>
        new(dataRoots, unavailableRoots, BuiltInMembers.RootsFor(trigger?.Kind ?? TriggerKind.Attribute),
            trigger is null ? null : BuiltInMembers.FieldsFor(trigger));

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> DataRoots { get; }

    public IReadOnlyDictionary<string, string> UnavailableRoots { get; }

    public IReadOnlyDictionary<string, IReadOnlySet<string>> BuiltInRoots { get; }

    /// <summary>Built-in members with a declared type and PII class (trigger.from and trigger.to of an attribute change), by path.</summary>
    public IReadOnlyDictionary<string, FieldSymbol> BuiltInFields { get; }

    /// <summary>Every root name a template can read, for "did you mean" hints.</summary>
    public IEnumerable<string> RootNames => DataRoots.Keys.Concat(BuiltInRoots.Keys);
}
