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
            var op = Next();
            left = new BinaryExpressionSyntax(left, op, ParseNot());
        }
        return left;
    }

    private ExpressionSyntax ParseNot()
    {
        if (Current.Kind == SyntaxKind.NotKeyword)
        {
            var op = Next();
            return new UnaryExpressionSyntax(op, ParseNot());
        }
        return ParseComparison();
    }

    private ExpressionSyntax ParseComparison()
    {
        var left = ParsePrimary();
        if (!SyntaxFacts.IsComparison(Current.Kind)) return left;
        var op = Next();
        return new BinaryExpressionSyntax(left, op, ParsePrimary());
    }

    private ExpressionSyntax ParsePrimary()
    {
        switch (Current.Kind)
        {
            case SyntaxKind.OpenParen:
            {
                var open = Next();
                var expression = ParseOr();
                var close = Match(SyntaxKind.CloseParen, "expected \")\"");
                return new ParenthesizedExpressionSyntax(open, expression, close);
            }
            case SyntaxKind.OpenBracket:
                return ParseList();
            case SyntaxKind.Number:
            case SyntaxKind.String:
            case SyntaxKind.Duration:
            case SyntaxKind.TrueKeyword:
            case SyntaxKind.FalseKeyword:
                return new LiteralExpressionSyntax(Next());
            case SyntaxKind.Identifier when Peek(1).Kind == SyntaxKind.OpenParen:
                return ParseCall();
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
