using System.Globalization;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Gates.Binding;

namespace RetentionPlaybooks.Gates.Compiling;

/// <summary>
/// The slow path behind <c>playbooks explain</c>: walks the bound gate, evaluates each comparison with the
/// same closures as the fast path, and says which one decided the result and with what values. A
/// <c>not</c> is pushed down to the comparisons (De Morgan), so a reason always states what was needed.
/// </summary>
internal sealed class GateExplainer(string source, Record record, ExplainWording wording)
{
    private const int MaxListItemsShown = 5;

    public static GateExplanation Explain(BoundExpression gate, string source, Record record, ExplainWording wording = ExplainWording.Gate)
    {
        var (result, reason) = new GateExplainer(source, record, wording).Explain(gate, negated: false);
        return new GateExplanation(result, reason);
    }

    private (bool Result, string Reason) Explain(BoundExpression node, bool negated)
    {
        switch (node)
        {
            case BoundNotExpression not:
                return Explain(not.Operand, !negated);
            case BoundBinaryExpression { Operator.IsComparison: false } logical:
            {
                // "and" needs every side; so does a negated "or". The first side that decides is the reason.
                var needsAll = (logical.Operator.Kind == BoundBinaryOperatorKind.And) != negated;
                var left = Explain(logical.Left, negated);
                if (left.Result != needsAll) return left;
                var right = Explain(logical.Right, negated);
                if (right.Result != needsAll) return right;
                return (needsAll, $"{left.Reason}; {right.Reason}");
            }
            case BoundBinaryExpression comparison:
                return (Evaluate(comparison) != negated, ExplainComparison(comparison, negated));
            case BoundCallExpression { Function: BuiltinFunction.Exists } exists:
            {
                var present = Evaluate(exists);
                return (present != negated, $"{exists.Argument.Path} is {(present ? "present" : "missing")}");
            }
            case BoundLiteralExpression literal:
                return (literal.Value.AsBoolean != negated, $"{Text(literal)} is constant");
            default:
            {
                var value = GateEmitter.EmitValue(node)(record);
                var reason = value.IsMissing
                    ? $"{Text(node)} is missing"
                    : Needs($"{Text(node)} = {Format(value, node)}", negated ? "false" : "true");
                return (Evaluate(node) != negated, reason);
            }
        }
    }

    private bool Evaluate(BoundExpression node) => GateEmitter.EmitCondition(node)(record);

    private string ExplainComparison(BoundBinaryExpression node, bool negated)
    {
        var left = GateEmitter.EmitValue(node.Left)(record);
        if (left.IsMissing) return $"{Text(node.Left)} is missing";
        string rightText;
        if (node.Right is BoundLiteralExpression or BoundListExpression)
        {
            rightText = Text(node.Right);
        }
        else
        {
            var right = GateEmitter.EmitValue(node.Right)(record);
            if (right.IsMissing) return $"{Text(node.Right)} is missing";
            rightText = $"{Text(node.Right)} = {Format(right, node.Right)}";
        }
        var leftText = node.Left is BoundLiteralExpression ? Text(node.Left) : $"{Text(node.Left)} = {Format(left, node.Left)}";
        return Needs(leftText, $"{(negated ? Negate(node.Operator.Text) : node.Operator.Text)} {rightText}");
    }

    /// <summary>A fact and what would make the expression true, in the wording of a gate or an exclusion.</summary>
    private string Needs(string fact, string requirement) =>
        wording == ExplainWording.Exclusion ? $"{fact} (excluded when {requirement})" : $"{fact}, needs {requirement}";

    private static string Negate(string op) => op switch
    {
        "==" => "!=",
        "!=" => "==",
        "<" => ">=",
        "<=" => ">",
        ">" => "<=",
        ">=" => "<",
        _ => $"not {op}",
    };

    /// <summary>The gate text of a node; an operator inside an operand is parenthesised to keep it readable.</summary>
    private string Text(BoundExpression node)
    {
        var text = node.Syntax.TextIn(source);
        return node is BoundBinaryExpression or BoundNotExpression ? $"({text})" : text;
    }

    private string Format(Value value, BoundExpression node)
    {
        // Personal data stays out of explanations: they end up in terminals, CI logs and tickets.
        if (node is BoundFieldExpression { Field.Pii: { } pii }) return $"[redacted {pii}]";
        return Format(value);
    }

    private string Format(Value value) => value.Kind switch
    {
        TypeKind.String => $"\"{value.AsString}\"",
        TypeKind.Number => value.AsNumber.ToString("0.########", CultureInfo.InvariantCulture),
        TypeKind.Money => value.AsNumber == Math.Floor(value.AsNumber)
            ? value.AsNumber.ToString("0", CultureInfo.InvariantCulture)
            : value.AsNumber.ToString("0.00", CultureInfo.InvariantCulture),
        TypeKind.Timestamp => $"{value} ({Age(value.AsUnixSeconds)})",
        TypeKind.List => FormatList(value.AsList),
        _ => value.ToString(),
    };

    private string FormatList(Value[] items)
    {
        if (items.Length == 0) return "[]";
        if (items[0].Kind == TypeKind.Object) return items.Length == 1 ? "[1 item]" : $"[{items.Length} items]";
        var shown = items.Take(MaxListItemsShown).Select(Format);
        var more = items.Length > MaxListItemsShown ? $", ... {items.Length - MaxListItemsShown} more" : "";
        return $"[{string.Join(", ", shown)}{more}]";
    }

    private string Age(double unixSeconds)
    {
        var seconds = record.NowUnixSeconds - unixSeconds;
        var span = FormatAge(LargestUnit(Math.Abs(seconds)));
        return seconds >= 0 ? $"{span} ago" : $"in {span}";
    }

    private static string FormatAge(double seconds) => seconds switch
    {
        >= 86400 => $"{seconds / 86400:0}d",
        >= 3600 => $"{seconds / 3600:0}h",
        >= 60 => $"{seconds / 60:0}m",
        _ => $"{seconds:0}s",
    };

    /// <summary>Rounds down to the largest whole unit up to days, so an age reads "29d" rather than "2591999s" or "4w".</summary>
    private static double LargestUnit(double seconds)
    {
        foreach (var unit in (ReadOnlySpan<double>)[86400, 3600, 60])
        {
            if (seconds >= unit) return Math.Floor(seconds / unit) * unit;
        }
        return Math.Floor(seconds);
    }
}
