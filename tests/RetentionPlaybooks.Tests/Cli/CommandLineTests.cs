using System.CommandLine.Help;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Cli;
using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

/// <summary>The command line itself: each command takes exactly its own arguments and options, and every usage error is one line.</summary>
public sealed partial class CommandLineTests
{
    private static readonly string Sample = Path.Combine(RepoPaths.Playbooks, "samples", "vip-cart-abandoned.json");

    private static readonly string[] CommandNames = ["validate", "explain", "test", "render", "demo"];

    /// <summary>Options that every command knew before each declared its own: each is a usage error where it does not belong.</summary>
    [Theory]
    [InlineData("validate", "--event", "validate", "--event", "x")]
    [InlineData("explain", "--update", "explain", "--event", "{sample}", "--update")]
    [InlineData("test", "--warnaserror", "test", "--warnaserror")]
    [InlineData("render", "--history", "render", "vip-cart-abandonment", "--event", "{sample}", "--history", "{sample}")]
    [InlineData("demo", "--format", "demo", "--format", "json")]
    public void OptionTheCommandDoesNotTake_IsAUsageErrorNamingIt(string command, string option, params string[] args)
    {
        var (exit, output, error) = CliRunner.Run(args.Select(a => a == "{sample}" ? Sample : a).ToArray());

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var line = OneLine(error);
        Assert.StartsWith($"playbooks {command}: unknown option {option}", line, StringComparison.Ordinal);
        Assert.Contains($"playbooks {command} --help", line, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOption_CloseToAKnownOne_SuggestsIt()
    {
        var (exit, _, error) = CliRunner.Run("validate", "--formt", "json", RepoPaths.Playbooks);

        Assert.Equal(2, exit);
        Assert.Equal("playbooks validate: unknown option --formt; did you mean --format?", OneLine(error));
    }

    [Fact]
    public void UnknownOption_AfterTheArguments_IsNamedToo()
    {
        var (exit, _, error) = CliRunner.Run("test", RepoPaths.Playbooks, "--bogus");

        Assert.Equal(2, exit);
        Assert.Equal("playbooks test: unknown option --bogus; test takes --update, --format, --compare (playbooks test --help)", OneLine(error));
    }

    [Fact]
    public void DoubleDash_LetsAnArgumentStartWithADash()
    {
        var (exit, output, error) = CliRunner.Run("validate", "--", "--no-such-folder");

        Assert.Equal(1, exit);
        Assert.Equal("", error);
        Assert.StartsWith("--no-such-folder: error RP0006: cannot read the playbooks folder: no such directory", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtraArgument_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run("validate", RepoPaths.Playbooks, "more");

        Assert.Equal(2, exit);
        Assert.Equal("playbooks validate: Unrecognized command or argument 'more'.", OneLine(error));
    }

    [Fact]
    public void Explain_WithoutEvent_SaysTheOptionIsRequired()
    {
        var (exit, output, error) = CliRunner.Run("explain", RepoPaths.Playbooks);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("playbooks explain: Option '--event' is required.", OneLine(error));
    }

    [Fact]
    public void OptionWithoutItsValue_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run("explain", "--event");

        Assert.Equal(2, exit);
        Assert.Equal("playbooks explain: Required argument missing for option: '--event'.", OneLine(error));
    }

    [Theory]
    [InlineData("validate", "xml", "'text', 'github', 'json'")]
    [InlineData("test", "json", "'text', 'github'")]
    [InlineData("render", "markdown", "'text', 'json', 'html'")]
    public void InvalidFormat_IsAUsageErrorListingTheAllowedValues(string command, string format, string allowed)
    {
        var (exit, output, error) = CliRunner.Run(command, "--format", format);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal($"playbooks {command}: --format: Argument '{format}' not recognized. Must be one of: {allowed}", OneLine(error));
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("explain")]
    [InlineData("test")]
    [InlineData("render")]
    [InlineData("demo")]
    public void CommandHelp_ExitsZeroAndListsExactlyTheCommandsOptions(string name)
    {
        var command = Command(name);

        var (exit, output, error) = CliRunner.Run(name, "--help");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains($"playbooks {name}", output, StringComparison.Ordinal);
        var own = Options(command);
        Assert.NotEmpty(own);
        foreach (var option in own) Assert.Contains(option, output, StringComparison.Ordinal);
        foreach (var other in CommandNames.Where(n => n != name).SelectMany(n => Options(Command(n))).Except(own))
        {
            Assert.DoesNotContain(other + " ", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CommandHelp_WinsOverAMissingRequiredOption()
    {
        var (exit, output, _) = CliRunner.Run("explain", "-h");

        Assert.Equal(0, exit);
        Assert.Contains("--event <FILE> (REQUIRED)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpCommand_ShowsTheCommandsHelp()
    {
        var (exit, output, _) = CliRunner.Run("help", "render");

        Assert.Equal(0, exit);
        Assert.Contains("--format <text|json|html>", output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCommand_IsAUsageErrorNamingItAndTheCommands()
    {
        var (exit, output, error) = CliRunner.Run("frobnicate", "--format", "json");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("playbooks: unknown command \"frobnicate\"; the commands are validate, explain, test, render, demo, report, simulate, generate-history and doctor (playbooks --help)", OneLine(error));
    }

    [Fact]
    public void NoCommand_PrintsTheOverviewToStderrAndExitsTwo()
    {
        var (exit, output, error) = CliRunner.Run();

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("usage: playbooks <command> [options]", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void TopLevelHelp_PrintsTheOverviewAndExitsZero(string flag)
    {
        var (exit, output, error) = CliRunner.Run(flag);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.StartsWith("usage: playbooks <command> [options]", output, StringComparison.Ordinal);
    }

    /// <summary>The overview is written by hand: under each command it names exactly the options that command declares.</summary>
    [Fact]
    public void TopLevelHelp_ListsEveryCommandWithExactlyItsOptions()
    {
        var lines = CommandLine.Help.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        foreach (var name in CommandNames)
        {
            var start = lines.FindIndex(l => l.StartsWith($"  {name} ", StringComparison.Ordinal) || l == $"  {name}");
            Assert.True(start >= 0, $"{name} is not in the help");
            var end = lines.FindIndex(start + 1, l => CommandLineRegex().IsMatch(l) || l.Length == 0);
            var section = string.Join('\n', lines[start..end]);
            var listed = OptionRegex().Matches(section).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(Options(Command(name)).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        }
    }

    private static System.CommandLine.Command Command(string name) =>
        CommandLine.Create(new CliContext(TextWriter.Null, TextWriter.Null, new FakeTimeProvider(), TimeSpan.Zero)).Subcommands.Single(c => c.Name == name);

    private static List<string> Options(System.CommandLine.Command command) =>
        command.Options.Where(o => o is not HelpOption).Select(o => o.Name).ToList();

    /// <summary>The error output, asserted to be exactly one line.</summary>
    private static string OneLine(string error)
    {
        var lines = error.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"expected one line, got:\n{error}");
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        return lines[0];
    }

    [GeneratedRegex(@"^  [a-z]")]
    private static partial Regex CommandLineRegex();

    [GeneratedRegex(@"--[a-z]+")]
    private static partial Regex OptionRegex();
}
