using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Loading;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using YamlDotNet.RepresentationModel;

namespace RetentionPlaybooks.Fixtures;

/// <summary>
/// Runs the playbooks' own test cases (<c>&lt;id&gt;.tests.yaml</c> beside each playbook), in the spirit of
/// <c>promtool test rules</c>: payload + clock (+ the customer's open cases) → expected decision, channel and rendered
/// message, the message compared with a committed snapshot under <c>__snapshots__/&lt;id&gt;/&lt;case&gt;.json</c>.
/// </summary>
internal sealed class FixtureRunner(CompilationResult compilation, string directory)
{
    public const string SnapshotFolder = "__snapshots__";

    private readonly MessageRenderer _renderer = new(compilation.Workspace!, compilation.DataModel!);

    public static IEnumerable<string> FixtureFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.tests.yaml").Order(StringComparer.Ordinal);

    public FixtureReport Run(bool update)
    {
        var diagnostics = new DiagnosticBag();
        var results = new List<FixtureResult>();
        var expectedSnapshots = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in FixtureFiles(directory))
        {
            RunFile(path.Replace('\\', '/'), update, diagnostics, results, expectedSnapshots);
        }
        var orphans = new List<string>();
        var snapshotRoot = Path.Combine(directory, SnapshotFolder);
        if (Directory.Exists(snapshotRoot))
        {
            foreach (var file in Directory.EnumerateFiles(snapshotRoot, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var normalized = Path.GetFullPath(file);
                if (expectedSnapshots.Contains(normalized)) continue;
                if (update) File.Delete(file);
                else orphans.Add(file.Replace('\\', '/'));
            }
        }
        return new FixtureReport(results, diagnostics.Sorted(), orphans);
    }

