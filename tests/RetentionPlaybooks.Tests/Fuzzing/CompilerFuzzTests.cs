using System.Diagnostics;
using System.Text.RegularExpressions;
using CsCheck;
using RetentionPlaybooks.Compilation;
using Xunit;
using Xunit.Abstractions;

namespace RetentionPlaybooks.Tests.Fuzzing;

/// <summary>
/// Property: for any file content, the compiler returns diagnostics and never throws; every diagnostic has a code,
/// a line and a column (both from 1, the line inside the file), no internal error (RP0013, a caught exception) is
/// reported, and one compile stays quick. Inputs are the shipped playbooks and the broken corpus, mutated.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed partial class CompilerFuzzTests(ITestOutputHelper output)
{
    /// <summary>Far above a real compile (milliseconds), far below a hang; generous for a busy shared machine.</summary>
    /// <summary>A hang detector, not a speed target (those are benchmarks): far above any seed-sized compile, even on a loaded machine.</summary>
    private static readonly TimeSpan MaxCompileTime = TimeSpan.FromSeconds(30);

    private static readonly SourceFile Workspace = Shipped(SourceFile.WorkspaceFileName);
    private static readonly SourceFile DataModel = Shipped(SourceFile.DataModelFileName);
    private static readonly SourceFile Playbook = Shipped("vip-cart-abandonment.yaml");

    private static readonly (string Name, string Text)[] Seeds = LoadSeeds();
    private static readonly string[] SeedTexts = Seeds.Select(s => s.Text).ToArray();

    public static Gen<(string Name, string Text)> Input { get; } =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Select(Gen.Int[0, Mutation.Kinds - 1], Gen.Int, Gen.Int[0, 1_000_000], (k, w, s) => new Mutation(k, w & int.MaxValue, s)).Array[1, 8])
            .Select(t => (Seeds[t.Item1].Name, t.Item2.Aggregate(Seeds[t.Item1].Text, (text, m) => m.Apply(text, SeedTexts))));

    [Fact]
    public void Compile_MutatedPlaybooks_NeverThrowsAndEveryDiagnosticHasAPlace()
    {
        var slowest = TimeSpan.Zero;
        var count = 0L;
        var clock = Stopwatch.StartNew();
        Input.Sample(input =>
        {
            var elapsed = CheckOne(input.Name, input.Text);
            lock (Seeds)
            {
                count++;
                if (elapsed > slowest) slowest = elapsed;
            }
        }, seed: FuzzRun.Seed, iter: FuzzRun.Iterations(quick: 200), time: FuzzRun.Seconds, threads: FuzzRun.Threads, print: i => $"{i.Name}: {FuzzRun.Print(i.Text)}");
        output.WriteLine($"{count} inputs in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F0}/s); slowest compile {slowest.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void Compile_EverySeedUnmutated_Passes()
    {
        foreach (var (name, text) in Seeds) CheckOne(name, text);
    }

    /// <summary>Compiles one file in its role (workspace, data model or playbook) beside the shipped others.</summary>
    private static TimeSpan CheckOne(string name, string text)
    {
        var file = new SourceFile(name, text);
        IReadOnlyList<SourceFile> files = name switch
        {
            SourceFile.WorkspaceFileName => [file, DataModel, Playbook],
            SourceFile.DataModelFileName => [Workspace, file, Playbook],
            _ => [Workspace, DataModel, file],
        };
        var clock = Stopwatch.StartNew();
        var result = PlaybookCompiler.Compile(files);
        var elapsed = clock.Elapsed;
        Assert.True(elapsed < MaxCompileTime, $"compile took {elapsed.TotalMilliseconds:F0} ms");
        foreach (var d in result.Diagnostics)
        {
            Assert.Matches(Code(), d.Code);
            Assert.True(d.Code != "RP0013", $"internal error: {d}");
            Assert.True(d.Location.Line >= 1 && d.Location.Column >= 1, $"no place: {d}");
            var lines = LineBreak().Split(files.First(f => f.Path == d.Location.File).Text).Length;
            Assert.True(d.Location.Line <= lines, $"line {d.Location.Line} of {lines}: {d}");
        }
        return elapsed;
    }

    private static SourceFile Shipped(string name) => new(name, File.ReadAllText(Path.Combine(RepoPaths.Playbooks, name)));

    private static (string Name, string Text)[] LoadSeeds()
    {
        var shipped = Directory.GetFiles(RepoPaths.Playbooks, "*.yaml");
        var broken = Directory.GetFiles(Path.Combine(RepoPaths.Cases, "broken"), "*.yaml", SearchOption.AllDirectories);
        return shipped.Concat(broken).Order(StringComparer.Ordinal)
            .Select(p => (Path.GetFileName(p), File.ReadAllText(p)))
            .Append(("random.yaml", ""))
            .ToArray();
    }

    [GeneratedRegex("\r\n|\r|\n")]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"^RP\d{4}$")]
    private static partial Regex Code();
}
