using System.Net;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The host as an operator starts it: a real process, its exit code and what it prints.</summary>
[Trait("Category", "Slow")] // real processes, locks, disks or clocks; every wait bounded
public sealed class HostProcessTests
{
    [Fact]
    public async Task Start_InvalidPlaybooks_ExitsWithTheDiagnostics_NotAnAbort()
    {
        using var playbooks = new PlaybookCopy().Replace("vip-cart-abandonment.yaml", "  - default: vip-saves", "  - default: vip-save");
        var env = Environment(playbooks.Path, Path.Combine(playbooks.Path, "host.db"));

        using var run = HostRun.Start(env);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await run.Process.WaitForExitAsync(timeout.Token);
        run.Process.WaitForExit(); // flushes the redirected streams

        Assert.Equal(1, run.Process.ExitCode);
        Assert.Contains("vip-cart-abandonment.yaml(19,14): error RP0301: undefined channel \"vip-save\"", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_FromAnotherFolder_ReadsItsOwnSettings_AndDoesNotLogEveryRequest()
    {
        using var playbooks = new PlaybookCopy();
        var elsewhere = Directory.CreateTempSubdirectory("rp-elsewhere-").FullName;
        try
        {
            var env = Environment(playbooks.Path, Path.Combine(elsewhere, "host.db"));
            using var host = await HostRun.StartListeningAsync(env, elsewhere);
            using var http = host.Client();
            for (var i = 0; i < 5; i++) (await http.GetAsync("/alive")).Dispose();
            using var response = await http.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            await host.KillAsync();

            // appsettings.json next to the binary turns request logging (Microsoft.AspNetCore at Information) down to warnings.
            Assert.Contains("Loaded 4 playbook(s)", host.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("Request starting", host.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("Request finished", host.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    private static Dictionary<string, string> Environment(string playbooks, string db) => new()
    {
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Playbooks__Directory"] = playbooks,
        ["Playbooks__Watch"] = "false",
        ["Store__Sqlite"] = db,
        ["CustomerIo__JourneySecret"] = HostApp.JourneySecret,
    };
}