    private void RunFile(string path, bool update, DiagnosticBag diagnostics, List<FixtureResult> results, HashSet<string> expectedSnapshots)
    {
        var file = SourceFile.Read(path, diagnostics);
        if (file.Unreadable) return;
        var yaml = YamlFile.Load(file.Path, file.Text, diagnostics);
        if (yaml is null) return;
        var before = diagnostics.Count;
        SchemaValidator.Validate(yaml, SchemaValidator.PlaybookTests, diagnostics);
        if (diagnostics.Count > before) return;
        var root = (YamlMappingNode)yaml.Root;
        var id = yaml.Scalar(root, "playbook")?.Value ?? Path.GetFileName(path)[..^".tests.yaml".Length];
        var playbook = compilation.Playbooks.FirstOrDefault(p => p.Id == id);
        if (playbook is null)
        {
            var at = yaml.Scalar(root, "playbook") is { } node ? yaml.Location(node) : new Text.SourceLocation(path, 1, 1);
            diagnostics.ReportFixtureUnknownPlaybook(at, id, Suggestions.Closest(id, compilation.Playbooks.Select(p => p.Id)));
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        var cases = yaml.Sequence(root, "cases")!;
        for (var i = 0; i < cases.Children.Count; i++)
        {
            var caseNode = (YamlMappingNode)cases.Children[i];
            var nameNode = yaml.Scalar(caseNode, "name")!;
            var name = nameNode.Value!;
            var location = yaml.Location(nameNode);
            if (!names.Add(name) || !slugs.Add(Slug(name)))
            {
                diagnostics.ReportFixtureDuplicateName(location, name);
                continue;
            }
            var payload = BuildPayload(yaml, caseNode, $"#/cases[{i}]", name, location, diagnostics);
            if (payload is null) continue;
            using var doc = JsonDocument.Parse(payload.ToJsonString());
            var input = TriggerInput.Parse(doc.RootElement, out var error);
            if (input is null)
            {
                diagnostics.ReportFixturePayload(location, name, error!);
                continue;
            }
            DateTimeOffset now;
            if (yaml.Scalar(caseNode, "now") is { } nowNode)
            {
                if (!DateTimeOffset.TryParse(nowNode.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out now))
                {
                    diagnostics.ReportFixturePayload(yaml.Location(nowNode), name, $"\"now\" value \"{nowNode.Value}\" is not an ISO 8601 time");
                    continue;
                }
            }
            else if (input.Timestamp is { } ts)
            {
                now = ts;
            }
            else
            {
                diagnostics.ReportFixtureClock(location, name);
                continue;
            }
            if (OpenCases(yaml, caseNode, name, diagnostics) is not { } openCases) continue;
            var expect = yaml.Mapping(caseNode, "expect")!;
            var snapshotPath = Path.GetFullPath(Path.Combine(directory, SnapshotFolder, playbook.Id, Slug(name) + ".json"));
            results.Add(RunCase(playbook, name, location, input, now, openCases, yaml, expect, snapshotPath, update, expectedSnapshots));
        }
    }

    /// <summary>The case's <c>open_cases</c> (none when absent), or null when one names no compiled playbook or has no valid time.</summary>
    private List<OpenCase>? OpenCases(YamlFile yaml, YamlMappingNode caseNode, string name, DiagnosticBag diagnostics)
    {
        var cases = new List<OpenCase>();
        var ok = true;
        foreach (var item in yaml.Sequence(caseNode, "open_cases")?.Children.OfType<YamlMappingNode>() ?? [])
        {
            var playbookNode = yaml.Scalar(item, "playbook")!;
            var escalatedNode = yaml.Scalar(item, "escalated")!;
            if (!compilation.Playbooks.Any(p => p.Id == playbookNode.Value))
            {
                diagnostics.ReportFixtureUnknownCasePlaybook(yaml.Location(playbookNode), name, playbookNode.Value!, Suggestions.Closest(playbookNode.Value!, compilation.Playbooks.Select(p => p.Id)));
                ok = false;
            }
            if (!DateTimeOffset.TryParse(escalatedNode.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var escalated))
            {
                diagnostics.ReportFixturePayload(yaml.Location(escalatedNode), name, $"\"escalated\" value \"{escalatedNode.Value}\" is not an ISO 8601 time");
                ok = false;
            }
            cases.Add(new OpenCase(yaml.Scalar(item, "id")?.Value ?? $"open-case-{cases.Count + 1}", playbookNode.Value!, escalated));
        }
        return ok ? cases : null;
    }

    private FixtureResult RunCase(
        CompiledPlaybook playbook, string name, Text.SourceLocation location, TriggerInput input, DateTimeOffset now, List<OpenCase> openCases,
        YamlFile yaml, YamlMappingNode expect, string snapshotPath, bool update, HashSet<string> expectedSnapshots)
    {
        var failures = new List<string>();
        var outcome = yaml.Scalar(expect, "outcome")!.Value!;
        var expectedChannel = yaml.Scalar(expect, "channel")?.Value;
        var expectedReason = yaml.Scalar(expect, "reason")?.Value;
        var triggered = compilation.Match(input).Contains(playbook);
        var record = new RecordReader(compilation.DataModel!).Read(input, now);
        if (!triggered)
        {
            if (outcome != "no-trigger") failures.Add($"expected {outcome}, but the payload does not trigger the playbook ({playbook.Trigger})");
            return new FixtureResult(playbook.Id, name, location, failures.Count == 0, failures, null, null, null, null, false);
        }
        var decision = PlaybookEvaluator.Decide(playbook, record);
        var inhibition = decision.Escalates ? InhibitionOf(playbook, input, now, openCases) : null;
        var (actualOutcome, reason) = inhibition is not null ? ("inhibited", inhibition.Detail) : (decision.Escalates ? "escalate" : "skip", decision.Reason);
        if (outcome != actualOutcome)
        {
            failures.Add($"expected {outcome}, but it would {(actualOutcome == "inhibited" ? "be inhibited" : actualOutcome)}: {reason}");
        }
        if (expectedReason is not null && !reason.Contains(expectedReason, StringComparison.Ordinal))
        {
            failures.Add($"expected the reason to mention \"{expectedReason}\", but it was: {reason}");
        }
        if (actualOutcome != "escalate")
        {
            return new FixtureResult(playbook.Id, name, location, failures.Count == 0, failures, null, null, null, null, false);
        }
        var channel = decision.Channel!;
        if (expectedChannel is not null && expectedChannel != channel.Name)
        {
            failures.Add($"expected channel {expectedChannel}, but it routes to {channel.Name}: {decision.Reason}");
        }
        var message = _renderer.Render(playbook, channel, input, record, now);
        var json = message.ToPrettyJson();
        foreach (var violation in BlockKitValidator.Violations(message.Model))
        {
            failures.Add($"Slack would reject the message: {violation}");
        }
        foreach (var text in Strings(yaml, expect, "contains"))
        {
            if (!json.Contains(text, StringComparison.Ordinal)) failures.Add($"the message does not contain \"{text}\"");
        }
        foreach (var text in Strings(yaml, expect, "not_contains"))
        {
            if (json.Contains(text, StringComparison.Ordinal)) failures.Add($"the message contains \"{text}\", which it must not");
        }
        string? diff = null;
        var written = false;
        var snapshot = yaml.Scalar(expect, "snapshot")?.Value != "false";
        if (snapshot)
        {
            expectedSnapshots.Add(snapshotPath);
            var existing = File.Exists(snapshotPath) ? File.ReadAllText(snapshotPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
            if (existing != json)
            {
                if (update)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(snapshotPath)!);
                    File.WriteAllText(snapshotPath, json, new UTF8Encoding(false));
                    written = true;
                }
                else if (existing is null)
                {
                    failures.Add($"no snapshot at {Relative(snapshotPath)}; run `playbooks test --update` and commit it");
                }
                else
                {
                    diff = TextDiff.Unified(existing, json, Relative(snapshotPath), "rendered");
                    failures.Add($"the rendered message differs from {Relative(snapshotPath)}; review the diff, then run `playbooks test --update`");
                }
            }
        }
        return new FixtureResult(playbook.Id, name, location, failures.Count == 0, failures, channel.Name, message.Model, snapshot ? snapshotPath : null, diff, written);
    }

