using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Fixtures;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// <c>playbooks render PLAYBOOK --event FILE [DIR]</c> prints one message for review; <c>--format html</c>
/// without a playbook writes a page with every test case's message, for a pull-request artifact.
/// </summary>
internal static class RenderCommand
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(Options options, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var format = options.Get("--format") ?? "text";
        if (format is not ("text" or "json" or "html"))
        {
            stderr.WriteLine($"playbooks render: unknown format \"{format}\"; use text, json or html");
            return CommandLine.Usage;
        }
        return format == "html" && options.Get("--event") is null
            ? RenderAllFixtures(options, stdout, stderr)
            : RenderOne(options, format, stdout, stderr, time);
    }

    private static int RenderOne(Options options, string format, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var eventFile = options.Get("--event");
        if (options.Positional.Count == 0 || eventFile is null)
        {
            stderr.WriteLine("playbooks render: give a playbook and --event FILE, or --format html for every test case");
            return CommandLine.Usage;
        }
        if (!SignalFile.Exists(eventFile, "--event", "render", stderr) || !SignalFile.TryReadNow(options, "render", stderr, out var nowOption)) return CommandLine.Usage;
        if (SignalFile.ReadPayloads(eventFile, stderr) is not { } payloads) return CommandLine.Failed;
        var normalized = SignalNormalizer.Normalize(payloads[0].Source, payloads[0].Root, payloads[0].DeliveryKey);
        if (normalized.Signals.FirstOrDefault(s => s.Trigger is not null) is not { Trigger: { } input } signal)
        {
            stderr.WriteLine($"{eventFile}: error: {normalized.Problem ?? "the payload carries no trigger to render a message for (an attribute update)"}");
            return CommandLine.Failed;
        }
        // As the host would: rendered now (or at --now), judged at the payload's own time (or --now).
        var now = nowOption ?? time.GetUtcNow();
        var evaluatedAt = nowOption ?? signal.EvaluatedAt(now);
        var (id, directory) = Locate(options.Positional[0], options.Positional.Count > 1 ? options.Positional[1] : null);
        var compilation = PlaybookCompiler.CompileDirectory(directory);
        if (compilation.HasErrors)
        {
            DiagnosticPrinter.Text(compilation.Diagnostics.Where(d => d.IsError).ToList(), stderr);
            return CommandLine.Failed;
        }
        var playbook = compilation.Playbooks.FirstOrDefault(p => p.Id == id);
        if (playbook is null)
        {
            stderr.WriteLine($"playbooks render: no playbook \"{id}\" in {directory}");
            return CommandLine.Usage;
        }
        var record = new RecordReader(compilation.DataModel!).Read(input, evaluatedAt);
        var decision = PlaybookEvaluator.Decide(playbook, record);
        // A skipped signal is still rendered (to the default route) so a reviewer can see the message.
        var channel = decision.Channel ?? playbook.Routes[^1].Channel;
        var message = new MessageRenderer(compilation.Workspace!, compilation.DataModel!).Render(playbook, channel, input, record, now).ToJson();

        using var output = Output(options, stdout);
        if (format == "json")
        {
            output.WriteLine(message.ToJsonString(Pretty));
        }
        else if (format == "html")
        {
            output.WriteLine(HtmlPreview.Render([new PreviewItem(playbook.Id, Path.GetFileName(eventFile), channel.Name, message, decision.Escalates ? null : decision.Reason)], $"{playbook.Id} — {Path.GetFileName(eventFile)}"));
        }
        else
        {
            output.WriteLine(decision.Escalates ? $"{decision.Reason}" : $"would NOT escalate: {decision.Reason} (rendered for {channel.Name} anyway)");
            output.WriteLine();
            output.WriteLine(TerminalPreview.Render(message));
            output.WriteLine();
            output.WriteLine(message.ToJsonString(Pretty));
            output.WriteLine();
            output.WriteLine("Block Kit Builder: " + BlockKitBuilderLink.For(message));
        }
        return CommandLine.Ok;
    }

    private static int RenderAllFixtures(Options options, TextWriter stdout, TextWriter stderr)
    {
        var directory = options.Directory;
        var compilation = PlaybookCompiler.CompileDirectory(directory);
        if (compilation.HasErrors)
        {
            DiagnosticPrinter.Text(compilation.Diagnostics.Where(d => d.IsError).ToList(), stderr);
            return CommandLine.Failed;
        }
        var report = new FixtureRunner(compilation, directory).Run(update: false);
        var items = report.Results
            .Where(r => r.Message is not null)
            .Select(r => new PreviewItem(r.Playbook, r.Case, r.Channel!, r.Message!, r.Passed ? null : string.Join("; ", r.Failures)))
            .ToList();
        using (var output = Output(options, stdout))
        {
            output.WriteLine(HtmlPreview.Render(items, $"Slack messages of {directory}"));
        }
        if (options.Get("--out") is { } path) stdout.WriteLine($"wrote {items.Count} message(s) to {path}");
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

    private static TextWriter Output(Options options, TextWriter stdout) =>
        options.Get("--out") is { } path ? new StreamWriter(path) : new NonClosingWriter(stdout);

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
