using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>
/// Parses a gate by precedence: or &lt; and &lt; not &lt; comparison (==, !=, &lt;, &lt;=, &gt;, &gt;=, in, contains,
/// within) &lt; primary. Only the first syntax error is reported: the rest would be echoes of it.
/// </summary>
internal sealed class Parser
{
    private const string ExpectedOperand = "expected a field, a value, a function call or \"(\"";
    private const string ExpectedContinuation = "expected \"and\", \"or\" or the end of the gate";

    private readonly List<SyntaxToken> _tokens;
    private readonly ScalarSourceMap _map;
    private readonly DiagnosticBag _diagnostics;
    private int _position;
    private int _nesting;
    private int _operators;

    public Parser(string text, ScalarSourceMap map, DiagnosticBag diagnostics)
    {
        var lexer = new Lexer(text, map, diagnostics);
        _tokens = lexer.LexAll();
        _map = map;
        _diagnostics = diagnostics;
        HasSyntaxErrors = lexer.HasSyntaxErrors;
    }

    /// <summary>True when the gate has a syntax error (RP0201) and must not be bound.</summary>
    public bool HasSyntaxErrors { get; private set; }

    private SyntaxToken Current => Peek(0);

    private SyntaxToken Peek(int offset) => _tokens[Math.Min(_position + offset, _tokens.Count - 1)];

    public ExpressionSyntax ParseGate()
    {
        var expression = ParseOr();
        if (Current.Kind != SyntaxKind.EndOfFile)
        {
            var hint = SyntaxFacts.IsComparison(Current.Kind)
                ? "comparisons cannot be chained; join them with \"and\""
                : ExpectedContinuation;
            ReportUnexpected(Current, hint);
        }
        return expression;
    }

    private SyntaxToken Next()
    {
        var current = Current;
        if (_position < _tokens.Count - 1) _position++;
        return current;
    }

    private SyntaxToken Match(SyntaxKind kind, string expected)
    {
        if (Current.Kind == kind) return Next();
        ReportUnexpected(Current, expected);
        // Fabricate the missing token so the tree stays whole; it is never bound.
        return new SyntaxToken(kind, Current.Start, "");
    }

    private void ReportUnexpected(SyntaxToken token, string expected)
    {
        if (HasSyntaxErrors) return;
        HasSyntaxErrors = true;
        var location = _map.Map(token.Start, token.Length);
        if (token.Kind == SyntaxKind.EndOfFile) _diagnostics.ReportUnexpectedEnd(location, expected);
        else _diagnostics.ReportUnexpectedToken(location, token.Text, expected);
    }

    private ExpressionSyntax ParseOr()
    {
        var left = ParseAnd();
        while (Current.Kind == SyntaxKind.OrKeyword)
        {
            if (TooManyOperators()) return left;
            var op = Next();
            left = new BinaryExpressionSyntax(left, op, ParseAnd());
        }
        return left;
    }

    private ExpressionSyntax ParseAnd()
    {
        var left = ParseNot();
        while (Current.Kind == SyntaxKind.AndKeyword)
        {
            if (TooManyOperators()) return left;
            var op = Next();
            left = new BinaryExpressionSyntax(left, op, ParseNot());
        }
        return left;
    }

    private ExpressionSyntax ParseNot()
    {
        if (Current.Kind == SyntaxKind.NotKeyword)
        {
            if (TooDeep()) return new ErrorExpressionSyntax(Current);
            var op = Next();
            _nesting++;
            var operand = ParseNot();
            _nesting--;
            return new UnaryExpressionSyntax(op, operand);
        }
        return ParseComparison();
    }

    private ExpressionSyntax ParseComparison()
    {
        var left = ParsePrimary();
        if (!SyntaxFacts.IsComparison(Current.Kind) || TooManyOperators()) return left;
        var op = Next();
        return new BinaryExpressionSyntax(left, op, ParsePrimary());
    }

    private ExpressionSyntax ParsePrimary()
    {
        if (Current.Kind is SyntaxKind.OpenParen or SyntaxKind.OpenBracket || (Current.Kind == SyntaxKind.Identifier && Peek(1).Kind == SyntaxKind.OpenParen))
        {
            if (TooDeep()) return new ErrorExpressionSyntax(Current);
            _nesting++;
            var nested = ParseNested();
            _nesting--;
            return nested;
        }
        switch (Current.Kind)
        {
            case SyntaxKind.Number:
            case SyntaxKind.String:
            case SyntaxKind.Duration:
            case SyntaxKind.TrueKeyword:
            case SyntaxKind.FalseKeyword:
                return new LiteralExpressionSyntax(Next());
            case SyntaxKind.Identifier:
                return new PathExpressionSyntax(Next());
            default:
            {
                var token = Current;
                ReportUnexpected(token, ExpectedOperand);
                // Consume the token (but never the end) so that parsing always moves forward.
                if (token.Kind != SyntaxKind.EndOfFile) Next();
                return new ErrorExpressionSyntax(token);
            }
        }
    }

    private ExpressionSyntax ParseNested()
    {
        if (Current.Kind == SyntaxKind.OpenBracket) return ParseList();
        if (Current.Kind == SyntaxKind.Identifier) return ParseCall();
        var open = Next();
        var expression = ParseOr();
        var close = Match(SyntaxKind.CloseParen, "expected \")\"");
        return new ParenthesizedExpressionSyntax(open, expression, close);
    }

    /// <summary>Past <see cref="GateLimits.MaxNesting"/>: reports once and skips to the end, so parsing unwinds at once.</summary>
    private bool TooDeep()
    {
        if (_nesting < GateLimits.MaxNesting) return false;
        Stop(location => _diagnostics.ReportGateTooDeep(location, GateLimits.MaxNesting));
        return true;
    }

    private bool TooManyOperators()
    {
        if (++_operators <= GateLimits.MaxOperators) return false;
        Stop(location => _diagnostics.ReportGateTooManyOperators(location, GateLimits.MaxOperators));
        return true;
    }

    private void Stop(Action<SourceLocation> report)
    {
        if (!HasSyntaxErrors) report(_map.Map(Current.Start, Current.Length));
        HasSyntaxErrors = true;
        _position = _tokens.Count - 1;
    }

    private ListExpressionSyntax ParseList()
    {
        var open = Next();
        var elements = ParseSeparated(SyntaxKind.CloseBracket);
        var close = Match(SyntaxKind.CloseBracket, "expected \",\" or \"]\"");
        return new ListExpressionSyntax(open, elements, close);
    }

    private CallExpressionSyntax ParseCall()
    {
        var name = Next();
        var open = Next();
        var arguments = ParseSeparated(SyntaxKind.CloseParen);
        var close = Match(SyntaxKind.CloseParen, "expected \",\" or \")\"");
        return new CallExpressionSyntax(name, open, arguments, close);
    }

    private List<ExpressionSyntax> ParseSeparated(SyntaxKind closing)
    {
        var items = new List<ExpressionSyntax>();
        if (Current.Kind == closing) return items;
        while (true)
        {
            items.Add(ParseOr());
            if (Current.Kind != SyntaxKind.Comma) return items;
            Next();
        }
    }
}
