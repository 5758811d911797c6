using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Loading;
using RetentionPlaybooks.Text;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Compilation;

/// <summary>
/// The compiler facade: load → schema-validate → bind the workspace and data model → bind each playbook
/// (gates, routes, templates, PII) → cross-playbook checks. Collects every diagnostic across all files.
/// </summary>
internal static class PlaybookCompiler
{
    /// <summary>Compiles a playbooks folder. Never throws: a missing folder or an unreadable file is a diagnostic.</summary>
    public static CompilationResult CompileDirectory(string directory)
    {
        var diagnostics = new DiagnosticBag();
        var shown = directory.Replace('\\', '/');
        if (!Directory.Exists(directory))
        {
            if (File.Exists(directory)) diagnostics.ReportNotADirectory(SourceLocation.None(shown));
            else diagnostics.ReportNoSuchDirectory(SourceLocation.None(shown));
            return CompilationResult.Failed(diagnostics);
        }
        // The schemas and the Liquid parser are built on another core while the files are read.
        SchemaValidator.WarmUp();
        IReadOnlyList<SourceFile> files;
        try
        {
            files = SourceFile.ReadDirectory(directory, diagnostics);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.ReportUnreadableFile(SourceLocation.None(shown), ex.Message);
            return CompilationResult.Failed(diagnostics);
        }
        return Compile(files, shown, diagnostics);
    }

    public static CompilationResult Compile(IReadOnlyList<SourceFile> files, string directory = ".") =>
        Compile(files, directory, new DiagnosticBag());

    private static CompilationResult Compile(IReadOnlyList<SourceFile> files, string directory, DiagnosticBag diagnostics)
    {
        SourceFile? workspaceFile = null, modelFile = null;
        var playbookFiles = new List<SourceFile>();
        foreach (var f in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            switch (System.IO.Path.GetFileName(f.Path))
            {
                case SourceFile.WorkspaceFileName: workspaceFile = f; break;
                case SourceFile.DataModelFileName: modelFile = f; break;
                default: playbookFiles.Add(f); break;
            }
        }

        var workspace = Guarded(workspaceFile, "loading the workspace", diagnostics, () => LoadWorkspace(workspaceFile, directory, diagnostics));
        var model = Guarded(modelFile, "loading the data model", diagnostics, () => LoadDataModel(modelFile, directory, diagnostics));

        var playbooks = new List<CompiledPlaybook>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var inhibitors = new List<InhibitorReference>();
        // Each file compiles on its own (its diagnostics, its inhibitor references), so a large folder compiles on every core;
        // what is across files (duplicate ids, budgets, inhibitions) is then checked in file order, as before.
        var compiled = new (CompiledPlaybook? Playbook, DiagnosticBag Diagnostics, List<InhibitorReference> Inhibitors)[playbookFiles.Count];
        void CompileOne(int i)
        {
            var f = playbookFiles[i];
            var own = new DiagnosticBag();
            var references = new List<InhibitorReference>();
            var playbook = f.Unreadable ? null : Guarded(f, "compiling the playbook", own, () => CompilePlaybook(f, workspace, model, own, references));
            compiled[i] = (playbook, own, references);
        }
        if (playbookFiles.Count >= ParallelFrom) Parallel.For(0, playbookFiles.Count, CompileOne);
        else for (var i = 0; i < playbookFiles.Count; i++) CompileOne(i);
        for (var i = 0; i < playbookFiles.Count; i++)
        {
            var f = playbookFiles[i];
            var (playbook, own, references) = compiled[i];
            diagnostics.AddRange(own);
            inhibitors.AddRange(references);
            if (playbook is null) continue;
            if (ids.TryGetValue(playbook.Id, out var other))
            {
                diagnostics.ReportDuplicatePlaybook(new SourceLocation(f.Path, 1, 1), playbook.Id, other);
                continue;
            }
            ids[playbook.Id] = f.Path;
            playbooks.Add(playbook);
        }
        if (workspace is not null) CheckChannelBudgets(workspace, playbooks, diagnostics);
        CheckInhibitions(playbookFiles, playbooks, inhibitors, diagnostics);
        return new CompilationResult(diagnostics.Sorted(), workspace, model, playbooks, playbookFiles.Select(f => f.Path).ToList())
        {
            SetHash = PlaybookSetHash.Of(files),
        };
    }

    /// <summary>From how many playbook files the per-file stage runs in parallel (below it, starting the workers costs more than it saves).</summary>
    private const int ParallelFrom = 16;

    private static CompiledPlaybook? CompilePlaybook(SourceFile f, WorkspaceSymbols? workspace, DataModelSymbols? model, DiagnosticBag diagnostics, List<InhibitorReference> inhibitors)
    {
        var yaml = YamlFile.Load(f.Path, f.Text, diagnostics);
        if (yaml is null) return null;
        SchemaValidator.Validate(yaml, SchemaValidator.Playbook, diagnostics);
        if (workspace is null || model is null) return null;
        var binder = new PlaybookBinder(yaml, workspace, model, diagnostics);
        var playbook = binder.Bind();
        inhibitors.AddRange(binder.InhibitorReferences);
        // Lowering: each route gets its render plan now, not on first render.
        playbook?.Lower(model);
        return playbook;
    }

