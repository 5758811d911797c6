using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Gates;

namespace RetentionPlaybooks.Benchmarks;

/// <summary>Target: at least 1,000,000 gate evaluations per second on one core.</summary>
[MemoryDiagnoser]
public class GateBenchmarks
{
    private const int Operations = 1000;
    private CompiledGate[] _gates = [];
    private Record _record = null!;
    private CompiledPlaybook _playbook = null!;

    [GlobalSetup]
    public void Setup()
    {
        var result = PlaybookCompiler.Compile(Corpus.Shipped);
        _playbook = result.Playbooks.Single(p => p.Id == "vip-cart-abandonment");
        _gates = [.. _playbook.Gates, .. _playbook.Excludes];
        var json = File.ReadAllText(Path.Combine(Corpus.PlaybooksDirectory, "samples", "vip-cart-abandoned.json"));
        using var doc = JsonDocument.Parse(json);
        var input = TriggerInput.Parse(doc.RootElement.Clone(), out _)!;
        _record = new RecordReader(result.DataModel!).Read(input, new DateTimeOffset(2026, 11, 28, 13, 30, 0, TimeSpan.Zero));
    }

    /// <summary>One operation = one gate evaluation, cycling through the playbook's 7 gates and exclusions.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public int EvaluateGate()
    {
        var hits = 0;
        var gates = _gates;
        for (var i = 0; i < Operations; i++)
        {
            if (gates[i % gates.Length].Evaluate(_record)) hits++;
        }
        return hits;
    }

    /// <summary>One operation = one full playbook decision (gates, exclusions, route).</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public int DecidePlaybook()
    {
        var escalations = 0;
        for (var i = 0; i < Operations; i++)
        {
            if (PlaybookEvaluator.Decide(_playbook, _record).Escalates) escalations++;
        }
        return escalations;
    }
}
