using RetentionPlaybooks.Cli.Commands;

namespace RetentionPlaybooks.Cli;

/// <summary>Dispatches <c>playbooks &lt;command&gt;</c>. Exit codes: 0 clean, 1 problems found, 2 usage error.</summary>
internal static class CommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public const string Help = """
        usage: playbooks <command> [options]

        commands:
          validate [DIR]               check every playbook in DIR (default: playbooks)
              --format text|github|json  output style (github prints Actions annotations)
              --warnaserror            treat warnings as errors
          explain --event FILE [DIR]   run one Customer.io payload through the host's pipeline and show every step:
                                       gates, exclusions, route, guardrails (a Journey body, a reporting webhook,
                                       or a Data Pipelines call or batch)
              --history FILE           earlier payloads, one JSON a line, replayed first (cooldown, dedupe, caps)
              --now TIME               evaluation clock (ISO 8601); default: the payload's timestamp, else now
          test [DIR]                   run the playbooks' test cases (<id>.tests.yaml) and compare snapshots
              --update                 rewrite the snapshot files instead of failing on a difference
              --format text|github     github adds annotations and a step summary with Block Kit Builder links
          render PLAYBOOK --event FILE [DIR]
                                       print one message: Block Kit JSON, a text preview and a Builder link
              --now TIME               render (and judge) at TIME; default: rendered now, judged at the payload's time
              --format text|json|html  html: a page with every test case's message (no PLAYBOOK needed)
              --out FILE               write the output to FILE
          demo                         post every sample payload to a running host, wait for delivery, show /preview
              --url URL                the host (default http://127.0.0.1:5080)
              --secret S               X-Webhook-Secret (default: the Development secret)
              --samples DIR            sample payloads (default: playbooks/samples)

        exit codes: 0 clean, 1 errors found, 2 usage error
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Help);
            return args.Length == 0 ? Usage : Ok;
        }
        try
        {
            return args[0] == "demo" ? DemoCommand.Run(args[1..], stdout, stderr, time) : Dispatch(args, stdout, stderr, time);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file the command writes or reads that the file system refuses (--out in a missing folder, a snapshot
            // in a read-only one): one line, not a stack trace. Playbook files themselves are compiler diagnostics.
            stderr.WriteLine($"playbooks {args[0]}: {ex.Message}");
            return Failed;
        }
    }

    private static int Dispatch(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var options = Options.Parse(args.Skip(1), out var error);
        if (options is null)
        {
            stderr.WriteLine($"playbooks {args[0]}: {error}");
            stderr.WriteLine(Help);
            return Usage;
        }
        return args[0] switch
        {
            "validate" => ValidateCommand.Run(options, stdout, stderr),
            "explain" => ExplainCommand.Run(options, stdout, stderr, time),
            "test" => TestCommand.Run(options, stdout, stderr),
            "render" => RenderCommand.Run(options, stdout, stderr, time),
            _ => UnknownCommand(args[0], stderr),
        };
    }

    private static int UnknownCommand(string name, TextWriter stderr)
    {
        stderr.WriteLine($"playbooks: unknown command \"{name}\"");
        stderr.WriteLine(Help);
        return Usage;
    }
}
