namespace RetentionPlaybooks.Slack.Api;

/// <summary>Where Slack put a message: keep both, they are how it is later updated or threaded.
/// For a DM addressed to a user id, <paramref name="Channel"/> is the DM's own D... id.</summary>
internal sealed record PostedMessage(string Channel, string Ts);
