using System.Diagnostics;
using System.Net;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// <c>playbooks report</c> as an operator runs it: the built CLI as a process against the built host as a process, with an
/// operator token — the table shows the escalation, a wrong token and no host are one-line errors with exit code 1.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReportCommandTests
{
    private const string Token = "operator-token-for-the-cli-0123";

    private static string CliDll => Path.Combine(RepoPaths.Root, "src", "RetentionPlaybooks.Cli", "bin",
        Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/'))!), "net10.0", "playbooks.dll");

    private static async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("RP_OPERATOR_TOKEN");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task TheReport_InTheTerminal_WithTheOperatorToken()
    {
        Assert.True(File.Exists(CliDll), $"the CLI is not built at {CliDll}");
        using var playbooks = new PlaybookCopy();
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Playbooks__Directory"] = playbooks.Path,
            ["Playbooks__Watch"] = "false",
            ["Store__Sqlite"] = Path.Combine(playbooks.Path, "report.db"),
            ["CustomerIo__JourneySecret"] = HostApp.JourneySecret,
            ["Operator__Token"] = Token,
        };
        using var host = await HostRun.StartListeningAsync(env);
        try
        {
            using var http = host.Client();
            using var sent = await http.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            await HostRun.WaitDrainedAsync(http);
            var url = host.BaseAddress!.ToString();

            var table = await RunCliAsync("report", "--url", url, "--token", Token);
            var json = await RunCliAsync("report", "--url", url, "--token", Token, "--format", "json");
            var wrong = await RunCliAsync("report", "--url", url, "--token", Token + "x");
            var missing = await RunCliAsync("report", "--url", url);

            Assert.True(table.Exit == 0, table.Stderr);
            Assert.Contains("vip-cart-abandonment", table.Stdout, StringComparison.Ordinal);
            var line = table.Stdout.Split('\n').Single(l => l.Contains("vip-cart-abandonment", StringComparison.Ordinal));
            Assert.Matches(@"vip-saves\s+retention-lead\s+1\s+1\s+0\s+0\.0\s+—\s+—", line);
            Assert.Contains("TOTAL", table.Stdout, StringComparison.Ordinal);
            Assert.Equal(0, json.Exit);
            Assert.Equal(1, System.Text.Json.JsonDocument.Parse(json.Stdout).RootElement.GetProperty("totals").GetProperty("escalated").GetInt64());
            Assert.Equal(1, wrong.Exit);
            Assert.Contains("answered 401: the host wants its operator token", wrong.Stderr, StringComparison.Ordinal);
            Assert.Equal(1, missing.Exit);
        }
        finally
        {
            await host.KillAsync();
        }
        var down = await RunCliAsync("report", "--url", "http://127.0.0.1:9/");
        var bad = await RunCliAsync("report", "--url", "ftp://x");
        Assert.Equal(1, down.Exit);
        Assert.StartsWith("playbooks report: cannot reach http://127.0.0.1:9/", down.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, bad.Exit);
    }
}
