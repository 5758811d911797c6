using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Workspace;

/// <summary>A person who owns playbooks; the only one a message may mention.</summary>
/// <remarks>How the owner is mentioned in a message is Slack formatting, made in the lowering step (<see cref="Slack.RenderPlan"/>).</remarks>
internal sealed record OwnerSymbol(string Name, string SlackUser, string? DisplayName, SourceLocation Location);
