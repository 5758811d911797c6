namespace RetentionPlaybooks.Workspace;

/// <summary>
/// A channel's <c>digest:</c> — what happens past its daily budget, or in a burst: escalations roll into one digest message
/// per <see cref="Every"/> (one line each, every line still a case) instead of being held back. <see cref="AfterCount"/> in
/// <see cref="AfterWindow"/>: the burst — once that many messages went to the channel within the window, further
/// escalations roll in until the window holds fewer. Like Alertmanager's group_wait and group_interval.
/// </summary>
internal sealed record DigestPolicy(TimeSpan Every, int? AfterCount = null, TimeSpan? AfterWindow = null)
{
    /// <summary>The schema's pattern of <c>after</c>: "5 in 10m".</summary>
    public const string AfterPattern = "^[0-9]+ in [0-9]+(s|m|h|d|w)$";

    /// <summary>The shortest interval: a digest more often than once a minute is no digest.</summary>
    public static readonly TimeSpan MinEvery = TimeSpan.FromMinutes(1);

    /// <summary>The longest interval and burst window: a day, the budget's own window.</summary>
    public static readonly TimeSpan MaxEvery = TimeSpan.FromDays(1);

    /// <summary>Most lines in one digest message (a header, a context line, the lines and a closing line stay within Block
    /// Kit's 50 blocks); a fuller digest is closed and the next line opens another, due at the same time.</summary>
    public const int MaxLines = 40;

    /// <summary>"every 30m", "after 5 in 10m, every 30m".</summary>
    public override string ToString() =>
        (AfterCount is { } n && AfterWindow is { } w ? $"after {n} in {Evaluation.DurationSyntax.Format(w)}, " : "") + $"every {Evaluation.DurationSyntax.Format(Every)}";
}
