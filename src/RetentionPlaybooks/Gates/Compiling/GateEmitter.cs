using System.Diagnostics;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Gates.Binding;

namespace RetentionPlaybooks.Gates.Compiling;

/// <summary>
/// Turns a bound gate into a tree of closures, built once per gate. Evaluating it reads record slots and
/// compares doubles or strings: no text is looked at again and nothing is allocated for top-level fields.
/// A missing operand makes every comparison false, != included.
/// </summary>
internal static class GateEmitter
{
    private static readonly Func<Record, bool> AlwaysTrue = static _ => true;
    private static readonly Func<Record, bool> AlwaysFalse = static _ => false;

    /// <summary>A boolean expression as a condition: true only when it evaluates to a present true.</summary>
    public static Func<Record, bool> EmitCondition(BoundExpression node)
    {
        switch (node)
        {
            case BoundLiteralExpression literal:
                return literal.Value.AsBoolean ? AlwaysTrue : AlwaysFalse;
            case BoundFieldExpression { Parent: null } field:
            {
                var slot = field.Field.Slot;
                return r => r.Slots[slot].Kind == TypeKind.Boolean && r.Slots[slot].AsBoolean;
            }
            case BoundFieldExpression field:
            {
                var value = EmitValue(field);
                return r =>
                {
                    var v = value(r);
                    return v.Kind == TypeKind.Boolean && v.AsBoolean;
                };
            }
            case BoundNotExpression not:
            {
                var operand = EmitCondition(not.Operand);
                return r => !operand(r);
            }
            case BoundBinaryExpression { Operator.Kind: BoundBinaryOperatorKind.And } and:
            {
                var left = EmitCondition(and.Left);
                var right = EmitCondition(and.Right);
                return r => left(r) && right(r);
            }
            case BoundBinaryExpression { Operator.Kind: BoundBinaryOperatorKind.Or } or:
            {
                var left = EmitCondition(or.Left);
                var right = EmitCondition(or.Right);
                return r => left(r) || right(r);
            }
            case BoundBinaryExpression comparison:
                return EmitComparison(comparison);
            case BoundCallExpression { Function: BuiltinFunction.Exists, Argument.Parent: null } exists:
            {
                var slot = exists.Argument.Field.Slot;
                return r => !r.Slots[slot].IsMissing;
            }
            case BoundCallExpression { Function: BuiltinFunction.Exists } exists:
            {
                var value = EmitValue(exists.Argument);
                return r => !value(r).IsMissing;
            }
            default:
                throw new UnreachableException($"the binder typed {node.GetType().Name} ({node.Type}) as boolean");
        }
    }

    /// <summary>Any expression as a value; missing when a field it reads is missing.</summary>
    public static Func<Record, Value> EmitValue(BoundExpression node)
    {
        switch (node)
        {
            case BoundLiteralExpression literal:
            {
                var value = literal.Value;
                return _ => value;
            }
            case BoundFieldExpression { Parent: null } field:
            {
                var slot = field.Field.Slot;
                if (slot < 0) throw new UnreachableException($"the data model gives every top-level field a slot, but {field.Field.Path} has none");
                return r => r.Slots[slot];
            }
            case BoundFieldExpression field:
            {
                var parent = EmitValue(field.Parent);
                var symbol = field.Field;
                return r => RecordReader.ReadProperty(parent(r), symbol);
            }
            case BoundCallExpression { Function: BuiltinFunction.Count } count:
            {
                var list = EmitValue(count.Argument);
                return r =>
                {
                    var v = list(r);
                    return v.Kind == TypeKind.List ? Value.Number(v.AsList.Length) : Value.Missing;
                };
            }
            case BoundListExpression:
                throw new UnreachableException("the binder only allows a list after \"in\", which is emitted as a whole");
            default:
            {
                // Comparisons, not/and/or and exists are never missing: they are a condition's outcome.
                var condition = EmitCondition(node);
                return r => Value.Boolean(condition(r));
            }
        }
    }

