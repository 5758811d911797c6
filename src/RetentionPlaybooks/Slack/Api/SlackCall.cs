using System.Diagnostics.CodeAnalysis;

namespace RetentionPlaybooks.Slack.Api;

/// <summary>The classified result of one Slack Web API call: a value on success, otherwise why it failed and whether to retry.</summary>
internal sealed class SlackCall<T>
    where T : class
{
    private SlackCall(SlackCallOutcome outcome, T? value, string? error, int? httpStatus, TimeSpan? retryAfter)
    {
        Outcome = outcome;
        Value = value;
        Error = error;
        HttpStatus = httpStatus;
        RetryAfter = retryAfter;
    }

    public SlackCallOutcome Outcome { get; }

    /// <summary>The parsed answer; set exactly when <see cref="Outcome"/> is <see cref="SlackCallOutcome.Success"/>.</summary>
    public T? Value { get; }

    /// <summary>Slack's error code (channel_not_found, ratelimited...) or, for transport failures, a short description
    /// starting with a stable code (timeout, connection_failed, http_503, invalid_response).</summary>
    public string? Error { get; }

    /// <summary>The HTTP status of the answer; null when no answer arrived.</summary>
    public int? HttpStatus { get; }

    /// <summary>How long Slack asked us to wait; set when <see cref="Outcome"/> is <see cref="SlackCallOutcome.RateLimited"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsSuccess => Outcome == SlackCallOutcome.Success;

    public static SlackCall<T> Success(T value, int httpStatus) => new(SlackCallOutcome.Success, value, null, httpStatus, null);

    public static SlackCall<T> RateLimited(string error, int? httpStatus, TimeSpan retryAfter) =>
        new(SlackCallOutcome.RateLimited, null, error, httpStatus, retryAfter);

    public static SlackCall<T> Transient(string error, int? httpStatus) => new(SlackCallOutcome.Transient, null, error, httpStatus, null);

    public static SlackCall<T> Permanent(string error, int? httpStatus) => new(SlackCallOutcome.Permanent, null, error, httpStatus, null);

    public override string ToString() => Outcome switch
    {
        SlackCallOutcome.Success => $"Success ({Value})",
        SlackCallOutcome.RateLimited => $"RateLimited ({Error}, retry after {RetryAfter})",
        _ => $"{Outcome} ({Error}{(HttpStatus is { } s ? $", HTTP {s}" : "")})",
    };
}
