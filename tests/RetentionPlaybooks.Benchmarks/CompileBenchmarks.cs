using BenchmarkDotNet.Attributes;
using RetentionPlaybooks.Compilation;

namespace RetentionPlaybooks.Benchmarks;

/// <summary>Target: 500 playbooks validated in under 2 s in-process.</summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private IReadOnlyList<SourceFile> _files = [];

    [Params(500)]
    public int Playbooks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _files = Corpus.Scaled(Playbooks);
        var result = PlaybookCompiler.Compile(_files);
        if (result.HasErrors || result.Playbooks.Count != Playbooks)
        {
            throw new InvalidOperationException("benchmark corpus does not compile: " + string.Join("\n", result.Diagnostics));
        }
    }

    [Benchmark]
    public int CompilePlaybooks() => PlaybookCompiler.Compile(_files).Playbooks.Count;
}
