using System.CommandLine;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Fixtures;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.BlockKit;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// <c>playbooks render PLAYBOOK --event FILE [DIR] [--format text|json|html] [--out FILE] [--now TIME]</c> prints one
/// message for review; <c>playbooks render --format html [DIR]</c> (no --event) writes a page with every test case's
/// message, for a pull-request artifact.
/// </summary>
internal static class RenderCommand
{
    public static Command Create(CliContext cli)
    {
        var playbook = new Argument<string?>("PLAYBOOK")
        {
            Description = "the playbook: its id (looked up in DIR) or its file (DIR is then the file's folder); with --format html and no --event, give only DIR",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var directory = new Argument<string?>("DIR")
        {
            Description = $"the playbooks folder [default: {CommandSpec.DefaultDirectory}, or the PLAYBOOK file's folder]",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var eventFile = CommandSpec.Event("the payload to render the message for (a Journey body, a reporting webhook, a Data Pipelines call)", required: false);
        var format = CommandSpec.Format("text: a terminal preview, the Block Kit JSON and a Builder link; json: the chat.postMessage body; html: a page drawn like Slack (without --event: every test case's message)", "text", "json", "html");
        var output = new Option<string>("--out") { Description = "write the output to FILE instead of stdout", HelpName = "FILE" };
        var now = CommandSpec.Now("render (and judge) at TIME (ISO 8601); default: rendered now, judged at the payload's time");
        var command = new Command("render", "Print one playbook's message for a payload, or (--format html without --event) a page with every test case's message.")
        {
            playbook, directory, eventFile, format, output, now,
        };
        command.SetAction(parsed =>
        {
            var request = new Request(parsed.GetValue(playbook), parsed.GetValue(directory), parsed.GetValue(eventFile), parsed.GetRequiredValue(format), parsed.GetValue(output), parsed.GetValue(now));
            return request is { Format: "html", EventFile: null } ? RenderAllFixtures(request, cli) : RenderOne(request, cli);
        });
        return command;
    }

    private static int RenderOne(Request request, CliContext cli)
    {
        var (stdout, stderr) = (cli.Stdout, cli.Stderr);
        if (request is not { Playbook: { } playbookArgument, EventFile: { } eventFile })
        {
            return CommandLine.UsageError(stderr, "render", "give a playbook and --event FILE, or --format html for every test case");
        }
        if (!SignalFile.Exists(eventFile, "--event", "render", stderr)) return CommandLine.Usage;
        if (SignalFile.ReadPayloads(eventFile, stderr) is not { } payloads) return CommandLine.Failed;
        var normalized = SignalNormalizer.Normalize(payloads[0].Source, payloads[0].Root, payloads[0].DeliveryKey);
        if (normalized.Signals.FirstOrDefault(s => s.Trigger is not null) is not { Trigger: { } input } signal)
        {
            stderr.WriteLine($"{eventFile}: error: {normalized.Problem ?? "the payload carries no trigger to render a message for (an attribute update)"}");
            return CommandLine.Failed;
        }
        // As the host would: rendered now (or at --now), judged at the payload's own time (or --now).
        var now = request.Now ?? cli.Time.GetUtcNow();
        var evaluatedAt = request.Now ?? signal.EvaluatedAt(now);
        var (id, directory) = Locate(playbookArgument, request.Directory);
        if (PlaybookFolder.CompileOrReport(directory, "render", stderr, stderr) is not { } compilation) return CommandLine.Failed;
        var playbook = compilation.Playbooks.FirstOrDefault(p => p.Id == id);
        if (playbook is null) return CommandLine.UsageError(stderr, "render", $"no playbook \"{id}\" in {directory}");
        var record = new RecordReader(compilation.DataModel!).Read(input, evaluatedAt);
        var decision = PlaybookEvaluator.Decide(playbook, record);
        // A skipped signal is still rendered (to the default route) so a reviewer can see the message.
        var channel = decision.Channel ?? playbook.Routes[^1].Channel;
        var message = new MessageRenderer(compilation.Workspace!, compilation.DataModel!).Render(playbook, channel, input, record, now).Model;

        using var output = Output(request, stdout);
        if (request.Format == "json")
        {
            output.WriteLine(BlockKitWriter.Indented(message));
        }
        else if (request.Format == "html")
        {
            output.WriteLine(HtmlPreview.Render([new PreviewItem(playbook.Id, Path.GetFileName(eventFile), channel.Name, message, decision.Escalates ? null : decision.Reason)], $"{playbook.Id} — {Path.GetFileName(eventFile)}"));
        }
        else
        {
            output.WriteLine(decision.Escalates ? $"{decision.Reason}" : $"would NOT escalate: {decision.Reason} (rendered for {channel.Name} anyway)");
            output.WriteLine();
            output.WriteLine(TerminalPreview.Render(message));
            output.WriteLine();
            output.WriteLine(BlockKitWriter.Indented(message));
            output.WriteLine();
            output.WriteLine("Block Kit Builder: " + BlockKitBuilderLink.For(message));
        }
        return CommandLine.Ok;
    }

    private static int RenderAllFixtures(Request request, CliContext cli)
    {
        var (stdout, stderr) = (cli.Stdout, cli.Stderr);
        // Without a playbook, the one positional argument is the folder: render --format html [DIR].
        if (request is { Playbook: not null, Directory: not null })
        {
            return CommandLine.UsageError(stderr, "render", "--format html without --event renders every test case of DIR; give DIR only, or a playbook and --event FILE");
        }
        var directory = request.Playbook ?? CommandSpec.DefaultDirectory;
        if (PlaybookFolder.CompileOrReport(directory, "render", stderr, stderr) is not { } compilation) return CommandLine.Failed;
        var report = new FixtureRunner(compilation, directory).Run(update: false);
        var items = report.Results
            .Where(r => r.Message is not null)
            .Select(r => new PreviewItem(r.Playbook, r.Case, r.Channel!, r.Message!, r.Passed ? null : string.Join("; ", r.Failures)))
            .ToList();
        using (var output = Output(request, stdout))
        {
            output.WriteLine(HtmlPreview.Render(items, $"Slack messages of {directory}"));
        }
        if (request.Out is { } path) stdout.WriteLine($"wrote {items.Count} message(s) to {path}");
        return CommandLine.Ok;
    }

    /// <summary>A playbook given as a file path names its folder; given as an id, the folder is DIR or "playbooks".</summary>
    private static (string Id, string Directory) Locate(string playbook, string? directory)
    {
        if (playbook.EndsWith(".yaml", StringComparison.Ordinal) || playbook.EndsWith(".yml", StringComparison.Ordinal))
        {
            var dir = Path.GetDirectoryName(playbook);
            return (Path.GetFileNameWithoutExtension(playbook), directory ?? (string.IsNullOrEmpty(dir) ? "." : dir));
        }
        return (playbook, directory ?? "playbooks");
    }

    private static TextWriter Output(Request request, TextWriter stdout) =>
        request.Out is { } path ? new StreamWriter(path) : new NonClosingWriter(stdout);

    /// <summary>What the command line asked for.</summary>
    private sealed record Request(string? Playbook, string? Directory, string? EventFile, string Format, string? Out, DateTimeOffset? Now);

    /// <summary>Lets stdout be used in a using block without closing it.</summary>
    private sealed class NonClosingWriter(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value) => inner.Write(value);

        public override void WriteLine(string? value) => inner.WriteLine(value);

        protected override void Dispose(bool disposing) => inner.Flush();
    }
}
