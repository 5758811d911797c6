using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The host as an operator starts it: a real process, its exit code and what it prints.</summary>
public sealed class HostProcessTests
{
    [Fact]
    public async Task Start_InvalidPlaybooks_ExitsWithTheDiagnostics_NotAnAbort()
    {
        using var playbooks = new PlaybookCopy().Replace("vip-cart-abandonment.yaml", "  - default: vip-saves", "  - default: vip-save");
        var env = Environment(playbooks.Path, Path.Combine(playbooks.Path, "host.db"), FreePort());

        var run = await RunToExitAsync(env, AppContext.BaseDirectory);

        Assert.Equal(1, run.ExitCode);
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
            var port = FreePort();
            var env = Environment(playbooks.Path, Path.Combine(elsewhere, "host.db"), port);
            using var host = Start(env, elsewhere);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitAliveAsync(http, host.Process);
            for (var i = 0; i < 5; i++) (await http.GetAsync("/alive")).Dispose();
            using var response = await http.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            host.Process.Kill(entireProcessTree: true);
            await host.Process.WaitForExitAsync();

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

    private static Dictionary<string, string> Environment(string playbooks, string db, int port) => new()
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Playbooks__Directory"] = playbooks,
        ["Playbooks__Watch"] = "false",
        ["Store__Sqlite"] = db,
        ["CustomerIo__JourneySecret"] = HostApp.JourneySecret,
    };

    private sealed class HostRun(Process process) : IDisposable
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();

        public Process Process { get; } = process;

        public string Stdout
        {
            get { lock (_stdout) return _stdout.ToString(); }
        }

        public string Stderr
        {
            get { lock (_stderr) return _stderr.ToString(); }
        }

        public void Attach()
        {
            Process.OutputDataReceived += (_, e) => { lock (_stdout) _stdout.AppendLine(e.Data); };
            Process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    private static HostRun Start(IReadOnlyDictionary<string, string> env, string workingDirectory)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RetentionPlaybooks.Host.dll");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (k, v) in env) info.Environment[k] = v;
        var run = new HostRun(Process.Start(info)!);
        run.Attach();
        return run;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(IReadOnlyDictionary<string, string> env, string workingDirectory)
    {
        using var run = Start(env, workingDirectory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await run.Process.WaitForExitAsync(timeout.Token);
        run.Process.WaitForExit(); // flushes the redirected streams
        return (run.Process.ExitCode, run.Stdout, run.Stderr);
    }

    private static async Task WaitAliveAsync(HttpClient http, Process process)
    {
        for (var i = 0; i < 300 && !process.HasExited; i++)
        {
            try
            {
                using var response = await http.GetAsync("/alive");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the host process did not start");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
