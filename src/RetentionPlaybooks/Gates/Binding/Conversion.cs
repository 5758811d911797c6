using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary>
/// The one implicit conversion: a number literal becomes money when compared with money. Fields never
/// convert, so comparing a number field with a money field stays a type mismatch.
/// </summary>
internal static class Conversion
{
    /// <summary><paramref name="expression"/> as <paramref name="target"/>, or null when it does not convert.</summary>
    public static BoundExpression? Literal(BoundExpression expression, DataType target)
    {
        if (BoundBinaryOperator.SameType(expression.Type, target)) return expression;
        if (expression is BoundLiteralExpression { Type.Kind: TypeKind.Number } literal && target.Kind == TypeKind.Money)
        {
            return new BoundLiteralExpression(literal.Syntax, Value.Money(literal.Value.AsNumber), DataType.Money);
        }
        return null;
    }
}
