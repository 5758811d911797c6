using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Gates.Syntax;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary>The values after <c>in</c>, each converted to the type of the left operand.</summary>
internal sealed class BoundListExpression(ExpressionSyntax syntax, IReadOnlyList<BoundExpression> elements, DataType elementType)
    : BoundExpression(syntax)
{
    public IReadOnlyList<BoundExpression> Elements { get; } = elements;

    public override DataType Type { get; } = DataType.ListOf(elementType);
}