    /// <summary>The inhibition stage over the case's open cases, all the payload's customer's, as the pipeline would judge it.</summary>
    private static Inhibition? InhibitionOf(CompiledPlaybook playbook, TriggerInput input, DateTimeOffset now, List<OpenCase> openCases)
    {
        var customer = SignalNormalizer.CustomerId(input.Customer);
        var history = new InMemoryEscalationHistory();
        foreach (var open in openCases) history.Open(open, customer);
        var check = new InhibitionChecker(history, []).CheckAsync(playbook, customer, now, CancellationToken.None);
        // The in-memory history answers synchronously.
        return check.IsCompleted ? check.Result : throw new System.Diagnostics.UnreachableException("the in-memory history answered asynchronously");
    }

    private JsonNode? BuildPayload(YamlFile yaml, YamlMappingNode caseNode, string jsonPath, string name, Text.SourceLocation location, DiagnosticBag diagnostics)
    {
        JsonNode? payload = new JsonObject();
        if (yaml.Scalar(caseNode, "base") is { } baseNode)
        {
            var basePath = Path.Combine(directory, baseNode.Value!);
            if (!File.Exists(basePath))
            {
                diagnostics.ReportFixtureBase(yaml.Location(baseNode), baseNode.Value!, "no such file");
                return null;
            }
            try
            {
                payload = JsonNode.Parse(File.ReadAllText(basePath));
            }
            catch (JsonException ex)
            {
                diagnostics.ReportFixtureBase(yaml.Location(baseNode), baseNode.Value!, "invalid JSON: " + ex.Message);
                return null;
            }
        }
        if (yaml.Json.SelectToken(jsonPath.TrimStart('#', '/') + ".payload") is { } patch)
        {
            payload = JsonMerge.Merge(payload, JsonNode.Parse(patch.ToString(Newtonsoft.Json.Formatting.None)));
        }
        if (payload is not JsonObject)
        {
            diagnostics.ReportFixturePayload(location, name, "the payload must be a JSON object");
            return null;
        }
        return payload;
    }

    private static IEnumerable<string> Strings(YamlFile yaml, YamlMappingNode map, string key) =>
        yaml.Sequence(map, key)?.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "") ?? [];

    private string Relative(string path) => Path.GetRelativePath(Directory.GetCurrentDirectory(), path).Replace('\\', '/');

    /// <summary>A file name from a case name: lower case, letters and digits, dashes between words.</summary>
    public static string Slug(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        return sb.ToString().Trim('-');
    }
}