    private static Func<Record, bool> EmitComparison(BoundBinaryExpression node)
    {
        var kind = node.Operator.Kind;
        var left = node.Left;
        var right = node.Right;
        switch (kind)
        {
            case BoundBinaryOperatorKind.Within:
                return EmitWithin(left, right);
            case BoundBinaryOperatorKind.Contains:
                return EmitContains(left, right);
            case BoundBinaryOperatorKind.In:
                return EmitIn(left, right);
        }

        // Put a constant on the right so the common "field op constant" shape gets the fast closures.
        if (left is BoundLiteralExpression && right is not BoundLiteralExpression)
        {
            (left, right) = (right, left);
            kind = Mirror(kind);
        }
        if (left.Type.Kind == TypeKind.String) return EmitStringEquality(left, right, kind == BoundBinaryOperatorKind.Equals);

        if (right is BoundLiteralExpression { Value: var constant })
        {
            var c = constant.AsNumber;
            if (left is BoundFieldExpression { Parent: null } field) return SlotVersusConstant(field.Field.Slot, kind, c);
            var value = EmitValue(left);
            return kind switch
            {
                BoundBinaryOperatorKind.Equals => r => value(r) is { IsMissing: false } v && v.AsNumber == c,
                BoundBinaryOperatorKind.NotEquals => r => value(r) is { IsMissing: false } v && v.AsNumber != c,
                BoundBinaryOperatorKind.Less => r => value(r) is { IsMissing: false } v && v.AsNumber < c,
                BoundBinaryOperatorKind.LessOrEquals => r => value(r) is { IsMissing: false } v && v.AsNumber <= c,
                BoundBinaryOperatorKind.Greater => r => value(r) is { IsMissing: false } v && v.AsNumber > c,
                BoundBinaryOperatorKind.GreaterOrEquals => r => value(r) is { IsMissing: false } v && v.AsNumber >= c,
                _ => throw Unexpected(kind),
            };
        }

        var leftValue = EmitValue(left);
        var rightValue = EmitValue(right);
        return r =>
        {
            var a = leftValue(r);
            if (a.IsMissing) return false;
            var b = rightValue(r);
            return !b.IsMissing && CompareNumbers(kind, a.AsNumber, b.AsNumber);
        };
    }

    private static Func<Record, bool> SlotVersusConstant(int slot, BoundBinaryOperatorKind kind, double c) => kind switch
    {
        // Every type but string keeps its value in the number field (booleans as 0/1), so one compare serves all.
        BoundBinaryOperatorKind.Equals => r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsNumber == c,
        BoundBinaryOperatorKind.NotEquals => r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsNumber != c,
        BoundBinaryOperatorKind.Less => r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsNumber < c,
        BoundBinaryOperatorKind.LessOrEquals => r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsNumber <= c,
        BoundBinaryOperatorKind.Greater => r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsNumber > c,
        BoundBinaryOperatorKind.GreaterOrEquals => r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsNumber >= c,
        _ => throw Unexpected(kind),
    };

    private static Func<Record, bool> EmitStringEquality(BoundExpression left, BoundExpression right, bool equal)
    {
        var leftValue = EmitValue(left);
        if (right is BoundLiteralExpression { Value: var constant })
        {
            var c = constant.AsString;
            return equal
                ? r => leftValue(r) is { IsMissing: false } v && string.Equals(v.AsString, c, StringComparison.Ordinal)
                : r => leftValue(r) is { IsMissing: false } v && !string.Equals(v.AsString, c, StringComparison.Ordinal);
        }
        var rightValue = EmitValue(right);
        return r =>
        {
            var a = leftValue(r);
            if (a.IsMissing) return false;
            var b = rightValue(r);
            return !b.IsMissing && string.Equals(a.AsString, b.AsString, StringComparison.Ordinal) == equal;
        };
    }

    private static Func<Record, bool> EmitWithin(BoundExpression timestamp, BoundExpression duration)
    {
        // Within d means "in the last d": at or after now - d, by the record's injected clock.
        if (duration is BoundLiteralExpression { Value: var span })
        {
            var seconds = span.AsNumber;
            if (timestamp is BoundFieldExpression { Parent: null } field)
            {
                var slot = field.Field.Slot;
                return r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsUnixSeconds >= r.NowUnixSeconds - seconds;
            }
            var value = EmitValue(timestamp);
            return r => value(r) is { IsMissing: false } v && v.AsUnixSeconds >= r.NowUnixSeconds - seconds;
        }
        var left = EmitValue(timestamp);
        var right = EmitValue(duration);
        return r =>
        {
            var a = left(r);
            if (a.IsMissing) return false;
            var d = right(r);
            return !d.IsMissing && a.AsUnixSeconds >= r.NowUnixSeconds - d.AsNumber;
        };
    }

