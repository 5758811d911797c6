namespace RetentionPlaybooks.DataModel;

/// <summary>The kinds of value a playbook can read from Customer.io data or write as a literal.</summary>
internal enum TypeKind
{
    /// <summary>The type of an expression that already produced a diagnostic; absorbs follow-on errors.</summary>
    Error,
    String,
    Number,
    Money,
    Boolean,
    Timestamp,
    Duration,
    List,
    Object,
}
