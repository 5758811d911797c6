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
        foreach (var f in playbookFiles)
        {
            if (f.Unreadable) continue;
            var playbook = Guarded(f, "compiling the playbook", diagnostics, () => CompilePlaybook(f, workspace, model, diagnostics));
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
        return new CompilationResult(diagnostics.Sorted(), workspace, model, playbooks, playbookFiles.Select(f => f.Path).ToList());
    }

    private static CompiledPlaybook? CompilePlaybook(SourceFile f, WorkspaceSymbols? workspace, DataModelSymbols? model, DiagnosticBag diagnostics)
    {
        var yaml = YamlFile.Load(f.Path, f.Text, diagnostics);
        if (yaml is null) return null;
        SchemaValidator.Validate(yaml, SchemaValidator.Playbook, diagnostics);
        if (workspace is null || model is null) return null;
        var playbook = new PlaybookBinder(yaml, workspace, model, diagnostics).Bind();
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

    /// <summary>Playbooks sharing a channel must fit its daily budget; one without a cap counts as the whole budget.</summary>
    private static void CheckChannelBudgets(WorkspaceSymbols workspace, List<CompiledPlaybook> playbooks, DiagnosticBag diagnostics)
    {
        foreach (var channel in workspace.Channels.Values)
        {
            var users = playbooks.Where(p => p.Enabled && p.Channels.Contains(channel)).ToList();
            if (users.Count < 2) continue;
            var total = users.Sum(p => (long)(p.Guardrails.DailyCap ?? channel.DailyBudget));
            if (total <= channel.DailyBudget) continue;
            var breakdown = "playbooks " + string.Join(", ", users.Select(p => $"\"{p.Id}\" ({(p.Guardrails.DailyCap is { } cap ? $"cap {cap}" : "no cap")})"));
            diagnostics.ReportChannelOverBudget(channel.Location, channel.Name, channel.DailyBudget, breakdown, (int)Math.Min(total, int.MaxValue));
        }
    }
}
