namespace RetentionPlaybooks.Gates.Binding;

/// <summary>The functions a gate can call.</summary>
internal enum BuiltinFunction
{
    /// <summary><c>exists(path)</c>: true when the value is present (not absent, null or "").</summary>
    Exists,

    /// <summary><c>count(path)</c>: the number of elements of a list; missing when the list is.</summary>
    Count,
}
