using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Gates.Syntax;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary>A node of a bound gate: a syntax node with its names resolved and its type known.</summary>
internal abstract class BoundExpression(ExpressionSyntax syntax)
{
    public ExpressionSyntax Syntax { get; } = syntax;

    public abstract DataType Type { get; }
}
