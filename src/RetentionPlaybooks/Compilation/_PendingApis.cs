// TEMPORARY: stand-ins for the gate and template APIs being written on other branches; deleted at merge.
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Gates
{
    internal sealed class GateScope(IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> roots, IReadOnlyDictionary<string, string>? unavailable = null)
    {
        public IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> Roots => roots;
        public IReadOnlyDictionary<string, string>? Unavailable => unavailable;
    }

    internal sealed record GateExplanation(bool Result, string Reason);

    internal sealed class CompiledGate
    {
        public string Source { get; init; } = "";
        public bool Evaluate(Record record) => record is null;
        public GateExplanation Explain(Record record) => new(Evaluate(record), "");
        public IReadOnlyList<FieldSymbol> Reads { get; init; } = [];
    }

    internal static class GateCompiler
    {
        public static CompiledGate? Compile(string source, ScalarSourceMap map, GateScope scope, DiagnosticBag diagnostics) =>
            scope is null || map is null || diagnostics is null ? null : new CompiledGate { Source = source };
    }
}

