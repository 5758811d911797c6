using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary><c>playbooks explain --event FILE [DIR]</c>: which playbooks a payload triggers, every check, the channel.</summary>
internal static class ExplainCommand
{
    public static int Run(Options options, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        if (SignalFile.Read(options, "explain", stderr, time, out var exit) is not { } signal) return exit;
        var (input, now) = signal;
        var result = PlaybookCompiler.CompileDirectory(options.Directory);
        if (result.HasErrors)
        {
            DiagnosticPrinter.Text(result.Diagnostics.Where(d => d.IsError).ToList(), stderr);
            stderr.WriteLine($"playbooks explain: {options.Directory} has errors; run playbooks validate");
            return CommandLine.Failed;
        }
        var record = new RecordReader(result.DataModel!).Read(input, now);
        stdout.WriteLine($"signal: {Describe(input)} at {now:yyyy-MM-ddTHH:mm:ssZ}");
        var matched = result.Match(input).ToList();
        if (matched.Count == 0)
        {
            stdout.WriteLine($"no playbook triggers on this signal ({result.Playbooks.Count} playbook(s) loaded)");
            return CommandLine.Ok;
        }
        foreach (var playbook in matched)
        {
            var decision = PlaybookEvaluator.Explain(playbook, record);
            stdout.WriteLine();
            stdout.WriteLine($"playbook {playbook.Id} ({playbook.File}): {(decision.Escalates ? "ESCALATE" : "skip")}");
            foreach (var check in decision.Checks)
            {
                var mark = check.Kind switch
                {
                    "exclude" => check.Result ? "EXCLUDED" : "ok",
                    "route" => check.Result ? "match" : "-",
                    _ => check.Result ? "pass" : "FAIL",
                };
                stdout.WriteLine($"  {check.Kind,-7} {mark,-8} {check.Expression}");
                var reason = check.Kind == "exclude" ? $"{(check.Result ? "excluded" : "not excluded")}: {check.Reason}" : check.Reason;
                if (!string.IsNullOrEmpty(check.Reason)) stdout.WriteLine($"                   {reason}");
            }
            stdout.WriteLine($"  => {decision.Reason}");
            if (decision.Escalates)
            {
                stdout.WriteLine($"     channel {decision.Channel!.Name} ({decision.Channel.SlackTarget}), owner {playbook.Owner.Name}, sla {Evaluation.DurationSyntax.Format(playbook.Sla)}");
            }
        }
        return CommandLine.Ok;
    }

    private static string Describe(TriggerInput input) =>
        input.EventName is not null ? $"event \"{input.EventName}\""
        : input.Segment is not null ? $"segment \"{input.Segment}\" entered"
        : $"attribute \"{input.ChangedAttribute}\" changed";
}
