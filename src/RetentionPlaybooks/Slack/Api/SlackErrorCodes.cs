using System.Collections.Frozen;

namespace RetentionPlaybooks.Slack.Api;

/// <summary>How Slack's ok:false error codes are classified (DOMAIN.md, Slack): a few are worth retrying, everything else is permanent.</summary>
internal static class SlackErrorCodes
{
    public const string RateLimited = "ratelimited";

    /// <summary>Errors Slack documents as temporary on its side.</summary>
    public static readonly FrozenSet<string> Transient = FrozenSet.ToFrozenSet(
        ["internal_error", "fatal_error", "request_timeout", "service_unavailable"],
        StringComparer.Ordinal);

    public static SlackCallOutcome Classify(string error) =>
        error == RateLimited ? SlackCallOutcome.RateLimited
        : Transient.Contains(error) ? SlackCallOutcome.Transient
        : SlackCallOutcome.Permanent;
}
