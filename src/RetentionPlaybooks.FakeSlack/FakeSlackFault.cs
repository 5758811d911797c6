namespace RetentionPlaybooks.FakeSlack;

/// <summary>A queued failure: applies to the next <see cref="Remaining"/> chat.postMessage requests (to <see cref="Channel"/> when set).</summary>
internal sealed class FakeSlackFault(FakeSlackFaultKind kind, int count, string? channel)
{
    public FakeSlackFaultKind Kind { get; } = kind;

    public string? Channel { get; } = channel;

    public int Remaining { get; set; } = count;

    public int HttpStatus { get; init; }

    public string? SlackError { get; init; }

    public TimeSpan Duration { get; init; }

    public bool Matches(string? channel) => Channel is null || string.Equals(Channel, channel, StringComparison.Ordinal);
}
