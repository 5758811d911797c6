using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Gates.Syntax;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary><c>exists(path)</c> or <c>count(path)</c>.</summary>
internal sealed class BoundCallExpression(ExpressionSyntax syntax, BuiltinFunction function, BoundFieldExpression argument)
    : BoundExpression(syntax)
{
    public BuiltinFunction Function { get; } = function;

    public BoundFieldExpression Argument { get; } = argument;

    public override DataType Type => Function == BuiltinFunction.Exists ? DataType.Boolean : DataType.Number;
}
