using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Gates.Syntax;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary>An expression that already produced a diagnostic; its error type silences follow-on errors.</summary>
internal sealed class BoundErrorExpression(ExpressionSyntax syntax) : BoundExpression(syntax)
{
    public override DataType Type => DataType.Error;
}
