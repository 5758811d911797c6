namespace RetentionPlaybooks.Host.Tests;

/// <summary>A temporary copy of the shipped playbooks that a test may change (budgets, extra playbooks).</summary>
internal sealed class PlaybookCopy : IDisposable
{
    public PlaybookCopy()
    {
        Directory.CreateDirectory(Path);
        foreach (var file in Directory.GetFiles(RepoPaths.Playbooks, "*.yaml")) File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rp-pb-" + Guid.NewGuid().ToString("N"));

    public PlaybookCopy Replace(string file, string oldText, string newText)
    {
        var path = System.IO.Path.Combine(Path, file);
        var text = File.ReadAllText(path);
        if (!text.Contains(oldText, StringComparison.Ordinal)) throw new InvalidOperationException($"\"{oldText}\" not in {file}");
        File.WriteAllText(path, text.Replace(oldText, newText, StringComparison.Ordinal));
        return this;
    }

    public PlaybookCopy Write(string file, string text)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, file), text);
        return this;
    }

    /// <summary>The shipped playbooks plus one on an attribute change (none ships one): subscription_status active → paused.</summary>
    public static PlaybookCopy WithSubscriptionPaused() => new PlaybookCopy()
        .Write("subscription-paused.yaml", SubscriptionPaused)
        .Replace("workspace.yaml", "daily_budget: 30", "daily_budget: 40");

    public const string SubscriptionPaused = """
        # yaml-language-server: $schema=../schemas/playbook.schema.json
        description: A subscriber who pauses is one step from cancelling.
        trigger:
          attribute: subscription_status
          from: active
          to: paused
        gates:
          - customer.ltv >= 100
        route:
          - default: subscription-saves
        owner: retention-lead
        sla: 1d
        guardrails: { cooldown: 30d, daily_cap: 5 }
        pii: [name]
        message:
          title: "Subscription paused"
          fields:
            Subscriber: "{{ customer.first_name | default: 'Subscriber' }}"
          next_step: Call before the next renewal date.
          links:
            - label: Customer.io profile
              url: "{{ links.customerio_profile }}"
        """;

    /// <summary>Budgets and caps large enough for burst tests, so only pacing limits delivery.</summary>
    public static PlaybookCopy Unthrottled() => new PlaybookCopy()
        .Replace("workspace.yaml", "daily_budget: 25", "daily_budget: 1000")
        .Replace("vip-cart-abandonment.yaml", "daily_cap: 8", "daily_cap: 1000");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
