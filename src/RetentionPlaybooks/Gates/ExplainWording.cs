namespace RetentionPlaybooks.Gates;

/// <summary>How an explanation states what would make the expression true.</summary>
internal enum ExplainWording
{
    /// <summary>A gate or a route: "customer.ltv = 320, needs &gt;= 500".</summary>
    Gate,

    /// <summary>An exclusion, whose truth excludes: "customer.open_support_case = false (excluded when true)".</summary>
    Exclusion,
}
