namespace RetentionPlaybooks.Gates.Syntax;

/// <summary>Keywords, operator spellings and the binary operators' place in the grammar.</summary>
internal static class SyntaxFacts
{
    public static SyntaxKind KeywordKind(string text) => text switch
    {
        "true" => SyntaxKind.TrueKeyword,
        "false" => SyntaxKind.FalseKeyword,
        "and" => SyntaxKind.AndKeyword,
        "or" => SyntaxKind.OrKeyword,
        "not" => SyntaxKind.NotKeyword,
        "in" => SyntaxKind.InKeyword,
        "contains" => SyntaxKind.ContainsKeyword,
        "within" => SyntaxKind.WithinKeyword,
        _ => SyntaxKind.Identifier,
    };

    /// <summary>Operators that compare two operands; they bind tighter than not/and/or and do not chain.</summary>
    public static bool IsComparison(SyntaxKind kind) => kind is SyntaxKind.EqualsEquals or SyntaxKind.BangEquals
        or SyntaxKind.Less or SyntaxKind.LessOrEquals or SyntaxKind.Greater or SyntaxKind.GreaterOrEquals
        or SyntaxKind.InKeyword or SyntaxKind.ContainsKeyword or SyntaxKind.WithinKeyword;
}
