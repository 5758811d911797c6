using CsCheck;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Gates;
using RetentionPlaybooks.Tests.Gates;
using RetentionPlaybooks.Text;
using Xunit;
using Xunit.Abstractions;
using Record = RetentionPlaybooks.Evaluation.Record;

namespace RetentionPlaybooks.Tests.Fuzzing;

/// <summary>
/// Property: for any gate text, lexing, parsing, binding and emitting never throw; every diagnostic's span lies
/// inside the text (an "unexpected end" may point one past it); a gate that compiles evaluates and explains
/// against the records of Cases/gates.txt without throwing. Inputs are random token strings and mutated gates.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class GateFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Vocabulary =
    [
        "customer.ltv", "customer.vip", "customer.plan", "customer.tags", "customer.last_refund_at", "customer.trial_length",
        "customer.address.city", "customer.address", "customer.", "customer", "event.cart_value", "event.items", "event.items.price",
        "event.coupon", "event", "segment", "links", "exists", "count", "now", "x", "_", "==", "!=", "<", "<=", ">", ">=", "=", "!",
        "&&", "||", "and", "or", "not", "in", "contains", "within", "true", "false", "null", "0", "1", "-1", "1.5", "1e3", ".5",
        "99999999999999999999999", "\"a\"", "'b'", "\"", "'", "\"\\", "\"\\q\"", "30d", "2h", "0s", "10w", "1y", "(", ")", "[", "]",
        ",", ".", "#", "@", "$", "\\", "\t", "\n", "\u00A0", "é", "\uFEFF", "\u0000", "\uD83D\uDE00",
    ];

    private static readonly string[] Seeds = GateTestModel.ReadCases("gates.txt", 3).Select(c => c.Fields[0])
        .Concat(GateTestModel.ReadCases("gates-errors.txt", 4).Select(c => c.Fields[0]))
        .ToArray();

    private static readonly Record[] Records = GateTestModel.ReadCases("gates.txt", 3).Select(c => c.Fields[1]).Distinct(StringComparer.Ordinal)
        .Take(12).Select(GateTestModel.ReadRecord).ToArray();

    private static readonly Gen<string> Tokens =
        Gen.Select(Gen.Int[0, Vocabulary.Length - 1], Gen.Int[0, 3], (t, space) => Vocabulary[t] + (space == 0 ? "" : " ")).Array[0, 24]
            .Select(parts => string.Concat(parts));

    private static readonly Gen<string> Mutated =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Select(Gen.Int[0, Mutation.Kinds - 1], Gen.Int, Gen.Int[0, 1_000_000], (k, w, s) => new Mutation(k, w & int.MaxValue, s)).Array[1, 6])
            .Select(t => t.Item2.Aggregate(Seeds[t.Item1], (text, m) => m.Apply(text, Seeds)));

    public static Gen<string> Input { get; } = Gen.Frequency((1, Tokens), (2, Mutated));

    [Fact]
    public void Compile_RandomAndMutatedGates_NeverThrowsAndSpansLieInsideTheText()
    {
        var count = 0L;
        var compiled = 0L;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Input.Sample(text =>
        {
            var ok = CheckOne(text);
            Interlocked.Increment(ref count);
            if (ok) Interlocked.Increment(ref compiled);
        }, seed: FuzzRun.Seed, iter: FuzzRun.Iterations(quick: 2_000), time: FuzzRun.Seconds, threads: FuzzRun.Threads, print: FuzzRun.Print);
        output.WriteLine($"{count} inputs in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F0}/s); {compiled} compiled and were evaluated");
    }

    [Fact]
    public void Compile_EverySeedUnmutated_Passes()
    {
        foreach (var seed in Seeds) CheckOne(seed);
    }

    private static bool CheckOne(string text)
    {
        var diagnostics = new DiagnosticBag();
        var gate = GateCompiler.Compile(text, ScalarSourceMap.ForText(text), GateTestModel.EventScope, diagnostics);
        var lines = text.Split('\n');
        foreach (var d in diagnostics)
        {
            var where = $"{d} in {FuzzRun.Print(text)}";
            Assert.True(d.Code.StartsWith("RP02", StringComparison.Ordinal), where);
            Assert.InRange(d.Location.Line, 1, lines.Length);
            var line = lines[d.Location.Line - 1];
            Assert.True(d.Location.Column >= 1 && d.Location.Length >= 1, where);
            Assert.True(d.Location.Column + d.Location.Length - 1 <= line.Length + 1, $"span past the line's end: {where}");
        }
        Assert.Equal(gate is null, diagnostics.HasErrors);
        if (gate is null) return false;
        foreach (var record in Records)
        {
            var result = gate.Evaluate(record);
            Assert.Equal(result, gate.Explain(record).Result);
        }
        return true;
    }
}
