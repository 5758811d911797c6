using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Workspace;

/// <summary>A person who owns playbooks; the only one a message may mention.</summary>
internal sealed record OwnerSymbol(string Name, string SlackUser, string? DisplayName, SourceLocation Location)
{
    /// <summary>The Slack mention for this owner, <c>&lt;@U123&gt;</c>.</summary>
    public string Mention => $"<@{SlackUser}>";
}
