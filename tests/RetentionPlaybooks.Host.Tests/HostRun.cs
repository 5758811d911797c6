using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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

    /// <summary>Waits (bounded, real time) until the process answers /alive.</summary>
    public async Task WaitAliveAsync(HttpClient http)
    {
        for (var i = 0; i < 300 && !Process.HasExited; i++)
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
        throw new TimeoutException($"the host process did not start: {Stderr}");
    }

    /// <summary>Kills the process at once, as SIGKILL would: no graceful stop.</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
