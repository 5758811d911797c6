using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Gates.Syntax;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary>
/// The operator table: which binary operators are defined for which operand types. Numbers, money,
/// timestamps and durations are ordered; every scalar has == and !=; operands must have the same type
/// (the binder converts a number literal to money before asking).
/// </summary>
internal sealed class BoundBinaryOperator
{
    private BoundBinaryOperator(BoundBinaryOperatorKind kind, string text, DataType left, DataType right)
    {
        Kind = kind;
        Text = text;
        LeftType = left;
        RightType = right;
    }

    public BoundBinaryOperatorKind Kind { get; }

    /// <summary>The operator as written: <c>&gt;=</c>, <c>in</c>, <c>and</c>...</summary>
    public string Text { get; }

    public DataType LeftType { get; }

    public DataType RightType { get; }

    public DataType ResultType => DataType.Boolean;

    /// <summary>True for the operators that compare values (all but and/or).</summary>
    public bool IsComparison => Kind is not (BoundBinaryOperatorKind.And or BoundBinaryOperatorKind.Or);

    /// <summary>The operator for <paramref name="kind"/> applied to these operand types, or null when it is not defined.</summary>
    public static BoundBinaryOperator? Bind(SyntaxKind kind, string text, DataType left, DataType right)
    {
        var defined = kind switch
        {
            SyntaxKind.EqualsEquals or SyntaxKind.BangEquals => IsEquatable(left) && SameType(left, right),
            SyntaxKind.Less or SyntaxKind.LessOrEquals or SyntaxKind.Greater or SyntaxKind.GreaterOrEquals =>
                IsOrdered(left) && SameType(left, right),
            SyntaxKind.InKeyword => right.Kind == TypeKind.List && IsEquatable(left) && SameType(left, right.Element!),
            SyntaxKind.ContainsKeyword =>
                (left.Kind == TypeKind.String && right.Kind == TypeKind.String)
                || (left.Kind == TypeKind.List && IsEquatable(left.Element!) && SameType(left.Element!, right)),
            SyntaxKind.WithinKeyword => left.Kind == TypeKind.Timestamp && right.Kind == TypeKind.Duration,
            SyntaxKind.AndKeyword or SyntaxKind.OrKeyword => left.Kind == TypeKind.Boolean && right.Kind == TypeKind.Boolean,
            _ => false,
        };
        return defined ? new BoundBinaryOperator(KindOf(kind), text, left, right) : null;
    }

    /// <summary>Whether == and != (and so in and contains) are defined for values of this type.</summary>
    public static bool IsEquatable(DataType type) => type.Kind is TypeKind.String or TypeKind.Number or TypeKind.Money
        or TypeKind.Boolean or TypeKind.Timestamp or TypeKind.Duration;

    private static bool IsOrdered(DataType type) => type.Kind is TypeKind.Number or TypeKind.Money
        or TypeKind.Timestamp or TypeKind.Duration;

    public static bool SameType(DataType a, DataType b) =>
        ReferenceEquals(a, b) || (a.Kind == TypeKind.List && b.Kind == TypeKind.List && SameType(a.Element!, b.Element!));

    private static BoundBinaryOperatorKind KindOf(SyntaxKind kind) => kind switch
    {
        SyntaxKind.EqualsEquals => BoundBinaryOperatorKind.Equals,
        SyntaxKind.BangEquals => BoundBinaryOperatorKind.NotEquals,
        SyntaxKind.Less => BoundBinaryOperatorKind.Less,
        SyntaxKind.LessOrEquals => BoundBinaryOperatorKind.LessOrEquals,
        SyntaxKind.Greater => BoundBinaryOperatorKind.Greater,
        SyntaxKind.GreaterOrEquals => BoundBinaryOperatorKind.GreaterOrEquals,
        SyntaxKind.InKeyword => BoundBinaryOperatorKind.In,
        SyntaxKind.ContainsKeyword => BoundBinaryOperatorKind.Contains,
        SyntaxKind.WithinKeyword => BoundBinaryOperatorKind.Within,
        SyntaxKind.AndKeyword => BoundBinaryOperatorKind.And,
        SyntaxKind.OrKeyword => BoundBinaryOperatorKind.Or,
        _ => throw new System.Diagnostics.UnreachableException($"the parser produced binary operator {kind}"),
    };
}