    /// <summary>
    /// Defence in depth: an exception the compiler did not expect (a bug, not a mistake in the file) becomes an
    /// internal-error diagnostic naming the file, so one file cannot stop the others from compiling or a host
    /// from keeping its last good set. The fuzz tests fail on any such diagnostic.
    /// </summary>
    private static T? Guarded<T>(SourceFile? file, string stage, DiagnosticBag diagnostics, Func<T?> compile)
        where T : class
    {
        try
        {
            return compile();
        }
#pragma warning disable CA1031 // Any exception here is a compiler bug; it is reported, not rethrown, so other files still compile.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            diagnostics.ReportInternalError(new SourceLocation(file?.Path ?? ".", 1, 1), stage, ex.GetType().Name);
            return null;
        }
    }

    private static WorkspaceSymbols? LoadWorkspace(SourceFile? file, string directory, DiagnosticBag diagnostics)
    {
        if (file is null)
        {
            diagnostics.ReportMissingWorkspace(SourceLocation.None(directory), SourceFile.WorkspaceFileName);
            return null;
        }
        if (file.Unreadable) return null;
        var yaml = YamlFile.Load(file.Path, file.Text, diagnostics);
        if (yaml is null) return null;
        SchemaValidator.Validate(yaml, SchemaValidator.Workspace, diagnostics);
        return WorkspaceBinder.Bind(yaml, diagnostics);
    }

    private static DataModelSymbols? LoadDataModel(SourceFile? file, string directory, DiagnosticBag diagnostics)
    {
        if (file is null)
        {
            diagnostics.ReportMissingWorkspace(SourceLocation.None(directory), SourceFile.DataModelFileName);
            return null;
        }
        if (file.Unreadable) return null;
        var yaml = YamlFile.Load(file.Path, file.Text, diagnostics);
        if (yaml is null) return null;
        SchemaValidator.Validate(yaml, SchemaValidator.DataModel, diagnostics);
        return DataModelBinder.Bind(yaml, diagnostics);
    }

    /// <summary>
    /// Every playbook named under an <c>inhibited_by</c> must be declared by a file of the folder (one that did not compile
    /// has its own errors); and inhibit rules may not form a cycle, reported once, at the first playbook of it in id order.
    /// </summary>
    private static void CheckInhibitions(List<SourceFile> files, List<CompiledPlaybook> playbooks, List<InhibitorReference> references, DiagnosticBag diagnostics)
    {
        var declared = files.Select(f => System.IO.Path.GetFileNameWithoutExtension(f.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var r in references)
        {
            if (declared.Contains(r.Inhibitor)) continue;
            diagnostics.ReportUnknownInhibitingPlaybook(r.Location, r.Inhibitor, r.Playbook, Suggestions.Closest(r.Inhibitor, declared.Where(id => id != r.Playbook).Order(StringComparer.Ordinal)));
        }
        // Edges of the accepted playbooks only (a duplicate id's file was set aside), from the inhibited to its inhibitors.
        var accepted = playbooks.ToDictionary(p => p.Id, p => p.File, StringComparer.Ordinal);
        var edges = references.Where(r => accepted.TryGetValue(r.Playbook, out var file) && file == r.Location.File && accepted.ContainsKey(r.Inhibitor))
            .GroupBy(r => r.Playbook, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var inCycle = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (inCycle.Contains(start) || PathBack(start, edges) is not { } cycle) continue;
            inCycle.UnionWith(cycle);
            diagnostics.ReportInhibitionCycle(edges[start].First(r => r.Inhibitor == cycle[1]).Location, cycle);
        }
    }

    /// <summary>The shortest chain of inhibit rules from <paramref name="start"/> back to it (start first and last), or null.</summary>
    private static List<string>? PathBack(string start, Dictionary<string, List<InhibitorReference>> edges)
    {
        var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var id))
        {
            foreach (var next in edges.GetValueOrDefault(id) ?? [])
            {
                if (next.Inhibitor == start)
                {
                    var path = new List<string> { start };
                    for (var at = id; at != start; at = cameFrom[at]) path.Insert(1, at);
                    path.Add(start);
                    return path;
                }
                if (cameFrom.TryAdd(next.Inhibitor, id)) queue.Enqueue(next.Inhibitor);
            }
        }
        return null;
    }

    /// <summary>Playbooks sharing a channel must fit its daily budget; one without a cap counts as the whole budget. A channel
    /// with a digest is not flooded past its budget (the rest roll into the digest), so it is not warned about.</summary>
    private static void CheckChannelBudgets(WorkspaceSymbols workspace, List<CompiledPlaybook> playbooks, DiagnosticBag diagnostics)
    {
        foreach (var channel in workspace.Channels.Values)
        {
            if (channel.Digest is not null) continue;
            var users = playbooks.Where(p => p.Enabled && p.Channels.Contains(channel)).ToList();
            if (users.Count < 2) continue;
            var total = users.Sum(p => (long)(p.Guardrails.DailyCap ?? channel.DailyBudget));
            if (total <= channel.DailyBudget) continue;
            var breakdown = "playbooks " + string.Join(", ", users.Select(p => $"\"{p.Id}\" ({(p.Guardrails.DailyCap is { } cap ? $"cap {cap}" : "no cap")})"));
            diagnostics.ReportChannelOverBudget(channel.Location, channel.Name, channel.DailyBudget, breakdown, (int)Math.Min(total, int.MaxValue));
        }
    }
}
