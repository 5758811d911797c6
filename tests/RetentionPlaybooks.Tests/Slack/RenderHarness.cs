using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Slack;

namespace RetentionPlaybooks.Tests.Slack;

/// <summary>Renders a shipped playbook for a payload built from a sample with changes, as the host would.</summary>
internal static class RenderHarness
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 13, 42, 0, TimeSpan.Zero);

    private static readonly Lazy<CompilationResult> Shipped = new(() => PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks));

    public static CompilationResult Compilation => Shipped.Value;

    /// <summary>A copy of the shipped folder with <paramref name="change"/> made to it, compiled; it must compile without errors.</summary>
    public static CompilationResult CompileChanged(Action<Tests.Cli.TempPlaybooks> change)
    {
        using var dir = new Tests.Cli.TempPlaybooks();
        change(dir);
        var compilation = PlaybookCompiler.CompileDirectory(dir.Path);
        Xunit.Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation;
    }

    public static JsonObject Sample(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Playbooks, "samples", name)))!.AsObject();

    public static (SlackMessage Message, Decision Decision) Render(string playbookId, JsonObject payload, CompilationResult? compilation = null, string? channel = null)
    {
        compilation ??= Compilation;
        var playbook = compilation.Playbooks.Single(p => p.Id == playbookId);
        using var doc = JsonDocument.Parse(payload.ToJsonString());
        var input = TriggerInput.Parse(doc.RootElement.Clone(), out var error) ?? throw new InvalidOperationException(error);
        var record = new RecordReader(compilation.DataModel!).Read(input, Now);
        var decision = PlaybookEvaluator.Decide(playbook, record);
        var target = channel is null ? decision.Channel ?? playbook.Routes[^1].Channel : compilation.Workspace!.Channels[channel];
        return (new MessageRenderer(compilation.Workspace!, compilation.DataModel!).Render(playbook, target, input, record, Now), decision);
    }

    /// <summary>Every text in the message that Slack parses as mrkdwn (where mentions and links would fire), read from the body as sent.</summary>
    public static IEnumerable<string> MrkdwnTexts(SlackMessage message)
    {
        yield return message.Text;
        foreach (var node in JsonNode.Parse(message.Body.Span)!.DescendantObjects())
        {
            if (node["type"]?.GetValue<string>() == "mrkdwn") yield return node["text"]!.GetValue<string>();
        }
    }

    private static IEnumerable<JsonObject> DescendantObjects(this JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                yield return o;
                foreach (var (_, child) in o)
                {
                    if (child is null) continue;
                    foreach (var d in child.DescendantObjects()) yield return d;
                }
                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    if (child is null) continue;
                    foreach (var d in child.DescendantObjects()) yield return d;
                }
                break;
        }
    }
}
