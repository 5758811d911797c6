using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Benchmarks;

/// <summary>Target: at least 100,000 rendered messages per second on one core, across the shipped playbooks.</summary>
[MemoryDiagnoser]
public class RenderBenchmarks
{
    private readonly List<(CompiledPlaybook Playbook, ChannelSymbol Channel, TriggerInput Input, Record Record)> _cases = [];
    private MessageRenderer _renderer = null!;
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 16, 30, 0, TimeSpan.Zero);

    [GlobalSetup]
    public void Setup()
    {
        var result = PlaybookCompiler.Compile(Corpus.Shipped);
        _renderer = new MessageRenderer(result.Workspace!, result.DataModel!);
        var reader = new RecordReader(result.DataModel!);
        foreach (var file in Directory.GetFiles(Path.Combine(Corpus.PlaybooksDirectory, "samples"), "*.json").Order(StringComparer.Ordinal))
        {
            var input = TriggerInput.Parse(JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone(), out _)!;
            var record = reader.Read(input, Now);
            foreach (var playbook in result.Match(input))
            {
                var decision = PlaybookEvaluator.Decide(playbook, record);
                _cases.Add((playbook, decision.Channel ?? playbook.Routes[^1].Channel, input, record));
            }
        }
        if (_cases.Count != 4) throw new InvalidOperationException($"expected one case per shipped playbook, found {_cases.Count}");
    }

    /// <summary>One operation = one chat.postMessage body rendered to the UTF-8 JSON that is sent.</summary>
    [Benchmark(OperationsPerInvoke = 4)]
    public int RenderMessage()
    {
        var blocks = 0;
        foreach (var (playbook, channel, input, record) in _cases)
        {
            blocks += _renderer.Render(playbook, channel, input, record, Now).Text.Length;
        }
        return blocks;
    }
}
