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
    public static CompilationResult CompileDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            var bag = new DiagnosticBag();
            bag.ReportUnreadableFile(SourceLocation.None(directory), "no such directory");
            return CompilationResult.Failed(bag);
        }
        return Compile(SourceFile.ReadDirectory(directory), directory.Replace('\\', '/'));
    }

    public static CompilationResult Compile(IReadOnlyList<SourceFile> files, string directory = ".")
    {
        var diagnostics = new DiagnosticBag();
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

        var workspace = LoadWorkspace(workspaceFile, directory, diagnostics);
        var model = LoadDataModel(modelFile, directory, diagnostics);

        var playbooks = new List<CompiledPlaybook>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in playbookFiles)
        {
            var yaml = YamlFile.Load(f.Path, f.Text, diagnostics);
            if (yaml is null) continue;
            SchemaValidator.Validate(yaml, SchemaValidator.Playbook, diagnostics);
            if (workspace is null || model is null) continue;
            var playbook = new PlaybookBinder(yaml, workspace, model, diagnostics).Bind();
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
        return new CompilationResult(diagnostics.Sorted(), workspace, model, playbooks);
    }

    private static WorkspaceSymbols? LoadWorkspace(SourceFile? file, string directory, DiagnosticBag diagnostics)
    {
        if (file is null)
        {
            diagnostics.ReportMissingWorkspace(SourceLocation.None(directory), SourceFile.WorkspaceFileName);
            return null;
        }
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
