using RetentionPlaybooks.Compilation;

namespace RetentionPlaybooks.Tests.Loading;

/// <summary>Compiles one playbook text beside the shipped workspace.yaml and data-model.yaml.</summary>
internal static class ShippedWorkspace
{
    public static CompilationResult Compile(string fileName, string text) =>
        PlaybookCompiler.Compile(
        [
            new SourceFile(SourceFile.WorkspaceFileName, File.ReadAllText(Path.Combine(RepoPaths.Playbooks, SourceFile.WorkspaceFileName))),
            new SourceFile(SourceFile.DataModelFileName, File.ReadAllText(Path.Combine(RepoPaths.Playbooks, SourceFile.DataModelFileName))),
            new SourceFile(fileName, text),
        ]);

    public static string Playbook(string name) => File.ReadAllText(Path.Combine(RepoPaths.Playbooks, name));
}
