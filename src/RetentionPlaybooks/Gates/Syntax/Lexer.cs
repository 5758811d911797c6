using System.Globalization;
using System.Text;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>Splits a gate's text into tokens; malformed input is reported and lexing continues.</summary>
internal sealed class Lexer(string text, ScalarSourceMap map, DiagnosticBag diagnostics)
{
    private int _position;

    /// <summary>True once the lexer reported a syntax error (RP0201); bad durations (RP0207) do not count.</summary>
    public bool HasSyntaxErrors { get; private set; }

    private char Current => Peek(0);

    private char Peek(int offset) => _position + offset < text.Length ? text[_position + offset] : '\0';

    public List<SyntaxToken> LexAll()
    {
        var tokens = new List<SyntaxToken>();
        while (true)
        {
            var token = Lex();
            // Bad tokens were reported here; the parser never sees them, so one typo gives one error.
            if (token.Kind != SyntaxKind.BadToken) tokens.Add(token);
            if (token.Kind == SyntaxKind.EndOfFile) return tokens;
        }
    }

    private SyntaxToken Lex()
    {
        while (char.IsWhiteSpace(Current)) _position++;
        var start = _position;
        if (_position >= text.Length) return new SyntaxToken(SyntaxKind.EndOfFile, start, "");

        var c = Current;
        if (IsIdentifierStart(c)) return LexIdentifier(start);
        if (char.IsAsciiDigit(c) || (c == '-' && char.IsAsciiDigit(Peek(1)))) return LexNumberOrDuration(start);
        if (c is '"' or '\'') return LexString(start, c);

        switch (c)
        {
            case '=' when Peek(1) == '=': return Fixed(SyntaxKind.EqualsEquals, 2);
            case '!' when Peek(1) == '=': return Fixed(SyntaxKind.BangEquals, 2);
            case '<' when Peek(1) == '=': return Fixed(SyntaxKind.LessOrEquals, 2);
            case '>' when Peek(1) == '=': return Fixed(SyntaxKind.GreaterOrEquals, 2);
            case '<': return Fixed(SyntaxKind.Less, 1);
            case '>': return Fixed(SyntaxKind.Greater, 1);
            case '(': return Fixed(SyntaxKind.OpenParen, 1);
            case ')': return Fixed(SyntaxKind.CloseParen, 1);
            case '[': return Fixed(SyntaxKind.OpenBracket, 1);
            case ']': return Fixed(SyntaxKind.CloseBracket, 1);
            case ',': return Fixed(SyntaxKind.Comma, 1);
        }

        return LexBadCharacter(start);
    }

    private SyntaxToken Fixed(SyntaxKind kind, int length)
    {
        var token = new SyntaxToken(kind, _position, text.Substring(_position, length));
        _position += length;
        return token;
    }

    private SyntaxToken LexBadCharacter(int start)
    {
        // Common spellings from other languages get a pointed hint instead of a bare "unexpected".
        var pair = text.Substring(start, Math.Min(2, text.Length - start));
        var (length, hint) = pair switch
        {
            "&&" => (2, "use \"and\""),
            "||" => (2, "use \"or\""),
            _ => text[start] switch
            {
                '=' => (1, "use \"==\" to compare"),
                '!' => (1, "use \"not\" or \"!=\""),
                _ => (1, "expected a field, a value or an operator"),
            },
        };
        _position += length;
        var bad = text.Substring(start, length);
        diagnostics.ReportBadCharacter(map.Map(start, length), bad, hint);
        HasSyntaxErrors = true;
        return new SyntaxToken(SyntaxKind.BadToken, start, bad);
    }

    private SyntaxToken LexIdentifier(int start)
    {
        SkipIdentifierPart();
        // A dotted path is one token: the binder resolves its segments.
        while (Current == '.')
        {
            if (!IsIdentifierStart(Peek(1)))
            {
                var path = text[start.._position];
                _position++;
                diagnostics.ReportMissingPathSegment(map.Map(_position - 1, 1), path);
                HasSyntaxErrors = true;
                return new SyntaxToken(SyntaxKind.Identifier, start, path);
            }
            _position++;
            SkipIdentifierPart();
        }
        var name = text[start.._position];
        return new SyntaxToken(SyntaxFacts.KeywordKind(name), start, name);
    }

    private void SkipIdentifierPart()
    {
        while (IsIdentifierPart(Current)) _position++;
    }

    private SyntaxToken LexNumberOrDuration(int start)
    {
        if (Current == '-') _position++;
        while (char.IsAsciiDigit(Current)) _position++;
        if (Current == '.' && char.IsAsciiDigit(Peek(1)))
        {
            _position++;
            while (char.IsAsciiDigit(Current)) _position++;
        }
        if (IsIdentifierStart(Current))
        {
            // Letters glued to a number: a duration such as 30d, or a malformed one such as 30dd.
            SkipIdentifierPart();
            var literal = text[start.._position];
            if (DurationSyntax.TryParse(literal, out var duration)) return new SyntaxToken(SyntaxKind.Duration, start, literal, duration);
            diagnostics.ReportBadDuration(map.Map(start, literal.Length), literal);
            return new SyntaxToken(SyntaxKind.Duration, start, literal);
        }
        var number = text[start.._position];
        return new SyntaxToken(SyntaxKind.Number, start, number, double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    private SyntaxToken LexString(int start, char quote)
    {
        _position++;
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= text.Length || Current == '\n')
            {
                diagnostics.ReportUnterminatedString(map.Map(start, _position - start), text[start.._position], quote);
                HasSyntaxErrors = true;
                break;
            }
            var c = Current;
            if (c == quote)
            {
                _position++;
                break;
            }
            if (c == '\\')
            {
                var next = Peek(1);
                if (next is '"' or '\'' or '\\')
                {
                    value.Append(next);
                    _position += 2;
                    continue;
                }
                var escape = next == '\0' ? "\\" : $"\\{next}";
                diagnostics.ReportBadEscape(map.Map(_position, escape.Length), escape);
                HasSyntaxErrors = true;
                value.Append(escape);
                _position += escape.Length;
                continue;
            }
            value.Append(c);
            _position++;
        }
        return new SyntaxToken(SyntaxKind.String, start, text[start.._position], value.ToString());
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
