using System.CommandLine;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// <c>playbooks explain --event FILE [--history FILE] [--now TIME] [DIR]</c>: the whole pipeline the host runs, on one payload (a
/// Journey body, a reporting webhook, a Data Pipelines call or batch): which playbooks it triggers, every gate,
/// exclusion and route, then the inhibit rule and the guardrails — against the earlier payloads of <c>--history</c>, replayed
/// first (a replay marks no outcomes, so a case it escalated stays open for the rule's whole window).
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(CliContext cli)
    {
        var eventFile = CommandSpec.Event("the payload: a Journey body, a reporting webhook, or a Data Pipelines call or batch", required: true);
        var history = new Option<string>("--history")
        {
            Description = "earlier payloads, one JSON a line, replayed first through the same pipeline (open cases, cooldown, dedupe, caps)",
            HelpName = "FILE",
        };
        var now = CommandSpec.Now("evaluation clock (ISO 8601); default: the payload's timestamp, else now");
        var directory = CommandSpec.Directory();
        var command = new Command("explain", "Run one Customer.io payload through the host's pipeline and show every step: gates, exclusions, route, inhibit rule, guardrails.")
        {
            eventFile, history, now, directory,
        };
        command.SetAction((parsed, _) => RunAsync(parsed.GetRequiredValue(eventFile), parsed.GetValue(history), parsed.GetValue(now), parsed.GetRequiredValue(directory), cli));
        return command;
    }

    private static async Task<int> RunAsync(string path, string? historyPath, DateTimeOffset? nowOption, string directory, CliContext cli)
    {
        var (stdout, stderr) = (cli.Stdout, cli.Stderr);
        if (!SignalFile.Exists(path, "--event", "explain", stderr)) return CommandLine.Usage;
        if (historyPath is not null && !SignalFile.Exists(historyPath, "--history", "explain", stderr)) return CommandLine.Usage;
        if (SignalFile.ReadPayloads(path, stderr) is not { } payloads) return CommandLine.Failed;
        var history = historyPath is null ? [] : SignalFile.ReadHistory(historyPath, stderr);
        if (history is null) return CommandLine.Failed;

        if (PlaybookFolder.CompileOrReport(directory, "explain", stderr, stderr) is not { } result) return CommandLine.Failed;
        // --now sets the clock the payload is judged at; without it, its own time (or now, when it has none).
        var now = nowOption ?? cli.Time.GetUtcNow();
        var stores = new InMemoryStores();
        if (historyPath is not null)
        {
            var escalated = await ReplayAsync(result, history, stores, now).ConfigureAwait(false);
            stdout.WriteLine($"history: {history.Count} payload(s) from {historyPath} replayed, {escalated} escalation(s)");
        }

        var pipeline = stores.Pipeline(result, explain: true);
        var exit = CommandLine.Ok;
        var index = 0L;
        foreach (var payload in payloads)
        {
            var normalized = SignalNormalizer.Normalize(payload.Source, payload.Root, payload.DeliveryKey);
            if (normalized.Problem is { } problem)
            {
                if (normalized.Outcome == Outcome.Unreadable)
                {
                    stderr.WriteLine($"{path}: error: {problem}");
                    exit = CommandLine.Failed;
                }
                else
                {
                    stdout.WriteLine($"no playbook triggers on this signal: {problem}");
                }
                continue;
            }
            foreach (var normalizedSignal in normalized.Signals)
            {
                var signal = nowOption is null ? normalizedSignal : normalizedSignal with { Timestamp = null };
                var at = signal.EvaluatedAt(now);
                stdout.WriteLine($"signal: {Describe(signal)} ({payload.Source}) at {at:yyyy-MM-ddTHH:mm:ssZ}");
                var outcomes = new List<PlaybookOutcome>();
                await pipeline.ProcessAsync(++index, signal, now, now, outcomes, CancellationToken.None).ConfigureAwait(false);
                if (outcomes.Count == 0 || outcomes.All(o => o.Playbook is null))
                {
                    stdout.WriteLine($"no playbook triggers on this signal ({result.Playbooks.Count} playbook(s) loaded)");
                    continue;
                }
                foreach (var outcome in outcomes.Where(o => o.Playbook is not null)) Print(outcome, historyPath is not null, stdout);
            }
        }
        return exit;
    }

    /// <summary>Runs the history through the pipeline as the host would have, each payload a batch of its own at its own time.</summary>
    private static async Task<int> ReplayAsync(CompilationResult result, IReadOnlyList<Payload> history, InMemoryStores stores, DateTimeOffset now)
    {
        var pipeline = stores.Pipeline(result);
        var escalated = 0;
        var index = 0L;
        foreach (var payload in history)
        {
            var normalized = SignalNormalizer.Normalize(payload.Source, payload.Root, payload.DeliveryKey);
            var outcomes = new List<PlaybookOutcome>();
            foreach (var signal in normalized.Signals)
            {
                await pipeline.ProcessAsync(++index, signal, signal.Timestamp ?? now, signal.Timestamp ?? now, outcomes, CancellationToken.None).ConfigureAwait(false);
            }
            escalated += stores.Commit(pipeline, outcomes);
        }
        return escalated;
    }

    private static void Print(PlaybookOutcome outcome, bool withHistory, TextWriter stdout)
    {
        var playbook = outcome.Playbook!;
        var decision = outcome.Evaluation!;
        var verdict = outcome.Outcome switch
        {
            Outcome.Escalated => "ESCALATE",
            Outcome.Digested => "DIGEST",
            Outcome.Suppressed => "SUPPRESSED",
            Outcome.Inhibited => "INHIBITED",
            Outcome.Disabled => "disabled",
            _ => "skip",
        };
        stdout.WriteLine();
        stdout.WriteLine($"playbook {playbook.Id} ({playbook.File}): {verdict}");
        foreach (var check in decision.Checks)
        {
            var (kind, mark) = check.Kind switch
            {
                CheckKind.Exclusion => ("exclude", check.Result ? "EXCLUDED" : "ok"),
                CheckKind.Route => ("route", check.Result ? "match" : "-"),
                _ => ("gate", check.Result ? "pass" : "FAIL"),
            };
            stdout.WriteLine($"  {kind,-7} {mark,-8} {check.Expression}");
            var reason = check.Kind == CheckKind.Exclusion ? $"{(check.Result ? "excluded" : "not excluded")}: {check.Reason}" : check.Reason;
            if (!string.IsNullOrEmpty(check.Reason)) stdout.WriteLine($"                   {reason}");
        }
        if (outcome.Outcome is Outcome.Escalated or Outcome.Digested or Outcome.Suppressed or Outcome.Inhibited && playbook.InhibitedBy is { } rule)
        {
            stdout.WriteLine($"  {"inhibit",-7} {(outcome.Inhibition is null ? "pass" : "HELD"),-8} inhibited_by {string.Join(", ", rule.Playbooks)} (within {DurationSyntax.Format(rule.Within)})");
            if (outcome.Inhibition is { } inhibition) stdout.WriteLine($"                   {inhibition.Detail}");
            else stdout.WriteLine(withHistory
                ? "                   no open case of these playbooks for this customer"
                : "                   against no earlier escalations (give --history FILE to replay earlier payloads)");
        }
        if (outcome.Outcome is Outcome.Escalated or Outcome.Digested or Outcome.Suppressed)
        {
            var held = outcome.Suppression is { } s;
            stdout.WriteLine($"  {"guard",-7} {(outcome.Outcome == Outcome.Digested ? "DIGEST" : held ? "HELD" : "pass"),-8} {Guardrails(playbook, outcome.Channel!, outcome.Escalation?.DedupeKey)}");
            if (outcome.Suppression is { } suppression) stdout.WriteLine($"                   {suppression.Detail}");
            else if (!withHistory) stdout.WriteLine("                   against no earlier escalations (give --history FILE to replay earlier payloads)");
        }
        stdout.WriteLine(outcome.Outcome switch
        {
            Outcome.Suppressed => $"  => suppressed ({decision.Reason}, then held by the guardrail)",
            Outcome.Inhibited => $"  => inhibited ({decision.Reason}, then held by an open case)",
            Outcome.Digested => $"  => digested ({decision.Reason}, then rolled into the channel's digest: {outcome.Channel!.Digest})",
            _ => $"  => {outcome.Reason}",
        });
        if (outcome.Outcome is Outcome.Escalated or Outcome.Digested)
        {
            stdout.WriteLine($"     channel {outcome.Channel!.Name} ({outcome.Channel.SlackTarget}), owner {playbook.Owner.Name}, sla {DurationSyntax.Format(playbook.Sla)}");
        }
    }

    private static string Guardrails(CompiledPlaybook playbook, Workspace.ChannelSymbol channel, string? dedupeKey)
    {
        var parts = new List<string>();
        if (playbook.Guardrails.Cooldown is { } cooldown) parts.Add($"cooldown {DurationSyntax.Format(cooldown)}");
        if (dedupeKey is { Length: > 0 }) parts.Add($"dedupe key \"{dedupeKey}\"");
        else if (playbook.Guardrails.DedupeKey is not null) parts.Add("dedupe key");
        if (playbook.Guardrails.DailyCap is { } cap) parts.Add($"daily cap {cap}");
        parts.Add($"channel budget {channel.DailyBudget} ({channel.Name})");
        if (channel.Digest is { AfterCount: { } n, AfterWindow: { } w }) parts.Add($"burst {n} in {DurationSyntax.Format(w)}");
        return string.Join(", ", parts);
    }

    private static string Describe(Signal signal) =>
        signal.Trigger is not { } input ? "attribute update"
        : input.EventName is not null ? $"event \"{input.EventName}\""
        : input.Segment is not null ? $"segment \"{input.Segment}\" entered"
        : $"attribute \"{input.ChangedAttribute}\" changed";
}