    private static Func<Record, bool> EmitContains(BoundExpression container, BoundExpression item)
    {
        var left = EmitValue(container);
        var right = EmitValue(item);
        if (container.Type.Kind == TypeKind.String)
        {
            return r =>
            {
                var a = left(r);
                if (a.IsMissing) return false;
                var b = right(r);
                return !b.IsMissing && a.AsString.Contains(b.AsString, StringComparison.Ordinal);
            };
        }
        return r =>
        {
            var a = left(r);
            if (a.IsMissing) return false;
            var b = right(r);
            return !b.IsMissing && ListContains(a.AsList, b);
        };
    }

    private static Func<Record, bool> EmitIn(BoundExpression item, BoundExpression list)
    {
        var left = EmitValue(item);
        if (list is BoundListExpression { Elements: var elements } && elements.All(e => e is BoundLiteralExpression))
        {
            var constants = elements.Select(e => ((BoundLiteralExpression)e).Value).ToArray();
            if (item.Type.Kind == TypeKind.String)
            {
                var strings = constants.Select(c => c.AsString).ToArray();
                return r => left(r) is { IsMissing: false } v && Array.IndexOf(strings, v.AsString) >= 0;
            }
            var numbers = constants.Select(c => c.AsNumber).ToArray();
            return r => left(r) is { IsMissing: false } v && Array.IndexOf(numbers, v.AsNumber) >= 0;
        }
        if (list is BoundListExpression listExpression)
        {
            var values = listExpression.Elements.Select(EmitValue).ToArray();
            return r =>
            {
                var a = left(r);
                if (a.IsMissing) return false;
                foreach (var value in values)
                {
                    var b = value(r);
                    if (!b.IsMissing && ValuesEqual(a, b)) return true;
                }
                return false;
            };
        }
        var right = EmitValue(list);
        return r =>
        {
            var a = left(r);
            if (a.IsMissing) return false;
            var b = right(r);
            return !b.IsMissing && ListContains(b.AsList, a);
        };
    }

    private static bool ListContains(Value[] items, Value item)
    {
        foreach (var element in items)
        {
            if (!element.IsMissing && ValuesEqual(element, item)) return true;
        }
        return false;
    }

    /// <summary>Equality of two present values of one type (the binder guarantees the type).</summary>
    private static bool ValuesEqual(Value a, Value b) =>
        a.Kind == TypeKind.String ? string.Equals(a.AsString, b.AsString, StringComparison.Ordinal) : a.AsNumber == b.AsNumber;

    private static bool CompareNumbers(BoundBinaryOperatorKind kind, double a, double b) => kind switch
    {
        BoundBinaryOperatorKind.Equals => a == b,
        BoundBinaryOperatorKind.NotEquals => a != b,
        BoundBinaryOperatorKind.Less => a < b,
        BoundBinaryOperatorKind.LessOrEquals => a <= b,
        BoundBinaryOperatorKind.Greater => a > b,
        BoundBinaryOperatorKind.GreaterOrEquals => a >= b,
        _ => throw Unexpected(kind),
    };

    /// <summary>The operator that gives the same answer with its operands swapped.</summary>
    private static BoundBinaryOperatorKind Mirror(BoundBinaryOperatorKind kind) => kind switch
    {
        BoundBinaryOperatorKind.Less => BoundBinaryOperatorKind.Greater,
        BoundBinaryOperatorKind.LessOrEquals => BoundBinaryOperatorKind.GreaterOrEquals,
        BoundBinaryOperatorKind.Greater => BoundBinaryOperatorKind.Less,
        BoundBinaryOperatorKind.GreaterOrEquals => BoundBinaryOperatorKind.LessOrEquals,
        _ => kind,
    };

    private static UnreachableException Unexpected(BoundBinaryOperatorKind kind) =>
        new($"the operator table defines {kind} only for the operand types handled here");
}
