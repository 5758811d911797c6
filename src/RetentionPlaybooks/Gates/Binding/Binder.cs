using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Gates.Syntax;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary>
/// Resolves paths against a <see cref="GateScope"/>, types every node and checks operators against
/// <see cref="BoundBinaryOperator"/>. An operand that failed binds to the error type and reports nothing more.
/// </summary>
internal sealed class Binder(string source, ScalarSourceMap map, GateScope scope, DiagnosticBag diagnostics)
{
    private static readonly IReadOnlyDictionary<string, BuiltinFunction> Functions = new Dictionary<string, BuiltinFunction>(StringComparer.Ordinal)
    {
        ["exists"] = BuiltinFunction.Exists,
        ["count"] = BuiltinFunction.Count,
    };

    public BoundExpression BindGate(ExpressionSyntax syntax)
    {
        var bound = BindExpression(syntax);
        if (bound.Type.Kind is not (TypeKind.Boolean or TypeKind.Error))
        {
            diagnostics.ReportGateNotBoolean(Locate(syntax), syntax.TextIn(source), bound.Type);
            return new BoundErrorExpression(syntax);
        }
        return bound;
    }

    private SourceLocation Locate(ExpressionSyntax syntax) => map.Map(syntax.Start, syntax.Length);

    private SourceLocation Locate(SyntaxToken token) => map.Map(token.Start, token.Length);

    private BoundExpression BindExpression(ExpressionSyntax syntax) => syntax switch
    {
        LiteralExpressionSyntax literal => BindLiteral(literal),
        PathExpressionSyntax path => BindPath(path),
        ParenthesizedExpressionSyntax parenthesized => BindExpression(parenthesized.Expression),
        UnaryExpressionSyntax unary => BindNot(unary),
        BinaryExpressionSyntax binary => BindBinary(binary),
        CallExpressionSyntax call => BindCall(call),
        ListExpressionSyntax list => BindListOutsideIn(list),
        _ => throw new System.Diagnostics.UnreachableException($"the parser reported {syntax.GetType().Name} and the gate was not bound"),
    };

    private static BoundExpression BindLiteral(LiteralExpressionSyntax syntax)
    {
        var token = syntax.Token;
        return token.Kind switch
        {
            SyntaxKind.Number => new BoundLiteralExpression(syntax, Value.Number((double)token.Value!), DataType.Number),
            SyntaxKind.String => new BoundLiteralExpression(syntax, Value.String((string)token.Value!), DataType.String),
            SyntaxKind.TrueKeyword => new BoundLiteralExpression(syntax, Value.Boolean(true), DataType.Boolean),
            SyntaxKind.FalseKeyword => new BoundLiteralExpression(syntax, Value.Boolean(false), DataType.Boolean),
            // A malformed duration was reported by the lexer (RP0207).
            SyntaxKind.Duration when token.Value is TimeSpan span => new BoundLiteralExpression(syntax, Value.Duration(span), DataType.Duration),
            SyntaxKind.Duration => new BoundErrorExpression(syntax),
            _ => throw new System.Diagnostics.UnreachableException($"the parser made a literal of {token.Kind}"),
        };
    }

    private BoundExpression BindPath(PathExpressionSyntax syntax)
    {
        var token = syntax.Token;
        var segments = token.Text.Split('.');
        var root = segments[0];
        if (!scope.Roots.TryGetValue(root, out var fields))
        {
            if (scope.UnavailableRoots.TryGetValue(root, out var reason))
            {
                diagnostics.ReportRootUnavailable(Locate(token), token.Text, reason);
                return new BoundErrorExpression(syntax);
            }
            diagnostics.ReportUnknownField(map.Map(token.Start, root.Length), token.Text, SuggestForUnknownRoot(segments));
            return new BoundErrorExpression(syntax);
        }
        if (segments.Length == 1)
        {
            var example = fields.Values.FirstOrDefault()?.Name;
            diagnostics.ReportRootIsNotAField(Locate(token), root, example is null ? null : $"{root}.{example}");
            return new BoundErrorExpression(syntax);
        }

        BoundFieldExpression? current = null;
        var properties = fields;
        var offset = token.Start + root.Length + 1;
        var path = root;
        for (var i = 1; i < segments.Length; i++)
        {
            var name = segments[i];
            var parentPath = path;
            path = $"{path}.{name}";
            if (current is not null && current.Type.Kind != TypeKind.Object)
            {
                diagnostics.ReportFieldOfNonObject(map.Map(offset, name.Length), path, parentPath, current.Type);
                return new BoundErrorExpression(syntax);
            }
            if (!properties.TryGetValue(name, out var field))
            {
                var suggestion = Suggestions.Closest(name, properties.Keys);
                diagnostics.ReportUnknownField(map.Map(offset, name.Length), path, suggestion is null ? null : $"{parentPath}.{suggestion}");
                return new BoundErrorExpression(syntax);
            }
            current = new BoundFieldExpression(syntax, field, current, path);
            properties = field.Type.Properties;
            offset += name.Length + 1;
        }
        return current!;
    }

    private string? SuggestForUnknownRoot(string[] segments)
    {
        if (segments.Length == 1)
        {
            // A bare field name such as "vip": point at the root that has it.
            foreach (var (rootName, fields) in scope.Roots)
            {
                if (fields.ContainsKey(segments[0])) return $"{rootName}.{segments[0]}";
            }
        }
        var root = Suggestions.Closest(segments[0], scope.AllRootNames);
        return root is null ? null : string.Join('.', segments.Skip(1).Prepend(root));
    }

