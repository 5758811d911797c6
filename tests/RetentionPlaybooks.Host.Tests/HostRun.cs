using System.Diagnostics;
using System.Text;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The built host started as a real process (as an operator starts it), with what it prints captured.</summary>
internal sealed class HostRun : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private HostRun(Process process) => Process = process;

    public Process Process { get; }

    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>Where the host listens, once it has said so.</summary>
    public Uri? BaseAddress { get; private set; }

    /// <summary>
    /// Starts the host on a port the system picks (port 0: no race between finding a free port and taking it) and
    /// waits, bounded, until the host prints the address it listens on.
    /// </summary>
    public static async Task<HostRun> StartListeningAsync(IReadOnlyDictionary<string, string> env, string? workingDirectory = null)
    {
        var run = Start(new Dictionary<string, string>(env) { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" }, workingDirectory);
        for (var i = 0; i < 600 && !run.Process.HasExited; i++)
        {
            var match = System.Text.RegularExpressions.Regex.Match(run.Stdout, @"Now listening on: (http://127\.0\.0\.1:\d+)");
            if (match.Success)
            {
                run.BaseAddress = new Uri(match.Groups[1].Value);
                return run;
            }
            await Task.Delay(50);
        }
        run.Dispose();
        throw new TimeoutException($"the host process did not start listening: {run.Stderr}");
    }

    /// <summary>Polls /health (bounded, real time) until the host's inbox and outbox are empty; its last answer.</summary>
    public static async Task<System.Text.Json.JsonElement> WaitDrainedAsync(HttpClient http)
    {
        for (var i = 0; i < 600; i++)
        {
            var health = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(http, "/health");
            if (health.GetProperty("inbox_pending").GetInt64() == 0 && health.GetProperty("outbox_pending").GetInt64() == 0
                && health.GetProperty("write_back_pending").GetInt64() == 0) return health;
            await Task.Delay(50);
        }
        throw new TimeoutException("the host did not drain");
    }

    /// <summary>A client for the listening host.</summary>
    public HttpClient Client() => new() { BaseAddress = BaseAddress ?? throw new InvalidOperationException("not listening"), Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Starts RetentionPlaybooks.Host.dll from the test's output folder, in <paramref name="workingDirectory"/>.</summary>
    public static HostRun Start(IReadOnlyDictionary<string, string> env, string? workingDirectory = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RetentionPlaybooks.Host.dll");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var (k, v) in env) info.Environment[k] = v;
        var run = new HostRun(Process.Start(info)!);
        run.Process.OutputDataReceived += (_, e) => { lock (run._stdout) run._stdout.AppendLine(e.Data); };
        run.Process.ErrorDataReceived += (_, e) => { lock (run._stderr) run._stderr.AppendLine(e.Data); };
        run.Process.BeginOutputReadLine();
        run.Process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Sends SIGTERM, as an orchestrator stopping the host does, and waits (bounded) for it to exit; its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        if (!Process.HasExited && Kill(Process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill -TERM {Process.Id} failed");
        using var wait = new CancellationTokenSource(within);
        await Process.WaitForExitAsync(wait.Token);
        return Process.ExitCode;
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Kills the process at once, as SIGKILL would: no graceful stop.</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
