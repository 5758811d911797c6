using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using RetentionPlaybooks.Cli.Commands;

namespace RetentionPlaybooks.Cli;

/// <summary>What every command writes to and reads the clock from.</summary>
/// <param name="DrainTimeout">How long <c>demo</c> waits for the host to deliver (shorter in tests).</param>
/// <param name="Http">For <c>playbooks report</c>: how requests reach the host (a test's in-process host); null for the network.</param>
/// <param name="Environment">For <c>playbooks doctor</c>: reads the host's configuration keys (a test's values); null for the process environment.</param>
/// <param name="Interactive">stderr is a terminal: long runs may draw a progress bar there.</param>
/// <param name="Terminal">stdout is a terminal: tables are drawn with borders and bold headings (<see cref="Commands.CliTable"/>).</param>
internal sealed record CliContext(TextWriter Stdout, TextWriter Stderr, TimeProvider Time, TimeSpan DrainTimeout, HttpMessageHandler? Http = null,
    Func<string, string?>? Environment = null, bool Interactive = false, bool Terminal = false);

/// <summary>
/// Dispatches <c>playbooks &lt;command&gt;</c> through System.CommandLine: each command declares exactly its arguments
/// and options (<see cref="Create"/>), so a flag it does not take is a usage error. Every error is one line,
/// <c>playbooks &lt;command&gt;: &lt;message&gt;</c>, on stderr. Exit codes: 0 clean, 1 problems found, 2 usage error.
/// </summary>
internal static class CommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public const string Help = """
        usage: playbooks <command> [options]      (playbooks <command> --help: that command's arguments and options)

        commands:
          validate [DIR]               check every playbook in DIR (default: playbooks)
              --format text|github|json  output style (github prints Actions annotations)
              --warnaserror            treat warnings as errors
              --summary                a table of the playbooks (trigger, channels, owner, SLA, guardrails, status)
                                       and of the channels (budget, digest, playbooks, caps); github: in the step summary
          explain --event FILE [DIR]   run one Customer.io payload through the host's pipeline and show every step:
                                       gates, exclusions, route, guardrails (a Journey body, a reporting webhook,
                                       or a Data Pipelines call or batch)
              --history FILE           earlier payloads, one JSON a line, replayed first (cooldown, dedupe, caps)
              --now TIME               evaluation clock (ISO 8601); default: the payload's timestamp, else now
          test [DIR]                   run the playbooks' test cases (<id>.tests.yaml) and compare snapshots
              --update                 rewrite the snapshot files instead of failing on a difference
              --format text|github     github adds annotations and a step summary with Block Kit Builder links
              --compare DIR            list the cases whose message differs from DIR's (the base branch); with
                                       github, each drawn before and after in the step summary
          render PLAYBOOK --event FILE [DIR]
                                       print one message: Block Kit JSON, a text preview and a Builder link
              --now TIME               render (and judge) at TIME; default: rendered now, judged at the payload's time
              --format text|json|html  html: a page with every test case's message (no PLAYBOOK needed)
              --out FILE               write the output to FILE
          report --url URL             a host's outcome report: per playbook and channel, escalations, acks, SLA, saves
              --from TIME, --to TIME   the period (default: the 30 days before now)
              --token T                the host's Operator__Token (default: $RP_OPERATOR_TOKEN)
              --format table|json|csv
          simulate --history FILE [DIR]  replay a history (one payload a line) through the playbooks: per channel and
                                       day, messages posted and held back by cooldown, dedupe, caps, budget, inhibit
              --history FILE           repeat for several files
              --compare DIR            replay it through another folder too (the base branch) and print the difference
              --format text|json|github  github: a step summary and a warning on each channel over its budget
              --fail-over-budget       exit 1 when a channel gets more escalations in a day than its daily_budget
          generate-history             write a plausible month of payloads for the shipped data model (to try simulate)
              --days N, --customers N, --per-day N, --seed N, --start DATE, --out FILE
          doctor [DIR]                 the implementation checklist against the live setup (the host's environment
                                       variables): Slack app, scopes, channels, DM users, secrets, Track API and
                                       region, every channel and playbook; ✓/✗ with the fix for each ✗
              --format text|json|github
          demo                         post every sample payload to a running host, wait for delivery, show /preview
              --url URL                the host (default http://127.0.0.1:5080)
              --secret S               X-Webhook-Secret (default: the Development secret)
              --samples DIR            sample payloads (default: playbooks/samples)

        exit codes: 0 clean, 1 errors found, 2 usage error
        """;

    /// <summary>Response files (<c>@file</c>) are off: an argument starting with @ is a path, not a list of arguments.</summary>
    private static readonly ParserConfiguration Parser = new() { ResponseFileTokenReplacer = null };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time) =>
        RunAsync(args, new CliContext(stdout, stderr, time, DemoCommand.DefaultDrainTimeout,
            Interactive: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected,
            Terminal: ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected)).GetAwaiter().GetResult();

    internal static async Task<int> RunAsync(string[] args, CliContext cli)
    {
        if (args.Length == 0)
        {
            cli.Stderr.WriteLine(Help);
            return Usage;
        }
        if (args[0] is "-h" or "--help" or "help")
        {
            if (args is ["help", var name, ..]) return await RunAsync([name, "--help"], cli).ConfigureAwait(false);
            cli.Stdout.WriteLine(Help);
            return Ok;
        }
        var root = Create(cli);
        if (!root.Subcommands.Any(c => c.Name == args[0]))
        {
            var names = root.Subcommands.Select(c => c.Name).ToList();
            cli.Stderr.WriteLine($"playbooks: unknown command \"{args[0]}\"; the commands are {string.Join(", ", names[..^1])} and {names[^1]} (playbooks --help)");
            return Usage;
        }
        var parsed = root.Parse(args, Parser);
        if (parsed.Action is not HelpAction)
        {
            // --help wins over any error, as System.CommandLine has it; otherwise the first error is the one reported.
            if (UnknownOption(parsed) is { } unknown) return UsageError(cli.Stderr, args[0], unknown);
            if (parsed.Errors.Count > 0) return UsageError(cli.Stderr, args[0], OneLine(parsed.Errors[0]));
        }
        try
        {
            var invocation = new InvocationConfiguration
            {
                Output = cli.Stdout,
                Error = cli.Stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await parsed.InvokeAsync(invocation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file the command writes or reads that the file system refuses (--out in a missing folder, a snapshot
            // in a read-only one): one line, not a stack trace. Playbook files themselves are compiler diagnostics.
            cli.Stderr.WriteLine($"playbooks {args[0]}: {ex.Message}");
            return Failed;
        }
        catch (Exception ex)
        {
            // Anything else is a bug in the command: still one line, never a stack trace in the user's terminal.
            cli.Stderr.WriteLine($"playbooks {args[0]}: internal error: {ex.GetType().Name}: {ex.Message}");
            return Failed;
        }
    }

    /// <summary>The command tree: every command with exactly the arguments and options it takes, and --help.</summary>
    internal static Command Create(CliContext cli)
    {
        var help = new HelpOption { Action = new HelpAction { MaxWidth = 120 } };
        var root = new Command("playbooks", "Check, explain, test and preview retention playbooks.")
        {
            help,
            ValidateCommand.Create(cli),
            ExplainCommand.Create(cli),
            TestCommand.Create(cli),
            RenderCommand.Create(cli),
            DemoCommand.Create(cli),
            ReportCommand.Create(cli),
            SimulateCommand.Create(cli),
            GenerateHistoryCommand.Create(cli),
            DoctorCommand.Create(cli),
        };
        return root;
    }

    /// <summary>Prints <c>playbooks COMMAND: MESSAGE</c> and gives the usage exit code.</summary>
    public static int UsageError(TextWriter stderr, string command, string message)
    {
        stderr.WriteLine($"playbooks {command}: {message}");
        return Usage;
    }

    /// <summary>Prints <c>playbooks COMMAND: MESSAGE</c> and gives the failure exit code.</summary>
    public static int Failure(TextWriter stderr, string command, string message)
    {
        stderr.WriteLine($"playbooks {command}: {message}");
        return Failed;
    }

    /// <summary>
    /// The first token that looks like an option (before any <c>--</c>) but is none of the command's: System.CommandLine
    /// would take <c>validate --event x</c> as DIR "--event" and complain about "x". Named, with the nearest option.
    /// </summary>
    private static string? UnknownOption(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var optionValues = parsed.CommandResult.Children.OfType<OptionResult>().SelectMany(o => o.Tokens).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var token in parsed.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) break;
            if (token.Type != TokenType.Argument || token.Value.Length < 2 || token.Value[0] != '-' || optionValues.Contains(token)) continue;
            var name = token.Value.Split('=', ':')[0];
            var options = command.Options.Where(o => o is not HelpOption).Select(o => o.Name).ToList();
            var nearest = options.MinBy(o => Distance(o, name));
            return nearest is not null && Distance(nearest, name) <= 2
                ? $"unknown option {name}; did you mean {nearest}?"
                : $"unknown option {name}; {command.Name} takes {(options.Count == 0 ? "no options" : string.Join(", ", options))} (playbooks {command.Name} --help)";
        }
        return null;
    }

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>
    /// A parse error on one line, naming the option it is about when System.CommandLine's message does not
    /// ("Argument 'xml' not recognized. Must be one of:\n\t'text'\n\t'github'" becomes
    /// "--format: Argument 'xml' not recognized. Must be one of: 'text', 'github'").
    /// </summary>
    private static string OneLine(ParseError error)
    {
        var parts = error.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var message = parts.Length > 1 ? $"{parts[0]} {string.Join(", ", parts[1..])}" : parts.FirstOrDefault() ?? "";
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        return option is not null && !message.Contains(option.Name, StringComparison.Ordinal) ? $"{option.Name}: {message}" : message;
    }
}
