namespace RetentionPlaybooks.Gates;

/// <summary>
/// Whether a gate passed for one record and why, naming the values that decided it, e.g.
/// <c>customer.ltv = 320, needs &gt;= 500</c> or <c>customer.last_refund_at is missing</c>.
/// </summary>
internal sealed record GateExplanation(bool Result, string Reason);
