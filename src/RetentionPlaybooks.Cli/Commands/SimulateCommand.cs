using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Simulation;
using RetentionPlaybooks.Slack.Preview;
using Spectre.Console;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// <c>playbooks simulate --history FILE [--history FILE...] [--compare DIR] [--format text|json|github] [--fail-over-budget] [DIR]</c>:
/// replays a history (one Customer.io payload a line: Journey bodies, reporting webhooks, Data Pipelines calls, told apart by
/// shape) through the pipeline the host runs, on the payloads' own clock, and reports per channel and UTC day what would
/// have been posted and what the guardrails held back — and, with <c>--compare</c>, how that differs from another playbooks
/// folder (the base branch), so a pull request shows its effect on each channel before it is merged.
/// </summary>
internal static class SimulateCommand
{
    // Unreadable lines printed one by one, at most; the rest are counted.
    private const int ErrorsShown = 10;

    // Histories from this size up (about 30,000 payloads) get a progress bar in a terminal.
    internal const long ProgressFrom = 20L * 1024 * 1024;

    public static Command Create(CliContext cli)
    {
        var history = new Option<string[]>("--history")
        {
            Description = "a history file, one Customer.io payload (JSON) a line; repeat the option for several files, replayed in the order given",
            HelpName = "FILE",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var compare = new Option<string>("--compare")
        {
            Description = "another playbooks folder (e.g. the base branch's): replay the same history through it and print the difference per channel",
            HelpName = "DIR",
        };
        var format = CommandSpec.Format("output style: text (tables), json (for tools), github (a step summary and annotations)", "text", "json", "github");
        var failOverBudget = new Option<bool>("--fail-over-budget") { Description = "exit 1 when a channel gets more escalations in a day than its daily_budget" };
        var directory = CommandSpec.Directory();
        var command = new Command("simulate", "Replay a history of payloads through the playbooks and count, per channel and day, the messages posted and held back.")
        {
            history, compare, format, failOverBudget, directory,
        };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetRequiredValue(history), parsed.GetValue(compare), parsed.GetRequiredValue(format),
            parsed.GetValue(failOverBudget), parsed.GetRequiredValue(directory), cli, ct));
        return command;
    }

    private static async Task<int> RunAsync(string[] historyPaths, string? compareDirectory, string format, bool failOverBudget, string directory, CliContext cli, CancellationToken ct)
    {
        foreach (var path in historyPaths)
        {
            if (!SignalFile.Exists(path, "--history", "simulate", cli.Stderr)) return CommandLine.Usage;
        }
        if (PlaybookFolder.CompileOrReport(directory, "simulate", cli.Stderr, cli.Stderr) is not { } compilation) return CommandLine.Failed;
        CompilationResult? baseline = null;
        if (compareDirectory is not null)
        {
            baseline = PlaybookFolder.CompileOrReport(compareDirectory, "simulate", cli.Stderr, cli.Stderr);
            if (baseline is null) return CommandLine.Failed;
        }

        var simulation = new HistorySimulation(compilation);
        var before = baseline is null ? null : new HistorySimulation(baseline);
        var errors = 0;
        async Task ReplayAsync(Action<int> progressed)
        {
            foreach (var path in historyPaths)
            {
                foreach (var line in SignalFile.StreamHistory(path))
                {
                    progressed(line.Size);
                    if (line.Payloads is null)
                    {
                        if (++errors <= ErrorsShown) cli.Stderr.WriteLine(line.Error);
                        continue;
                    }
                    foreach (var payload in line.Payloads)
                    {
                        await simulation.AddAsync(payload.Source, payload.Root, payload.DeliveryKey, ct).ConfigureAwait(false);
                        if (before is not null) await before.AddAsync(payload.Source, payload.Root, payload.DeliveryKey, ct).ConfigureAwait(false);
                    }
                }
            }
        }
        var total = historyPaths.Sum(p => new FileInfo(p).Length);
        if (cli.Interactive && format == "text" && total >= ProgressFrom)
        {
            // A long replay in a terminal: a progress bar on stderr, gone when done (the table is what stays).
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Stderr), Interactive = InteractionSupport.Yes });
            await console.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("replaying the history", maxValue: total);
                    await ReplayAsync(size => task.Increment(size)).ConfigureAwait(false);
                    task.Value = total;
                }).ConfigureAwait(false);
        }
        else
        {
            await ReplayAsync(_ => { }).ConfigureAwait(false);
        }
        if (errors > ErrorsShown) cli.Stderr.WriteLine($"playbooks simulate: {errors - ErrorsShown} more line(s) that are not payloads were left out");
        var report = simulation.Report();
        if (report.Payloads == 0)
        {
            return CommandLine.Failure(cli.Stderr, "simulate", $"no payload could be read from {string.Join(", ", historyPaths)}; give files with one Customer.io payload (JSON) a line");
        }
        if (errors > 0) cli.Stderr.WriteLine($"playbooks simulate: {errors} line(s) of the history are not payloads and were left out; the figures are for the other {report.Payloads:#,0}");
        var baseReport = before?.Report();
        switch (format)
        {
            case "json":
                Json(report, baseReport, cli.Stdout);
                break;
            case "github":
                GitHub(report, baseReport, directory, compareDirectory, cli.Stdout);
                break;
            default:
                Text(report, baseReport, directory, compareDirectory, cli.Stdout, cli.Terminal);
                break;
        }
        var over = report.Channels.Where(c => c.DaysOverBudget > 0).ToList();
        if (failOverBudget && over.Count > 0)
        {
            return CommandLine.Failure(cli.Stderr, "simulate",
                $"over budget: {string.Join(", ", over.Select(c => $"{c.Channel.Name} (budget {c.Channel.DailyBudget}) on {c.DaysOverBudget} of {report.DayCount} day(s)"))}");
        }
        return CommandLine.Ok;
    }

    private static void Text(SimulationReport report, SimulationReport? baseline, string directory, string? compareDirectory, TextWriter stdout, bool terminal) =>
        CliTable.Write(stdout, terminal, console =>
        {
            console.WriteLine(Heading(report, directory));
            var channels = CliTable.Create(terminal,
                ["channel", "budget", "posted", "per day", "digested", "digests", "over budget", "cooldown", "dedupe", "daily cap", "budget held", "inhibited", "peak hour (UTC)"],
                "channel", "over budget", "peak hour (UTC)");
            foreach (var c in report.Channels)
            {
                var s = c.Suppressed;
                channels.AddRow(Markup.Escape(c.Channel.Name), N(c.Channel.DailyBudget), N(c.Posted), c.PostedPerDay.ToString("0.0", CultureInfo.InvariantCulture),
                    c.Channel.Digest is null ? "-" : N(c.Digested), c.Channel.Digest is null ? "-" : N(c.Digests), c.DaysOverBudget == 0 ? "-" : $"{c.DaysOverBudget} of {report.DayCount} days",
                    N(s.Cooldown), N(s.Dedupe), N(s.DailyCap), N(s.ChannelBudget), N(s.Inhibited),
                    c.PeakHour is { } p ? $"{p.Date:yyyy-MM-dd} {p.Hour:00}:00 ({p.Posted})" : "-");
            }
            console.Write(channels);
            if (report.Owners.Count > 0)
            {
                var owners = CliTable.Create(terminal, ["owner", "cases", "per day", "busiest day", "shortest SLA"], "owner");
                foreach (var o in report.Owners)
                {
                    owners.AddRow(Markup.Escape(o.Owner), N(o.Cases), ((double)o.Cases / Math.Max(1, report.DayCount)).ToString("0.0", CultureInfo.InvariantCulture), N(o.BusiestDay), DurationSyntax.Format(o.ShortestSla));
                }
                console.Write(owners);
            }
            foreach (var c in report.Channels.Where(c => c.DaysOverBudget > 0))
            {
                console.WriteLine($"{c.Channel.Name}: over its daily budget of {c.Channel.DailyBudget} on {string.Join(", ", c.Days.Where(d => d.OverBudget).Select(d => $"{d.Date:yyyy-MM-dd} ({d.Posted} posted, {d.Suppressed.ChannelBudget} held)"))}");
            }
            if (baseline is not null)
            {
                console.WriteLine();
                console.WriteLine($"compared with {compareDirectory}:");
                foreach (var line in Differences(report, baseline)) console.WriteLine($"  {line}");
            }
        });

    private static string Heading(SimulationReport report, string directory)
    {
        var span = report.First is { } first && report.Last is { } last ? $"{first:yyyy-MM-dd} – {last:yyyy-MM-dd} UTC, {report.DayCount} day(s)" : "no timed signal";
        var notes = new List<string>();
        if (report.Untimed > 0) notes.Add($"{report.Untimed:#,0} without a time (replayed at the time before them)");
        if (report.OutOfOrder > 0) notes.Add($"{report.OutOfOrder:#,0} earlier than one before them (replayed in file order)");
        if (report.Unreadable > 0) notes.Add($"{report.Unreadable:#,0} payload(s) with no signal");
        var heading = $"simulate {directory}: {report.Payloads:#,0} payload(s), {report.Signals:#,0} signal(s), {span}";
        return notes.Count == 0 ? heading : $"{heading}; {string.Join("; ", notes)}";
    }

    /// <summary>One sentence per channel whose figures differ: "this change adds 14.0 messages/day to vip-saves (budget 25: exceeded on 3 of 30 days)".</summary>
    internal static IReadOnlyList<string> Differences(SimulationReport report, SimulationReport baseline)
    {
        var lines = new List<string>();
        var before = baseline.Channels.ToDictionary(c => c.Channel.Name, StringComparer.Ordinal);
        foreach (var c in report.Channels)
        {
            var old = before.GetValueOrDefault(c.Channel.Name);
            var delta = c.PostedPerDay - (old?.PostedPerDay ?? 0);
            var budget = c.DaysOverBudget == 0
                ? $"budget {c.Channel.DailyBudget}: never exceeded"
                : $"budget {c.Channel.DailyBudget}: exceeded on {c.DaysOverBudget} of {report.DayCount} days";
            if (old is not null && old.DaysOverBudget != c.DaysOverBudget) budget += $", before on {old.DaysOverBudget}";
            var verb = Math.Round(delta, 1) switch
            {
                > 0 => $"this change adds {delta.ToString("0.0", CultureInfo.InvariantCulture)} messages/day to {c.Channel.Name}",
                < 0 => $"this change removes {(-delta).ToString("0.0", CultureInfo.InvariantCulture)} messages/day from {c.Channel.Name}",
                _ => $"no change in messages to {c.Channel.Name}",
            };
            var posted = old is null ? $"new channel, {c.Posted} posted" : $"{old.Posted} → {c.Posted} posted";
            if (c.Digested > 0 || old?.Digested > 0)
            {
                posted += old is null ? $", {c.Digested} in {c.Digests} digest(s)" : $", {old.Digested} → {c.Digested} rolled into digests ({old.Digests} → {c.Digests} digest messages)";
            }
            lines.Add($"{verb} ({posted}; {budget})");
        }
        foreach (var gone in baseline.Channels.Where(c => report.Channels.All(n => n.Channel.Name != c.Channel.Name)))
        {
            lines.Add($"{gone.Channel.Name} is no longer declared ({gone.Posted} posted before)");
        }
        return lines;
    }

    private static void Json(SimulationReport report, SimulationReport? baseline, TextWriter stdout)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            WriteReport(json, report);
            if (baseline is not null)
            {
                json.WritePropertyName("compare");
                json.WriteStartObject();
                WriteReport(json, baseline);
                json.WriteEndObject();
                json.WriteStartArray("differences");
                foreach (var line in Differences(report, baseline)) json.WriteStringValue(line);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        stdout.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteReport(Utf8JsonWriter json, SimulationReport report)
    {
        if (report.First is { } first) json.WriteString("from", first.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        else json.WriteNull("from");
        if (report.Last is { } last) json.WriteString("to", last.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        else json.WriteNull("to");
        json.WriteNumber("days", report.DayCount);
        json.WriteNumber("payloads", report.Payloads);
        json.WriteNumber("signals", report.Signals);
        json.WriteNumber("untimed", report.Untimed);
        json.WriteNumber("out_of_order", report.OutOfOrder);
        json.WriteNumber("unreadable", report.Unreadable);
        json.WriteStartObject("channels");
        foreach (var c in report.Channels)
        {
            json.WriteStartObject(c.Channel.Name);
            json.WriteString("slack", c.Channel.SlackTarget);
            json.WriteNumber("budget", c.Channel.DailyBudget);
            json.WriteNumber("posted", c.Posted);
            json.WriteNumber("posted_per_day", Math.Round(c.PostedPerDay, 2));
            json.WriteNumber("digested", c.Digested);
            json.WriteNumber("digests", c.Digests);
            WriteSuppressed(json, c.Suppressed);
            json.WriteNumber("days_over_budget", c.DaysOverBudget);
            if (c.PeakHour is { } p)
            {
                json.WriteStartObject("peak_hour");
                json.WriteString("at", $"{p.Date:yyyy-MM-dd}T{p.Hour:00}:00:00Z");
                json.WriteNumber("posted", p.Posted);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("peak_hour");
            }
            json.WriteStartArray("days");
            foreach (var d in c.Days)
            {
                json.WriteStartObject();
                json.WriteString("date", d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                json.WriteNumber("posted", d.Posted);
                json.WriteNumber("digested", d.Digested);
                json.WriteNumber("digests", d.Digests);
                WriteSuppressed(json, d.Suppressed);
                json.WriteBoolean("over_budget", d.OverBudget);
                if (d.PeakHour is { } h) json.WriteNumber("peak_hour", h);
                else json.WriteNull("peak_hour");
                json.WriteNumber("peak_hour_posted", d.PeakHourPosted);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteStartObject("owners");
        foreach (var o in report.Owners)
        {
            json.WriteStartObject(o.Owner);
            json.WriteNumber("cases", o.Cases);
            json.WriteNumber("busiest_day", o.BusiestDay);
            json.WriteString("shortest_sla", DurationSyntax.Format(o.ShortestSla));
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteSuppressed(Utf8JsonWriter json, Suppressed s)
    {
        json.WriteStartObject("suppressed");
        json.WriteNumber("cooldown", s.Cooldown);
        json.WriteNumber("dedupe", s.Dedupe);
        json.WriteNumber("daily_cap", s.DailyCap);
        json.WriteNumber("channel_budget", s.ChannelBudget);
        json.WriteNumber("inhibited", s.Inhibited);
        json.WriteEndObject();
    }

    /// <summary>A step summary (to $GITHUB_STEP_SUMMARY when set, else stdout) and a warning on each over-budget channel's line in workspace.yaml.</summary>
    private static void GitHub(SimulationReport report, SimulationReport? baseline, string directory, string? compareDirectory, TextWriter stdout)
    {
        var md = new StringBuilder();
        md.AppendLine("### Simulation").AppendLine();
        md.AppendLine(MarkdownSummary.Cell(Heading(report, directory))).AppendLine();
        md.AppendLine("| channel | budget | posted | per day | digested | digests | over budget | cooldown | dedupe | daily cap | budget held | inhibited |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in report.Channels)
        {
            var s = c.Suppressed;
            md.AppendLine($"| {MarkdownSummary.Cell(c.Channel.Name)} | {c.Channel.DailyBudget} | {c.Posted} | {c.PostedPerDay.ToString("0.0", CultureInfo.InvariantCulture)} | " +
                $"{(c.Channel.Digest is null ? "-" : c.Digested)} | {(c.Channel.Digest is null ? "-" : c.Digests)} | " +
                $"{(c.DaysOverBudget == 0 ? "-" : $"{c.DaysOverBudget} of {report.DayCount} days")} | {s.Cooldown} | {s.Dedupe} | {s.DailyCap} | {s.ChannelBudget} | {s.Inhibited} |");
        }
        if (baseline is not null)
        {
            md.AppendLine().AppendLine($"Compared with {MarkdownSummary.Cell(compareDirectory ?? "")}:").AppendLine();
            foreach (var line in Differences(report, baseline)) md.AppendLine($"- {MarkdownSummary.Cell(line)}");
        }
        GitHubSummary.Append(md.ToString(), stdout);
        foreach (var c in report.Channels.Where(c => c.DaysOverBudget > 0))
        {
            var at = c.Channel.Location;
            stdout.WriteLine($"::warning file={at.File},line={at.Line},col={at.Column},title=over budget::{c.Channel.Name} gets more escalations than its daily_budget of {c.Channel.DailyBudget} on {c.DaysOverBudget} of {report.DayCount} day(s) of the history");
        }
    }

    private static string N(int n) => n.ToString("#,0", CultureInfo.InvariantCulture);
}
