using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Gates.Syntax;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary><c>not</c> of a boolean operand; the only unary operator.</summary>
internal sealed class BoundNotExpression(ExpressionSyntax syntax, BoundExpression operand) : BoundExpression(syntax)
{
    public BoundExpression Operand { get; } = operand;

    public override DataType Type => DataType.Boolean;
}
