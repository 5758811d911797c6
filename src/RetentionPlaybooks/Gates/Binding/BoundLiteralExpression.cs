using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Gates.Syntax;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary>A constant written in the gate, already converted to the type it is compared with.</summary>
internal sealed class BoundLiteralExpression(ExpressionSyntax syntax, Value value, DataType type) : BoundExpression(syntax)
{
    public Value Value { get; } = value;

    public override DataType Type { get; } = type;
}
