using RetentionPlaybooks.DataModel;

namespace RetentionPlaybooks.Evaluation;

/// <summary>Equality of two present values of the same type; a missing value equals nothing.</summary>
internal static class ValueComparer
{
    public static bool AreEqual(Value a, Value b)
    {
        if (a.IsMissing || b.IsMissing) return false;
        return a.Kind switch
        {
            TypeKind.String => b.Kind == TypeKind.String && string.Equals(a.AsString, b.AsString, StringComparison.Ordinal),
            TypeKind.Number or TypeKind.Money => b.Kind is TypeKind.Number or TypeKind.Money && a.AsNumber == b.AsNumber,
            TypeKind.Boolean or TypeKind.Timestamp or TypeKind.Duration => a.Kind == b.Kind && a.AsNumber == b.AsNumber,
            _ => false,
        };
    }
}
