// TEMPORARY: stand-ins for the gate and template APIs being written on other branches; deleted at merge.
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Gates
{
    public sealed class GateScope(IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> roots, IReadOnlyDictionary<string, string>? unavailable = null)
    {
        public IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> Roots => roots;
        public IReadOnlyDictionary<string, string>? Unavailable => unavailable;
    }

    public sealed record GateExplanation(bool Result, string Reason);

    public sealed class CompiledGate
    {
        public string Source { get; init; } = "";
        public bool Evaluate(Record record) => record is null;
        public GateExplanation Explain(Record record) => new(Evaluate(record), "");
        public IReadOnlyList<FieldSymbol> Reads { get; init; } = [];
    }

    public static class GateCompiler
    {
        public static CompiledGate? Compile(string source, ScalarSourceMap map, GateScope scope, DiagnosticBag diagnostics) =>
            scope is null || map is null || diagnostics is null ? null : new CompiledGate { Source = source };
    }
}

namespace RetentionPlaybooks.Templates
{
    public sealed record TemplateRead(string Path, FieldSymbol? Field, SourceLocation Location, bool Printed);

    public sealed class CheckedTemplate
    {
        public string Source { get; init; } = "";
        public IReadOnlyList<TemplateRead> Reads { get; init; } = [];
    }

    public sealed class TemplateScope
    {
        public static TemplateScope Create(IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSymbol>> roots, IReadOnlyDictionary<string, string> unavailable, IReadOnlyList<string> links) =>
            roots is null || unavailable is null || links is null ? throw new InvalidOperationException() : new TemplateScope();
    }

    public static class TemplateAnalyzer
    {
        public static CheckedTemplate? Check(string source, ScalarSourceMap map, TemplateScope scope, DiagnosticBag diagnostics) =>
            scope is null || map is null || diagnostics is null ? null : new CheckedTemplate { Source = source };
    }
}
