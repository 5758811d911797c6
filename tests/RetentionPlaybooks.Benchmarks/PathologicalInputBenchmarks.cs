using BenchmarkDotNet.Attributes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Benchmarks;

/// <summary>
/// Inputs a typo or an attacker can hand the compiler, which used to take a minute (quadratic): 45,000 bad gates
/// in one playbook (each gate counted every error so far), and a template of 30,000 tags mapped back to its lines
/// (each offset scanned the value from its start). Target: a few seconds each, growing linearly.
/// </summary>
[MemoryDiagnoser]
public class PathologicalInputBenchmarks
{
    private IReadOnlyList<SourceFile> _badGates = [];
    private ScalarSourceMap _map = null!;
    private int _valueLength;

    [GlobalSetup]
    public void Setup()
    {
        var shipped = Corpus.Shipped;
        var playbook = shipped.Single(f => f.Path.EndsWith("vip-cart-abandonment.yaml", StringComparison.Ordinal));
        var text = playbook.Text.Replace("  - event.cart_value >= 150\n", "  - event.cart_value >= 150\n" + string.Concat(Enumerable.Repeat("  - customer.nope\n", 45_000)), StringComparison.Ordinal);
        _badGates = [.. shipped.Where(f => f.Path.EndsWith(SourceFile.WorkspaceFileName, StringComparison.Ordinal) || f.Path.EndsWith(SourceFile.DataModelFileName, StringComparison.Ordinal)), new SourceFile("vip-cart-abandonment.yaml", text)];
        var value = string.Concat(Enumerable.Repeat("{{ customer.first_name }}\n", 30_000));
        _valueLength = value.Length;
        _map = new ScalarSourceMap("p.yaml", 10, 5, ScalarKind.Literal, value, blockIndent: 4);
    }

    [Benchmark]
    public int FortyFiveThousandBadGates() => PlaybookCompiler.Compile(_badGates).Diagnostics.Count;

    [Benchmark]
    public int ThirtyThousandTemplateOffsets()
    {
        var line = 0;
        for (var offset = 0; offset < _valueLength; offset += 26) line = _map.Map(offset + 3, 2).Line;
        return line;
    }
}
