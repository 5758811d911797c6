using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Compilation;

/// <summary>What the compiler produced: all diagnostics, and the compiled playbooks indexed by trigger.</summary>
internal sealed class CompilationResult
{
    private readonly Dictionary<(TriggerKind, string), CompiledPlaybook[]> _byTrigger;

    public CompilationResult(IReadOnlyList<Diagnostic> diagnostics, WorkspaceSymbols? workspace, DataModelSymbols? dataModel, IReadOnlyList<CompiledPlaybook> playbooks, IReadOnlyList<string>? playbookFiles = null)
    {
        PlaybookFiles = playbookFiles ?? playbooks.Select(p => p.File).ToList();
        Diagnostics = diagnostics;
        Workspace = workspace;
        DataModel = dataModel;
        Playbooks = playbooks;
        _byTrigger = playbooks.Where(p => p.Enabled)
            .GroupBy(p => (p.Trigger.Kind, p.Trigger.Name))
            .ToDictionary(g => g.Key, g => g.ToArray());
    }

    public static CompilationResult Failed(DiagnosticBag diagnostics) => new(diagnostics.Sorted(), null, null, []);

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public WorkspaceSymbols? Workspace { get; }

    public DataModelSymbols? DataModel { get; }

    public IReadOnlyList<CompiledPlaybook> Playbooks { get; }

    /// <summary>Which set of files this is (<see cref="PlaybookSetHash"/>): equal for equal files, empty for a failed compilation.</summary>
    public string SetHash { get; init; } = "";

    /// <summary>The path of every playbook file given, compiled or not (not workspace.yaml or data-model.yaml).</summary>
    public IReadOnlyList<string> PlaybookFiles { get; }

    /// <summary>The enabled playbooks whose trigger matches the input, found by index rather than by scanning all playbooks.</summary>
    public IEnumerable<CompiledPlaybook> Match(TriggerInput input)
    {
        if (input.EventName is not null && _byTrigger.TryGetValue((TriggerKind.Event, input.EventName), out var byEvent))
        {
            foreach (var p in byEvent) yield return p;
        }
        if (input.Segment is not null && _byTrigger.TryGetValue((TriggerKind.Segment, input.Segment), out var bySegment))
        {
            foreach (var p in bySegment) yield return p;
        }
        if (input.ChangedAttribute is not null && _byTrigger.TryGetValue((TriggerKind.Attribute, input.ChangedAttribute), out var byAttribute))
        {
            foreach (var p in byAttribute)
            {
                if (p.Trigger.Matches(input)) yield return p;
            }
        }
    }
}
