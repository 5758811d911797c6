using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Gates.Binding;
using RetentionPlaybooks.Gates.Compiling;

namespace RetentionPlaybooks.Gates;

/// <summary>A gate that compiled without errors; immutable and safe to evaluate from many threads.</summary>
internal sealed class CompiledGate
{
    private readonly BoundExpression _bound;
    private readonly Func<Record, bool> _evaluate;

    internal CompiledGate(string source, BoundExpression bound, Func<Record, bool> evaluate, IReadOnlyList<FieldSymbol> reads)
    {
        Source = source;
        _bound = bound;
        _evaluate = evaluate;
        Reads = reads;
    }

    /// <summary>The gate as the marketer wrote it.</summary>
    public string Source { get; }

    /// <summary>Every field the gate reads, top-level and nested, in the order they first appear.</summary>
    public IReadOnlyList<FieldSymbol> Reads { get; }

    /// <summary>Whether the record passes the gate. The fast path: no allocation for top-level fields.</summary>
    public bool Evaluate(Record record) => _evaluate(record);

    /// <summary>The result with a reason naming the values that decided it; slower than <see cref="Evaluate"/>.</summary>
    public GateExplanation Explain(Record record, ExplainWording wording = ExplainWording.Gate) => GateExplainer.Explain(_bound, Source, record, wording);

    public override string ToString() => Source;
}
