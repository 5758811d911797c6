namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>The kinds of token in a gate expression.</summary>
internal enum SyntaxKind
{
    EndOfFile,
    BadToken,

    /// <summary>A name or a dotted path such as <c>customer.address.city</c>.</summary>
    Identifier,
    Number,
    String,
    Duration,

    TrueKeyword,
    FalseKeyword,
    AndKeyword,
    OrKeyword,
    NotKeyword,
    InKeyword,
    ContainsKeyword,
    WithinKeyword,

    EqualsEquals,
    BangEquals,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Comma,
}
