using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Workspace;

/// <summary>A Slack destination declared in workspace.yaml: a channel id or a user to message directly.</summary>
internal sealed record ChannelSymbol(
    string Name,
    string? SlackChannel,
    string? DmUser,
    string Purpose,
    int DailyBudget,
    IReadOnlySet<string> AllowedPii,
    SourceLocation Location,
    DigestPolicy? Digest = null)
{
    /// <summary>The id to pass as chat.postMessage's <c>channel</c>: the channel id, or the user id for a DM.</summary>
    public string SlackTarget => SlackChannel ?? DmUser ?? "";

    public bool IsDirectMessage => DmUser is not null;
}
