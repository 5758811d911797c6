using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Gates.Syntax;

namespace RetentionPlaybooks.Gates.Binding;

internal sealed class BoundBinaryExpression(ExpressionSyntax syntax, BoundExpression left, BoundBinaryOperator op, BoundExpression right)
    : BoundExpression(syntax)
{
    public BoundExpression Left { get; } = left;

    public BoundBinaryOperator Operator { get; } = op;

    public BoundExpression Right { get; } = right;

    public override DataType Type => Operator.ResultType;
}
