namespace RetentionPlaybooks.Evaluation;

/// <summary>
/// The values of one Customer.io signal, read once and indexed by field slot, so that every gate of every
/// playbook reads them with an array access instead of a JSON lookup.
/// </summary>
internal sealed class Record
{
    public Record(Value[] slots, DateTimeOffset now)
    {
        Slots = slots;
        Now = now;
        NowUnixSeconds = now.ToUnixTimeMilliseconds() / 1000.0;
    }

    public Value[] Slots { get; }

    /// <summary>The evaluation clock (from the injected <see cref="TimeProvider"/>), used by <c>within</c>.</summary>
    public DateTimeOffset Now { get; }

    public double NowUnixSeconds { get; }
}
