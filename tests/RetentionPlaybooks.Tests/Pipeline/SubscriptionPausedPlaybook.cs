using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Tests.Cli;

namespace RetentionPlaybooks.Tests.Pipeline;

/// <summary>An attribute-change playbook (none ships) beside the shipped ones, for the pipeline and tracker tests.</summary>
internal static class SubscriptionPausedPlaybook
{
    public const string FileName = "subscription-paused.yaml";

    public const string Yaml = """
        description: A subscriber who pauses is one step from cancelling.
        trigger:
          attribute: subscription_status
          from: active
          to: paused
        route:
          - default: subscription-saves
        owner: retention-lead
        sla: 1d
        guardrails: { cooldown: 30d }
        pii: [name]
        message:
          title: "Subscription paused"
          next_step: Call before the next renewal date.
          links:
            - label: Customer.io profile
              url: "{{ links.customerio_profile }}"
        """;

    /// <summary>Writes the playbook into <paramref name="dir"/>.</summary>
    public static void WriteTo(TempPlaybooks dir) => File.WriteAllText(dir.FilePath(FileName), Yaml);

    /// <summary>The shipped playbooks with this one added, compiled.</summary>
    public static CompilationResult Compile()
    {
        using var dir = new TempPlaybooks();
        WriteTo(dir);
        return PlaybookCompiler.CompileDirectory(dir.Path);
    }
}
