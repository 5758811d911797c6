using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Cli;

namespace RetentionPlaybooks.Tests.Cli;

internal static class CliRunner
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 13, 30, 0, TimeSpan.Zero);

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLine.Run(args, stdout, stderr, new FakeTimeProvider(Now));
        return (exit, stdout.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), stderr.ToString());
    }
}
