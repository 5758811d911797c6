using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Gates.Syntax;

namespace RetentionPlaybooks.Gates.Binding;

/// <summary>
/// A field read: a top-level field (with a record slot) when <see cref="Parent"/> is null, otherwise a
/// property of the object its parent reads, such as <c>city</c> in <c>customer.address.city</c>.
/// </summary>
internal sealed class BoundFieldExpression(ExpressionSyntax syntax, FieldSymbol field, BoundFieldExpression? parent, string path)
    : BoundExpression(syntax)
{
    public FieldSymbol Field { get; } = field;

    public BoundFieldExpression? Parent { get; } = parent;

    /// <summary>The path as written in the gate, up to this field.</summary>
    public string Path { get; } = path;

    public override DataType Type => Field.Type;
}
