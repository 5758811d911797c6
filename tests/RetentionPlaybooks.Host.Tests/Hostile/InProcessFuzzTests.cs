using System.Diagnostics;
using CsCheck;
using Xunit.Abstractions;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>
/// The same mutated, signed bodies as <see cref="WebhookFuzzTests"/>, through the endpoint methods and the pipeline
/// in process (no HTTP, no SQLite), for long runs: RP_FUZZ_ITERATIONS=1000000. Properties: the door answers one of
/// 200/202/400/401/413/415/422 and stores nothing on a 4xx; nothing it stored throws anywhere in processing (not even
/// inside the processor, where it would be quarantined), is unreadable after acceptance, or renders a message with a
/// mrkdwn control sequence from customer data or over Block Kit limits.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class InProcessFuzzTests(ITestOutputHelper output)
{
    private static readonly int[] Allowed = [200, 202, 400, 401, 413, 415, 422];

    [Fact]
    public async Task WebhookPipeline_MutatedSignedBodies_DoorAndProcessingNeverFail()
    {
        var iterations = FuzzSettings.Iterations(null, 2000);
        using var playbooks = FuzzSettings.Unbounded();
        using var pipeline = new InProcessPipeline(playbooks.Path);
        var statuses = new Dictionary<int, long>();
        long counter = 0, escalations = 0;
        // RP_FUZZ_SURVEY=1: keep going after a failure and list every distinct kind found (smallest body each), to
        // find the defects beyond the first one; otherwise CsCheck stops on the first and shrinks it.
        var survey = Environment.GetEnvironmentVariable("RP_FUZZ_SURVEY") == "1";
        var kinds = new Dictionary<string, (long Count, string Example)>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();

        await FuzzBodies.Cases.SampleAsync(async c =>
        {
            var request = FuzzBodies.Build(c, "p" + ++counter);
            var outcome = await pipeline.RunAsync(request);
            statuses[outcome.Status] = statuses.GetValueOrDefault(outcome.Status) + 1;
            escalations += outcome.Escalations;
            var failure = outcome.Failure is not null ? $"{request.Endpoint} {outcome.Status}: {outcome.Failure}"
                : !Allowed.Contains(outcome.Status) ? $"{request.Endpoint} answered {outcome.Status}" : null;
            if (counter % 100_000 == 0) output.WriteLine($"{counter} inputs, {clock.Elapsed.TotalSeconds:0} s");
            if (failure is null) return;
            if (!survey) throw new InvalidOperationException($"{failure}\nbody: {request.Preview()}");
            var kind = Kind(failure);
            var example = $"{failure}\n    input: {request.Description}\n    body: {request.Preview(600)}";
            kinds[kind] = kinds.TryGetValue(kind, out var k)
                ? (k.Count + 1, request.Body.Length < BodyLength(k.Example) ? example : k.Example)
                : (1, example);
        }, iter: iterations, threads: 1, seed: FuzzSettings.Seed, print: c => FuzzBodies.Build(c, "print").Description + "\n" + FuzzBodies.Build(c, "print").Preview());

        if (survey)
        {
            var list = string.Join("\n", kinds.OrderByDescending(kv => kv.Value.Count).Select(kv => $"[{kv.Value.Count}×] {kv.Key}\n  {kv.Value.Example}"));
            output.WriteLine(list);
            FuzzSettings.Report("survey:\n" + list);
            Assert.True(kinds.Count == 0, $"{kinds.Count} kind(s) of failure:\n{list}");
        }

        var summary = $"in-process: {iterations} inputs in {clock.Elapsed.TotalSeconds:0.0} s = {iterations / clock.Elapsed.TotalSeconds:0} inputs/s; statuses {string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"))}; messages rendered and checked {escalations}";
        output.WriteLine(summary);
        FuzzSettings.Report(summary);
    }

    /// <summary>A failure's kind: where it failed and the exception type, without the input-specific message.</summary>
    private static string Kind(string failure)
    {
        var firstLine = failure.Split('\n')[0];
        var frames = firstLine.IndexOf('[', StringComparison.Ordinal) is var at and >= 0 ? firstLine[at..] : "";
        var exception = System.Text.RegularExpressions.Regex.Match(firstLine, @"(\w+Exception)").Value;
        var where = firstLine.Split(':')[0];
        if (firstLine.Contains("unsafe", StringComparison.Ordinal)) return where + ": unsafe message";
        if (firstLine.Contains("Block Kit", StringComparison.Ordinal)) return where + ": Block Kit limits";
        if (firstLine.Contains("unreadable", StringComparison.Ordinal)) return where + ": unreadable after acceptance";
        return $"{where}: {exception} {frames}";
    }

    private static int BodyLength(string example) =>
        example.LastIndexOf("bytes)", StringComparison.Ordinal) is var end and > 0 && example.LastIndexOf('(', end) is var start and >= 0
            && int.TryParse(example[(start + 1)..end].Trim(), out var n) ? n : example.Length;
}