    private BoundExpression BindNot(UnaryExpressionSyntax syntax)
    {
        var operand = BindExpression(syntax.Operand);
        if (operand.Type.Kind == TypeKind.Error) return new BoundErrorExpression(syntax);
        if (operand.Type.Kind != TypeKind.Boolean)
        {
            diagnostics.ReportUndefinedUnaryOperator(Locate(syntax.OperatorToken), syntax.OperatorToken.Text, operand.Type);
            return new BoundErrorExpression(syntax);
        }
        return new BoundNotExpression(syntax, operand);
    }

    private BoundExpression BindBinary(BinaryExpressionSyntax syntax)
    {
        var opToken = syntax.OperatorToken;
        var left = BindExpression(syntax.Left);
        if (opToken.Kind == SyntaxKind.InKeyword && syntax.Right is ListExpressionSyntax list)
        {
            return BindInList(syntax, left, list);
        }
        var right = BindExpression(syntax.Right);
        if (left.Type.Kind == TypeKind.Error || right.Type.Kind == TypeKind.Error) return new BoundErrorExpression(syntax);

        var op = BoundBinaryOperator.Bind(opToken.Kind, opToken.Text, left.Type, right.Type);
        if (op is null)
        {
            // A number literal takes the type of the money it is compared with: event.cart_value >= 150.
            var target = left.Type.Kind == TypeKind.List ? left.Type.Element! : left.Type;
            if (Conversion.Literal(right, target) is { } convertedRight
                && BoundBinaryOperator.Bind(opToken.Kind, opToken.Text, left.Type, convertedRight.Type) is { } rightConverted)
            {
                (op, right) = (rightConverted, convertedRight);
            }
            else if (Conversion.Literal(left, right.Type) is { } convertedLeft
                && BoundBinaryOperator.Bind(opToken.Kind, opToken.Text, convertedLeft.Type, right.Type) is { } leftConverted)
            {
                (op, left) = (leftConverted, convertedLeft);
            }
        }
        if (op is null)
        {
            diagnostics.ReportUndefinedBinaryOperator(Locate(opToken), opToken.Text, left.Type, right.Type);
            return new BoundErrorExpression(syntax);
        }
        return new BoundBinaryExpression(syntax, left, op, right);
    }

    private BoundExpression BindInList(BinaryExpressionSyntax syntax, BoundExpression left, ListExpressionSyntax list)
    {
        var opToken = syntax.OperatorToken;
        var elements = list.Elements.Select(BindExpression).ToList();
        if (left.Type.Kind == TypeKind.Error || elements.Exists(e => e.Type.Kind == TypeKind.Error)) return new BoundErrorExpression(syntax);
        if (!BoundBinaryOperator.IsEquatable(left.Type))
        {
            var shown = elements.Count > 0 ? elements[0].Type : left.Type;
            diagnostics.ReportUndefinedBinaryOperator(Locate(opToken), opToken.Text, left.Type, DataType.ListOf(shown));
            return new BoundErrorExpression(syntax);
        }
        for (var i = 0; i < elements.Count; i++)
        {
            var converted = Conversion.Literal(elements[i], left.Type);
            if (converted is null)
            {
                diagnostics.ReportUndefinedBinaryOperator(Locate(list.Elements[i]), opToken.Text, left.Type, elements[i].Type);
                return new BoundErrorExpression(syntax);
            }
            elements[i] = converted;
        }
        var boundList = new BoundListExpression(list, elements, left.Type);
        var op = BoundBinaryOperator.Bind(opToken.Kind, opToken.Text, left.Type, boundList.Type)
            ?? throw new System.Diagnostics.UnreachableException("the operator table defines in for every equatable type");
        return new BoundBinaryExpression(syntax, left, op, boundList);
    }

    private BoundExpression BindListOutsideIn(ListExpressionSyntax syntax)
    {
        diagnostics.ReportListNotAllowed(Locate(syntax));
        return new BoundErrorExpression(syntax);
    }

    private BoundExpression BindCall(CallExpressionSyntax syntax)
    {
        var name = syntax.Name.Text;
        if (!Functions.TryGetValue(name, out var function))
        {
            diagnostics.ReportUnknownFunction(Locate(syntax.Name), name, Suggestions.Closest(name, Functions.Keys));
            return new BoundErrorExpression(syntax);
        }
        if (syntax.Arguments.Count != 1)
        {
            diagnostics.ReportWrongArgumentCount(Locate(syntax), name, syntax.Arguments.Count);
            return new BoundErrorExpression(syntax);
        }
        var argumentSyntax = syntax.Arguments[0];
        if (argumentSyntax is not PathExpressionSyntax path)
        {
            diagnostics.ReportArgumentNotAField(Locate(argumentSyntax), name, argumentSyntax.TextIn(source));
            return new BoundErrorExpression(syntax);
        }
        var argument = BindPath(path);
        if (argument is not BoundFieldExpression field) return new BoundErrorExpression(syntax);
        if (function == BuiltinFunction.Count && field.Type.Kind != TypeKind.List)
        {
            diagnostics.ReportArgumentNotAList(Locate(argumentSyntax), name, field.Path, field.Type);
            return new BoundErrorExpression(syntax);
        }
        return new BoundCallExpression(syntax, function, field);
    }
}
