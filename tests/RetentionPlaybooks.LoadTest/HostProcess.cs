using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RetentionPlaybooks.LoadTest;

/// <summary>
/// The host started as a child process from its Release build, on a free loopback port, with a fresh temp
/// SQLite file, the repository's playbooks and a journey secret, all through environment variables.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private HostProcess(Process process, StreamWriter log, Uri url, string secret, string directory)
    {
        _process = process;
        _log = log;
        Url = url;
        Secret = secret;
        Directory = directory;
    }

    public Uri Url { get; }

    public string Secret { get; }

    /// <summary>Temp folder holding the database and the host's console log.</summary>
    public string Directory { get; }

    public int Pid => _process.Id;

    public string LogPath => Path.Combine(Directory, "host.log");

    public static async Task<HostProcess> StartAsync(string repoRoot, string? tempRoot, TextWriter output, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(repoRoot, "src", "RetentionPlaybooks.Host", "bin", "Release", "net10.0", "RetentionPlaybooks.Host.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} not found: build it first with `dotnet build -c Release src/RetentionPlaybooks.Host`");
        }
        var port = FreePort();
        var directory = Path.Combine(tempRoot ?? Path.GetTempPath(), "rp-load-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var secret = "load-" + Guid.NewGuid().ToString("N");
        var url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Playbooks__Directory"] = Path.Combine(repoRoot, "playbooks");
        info.Environment["Store__Sqlite"] = Path.Combine(directory, "load.db");
        info.Environment["CustomerIo__JourneySecret"] = secret;
        info.Environment.Remove("Slack__BotToken");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var log = new StreamWriter(Path.Combine(directory, "host.log")) { AutoFlush = false };
        var sync = TextWriter.Synchronized(log);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) sync.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) sync.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, log, url, secret, directory);
        output.WriteLine($"started host pid {process.Id} on {url} (db and log in {directory})");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                await host.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"the host exited with code {process.ExitCode} during start-up; see {Path.Combine(directory, "host.log")}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(url, "/alive")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    output.WriteLine($"host alive after {deadline.Elapsed.TotalSeconds:0.0} s");
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        await host.DisposeAsync().ConfigureAwait(false);
        throw new TimeoutException($"the host did not answer GET /alive within 30 s; see {Path.Combine(directory, "host.log")}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (TimeoutException)
        {
        }
        _process.Dispose();
        await _log.FlushAsync().ConfigureAwait(false);
        await _log.DisposeAsync().ConfigureAwait(false);
        // The database can be hundreds of MB after a run; the log stays for inspection.
        foreach (var file in System.IO.Directory.GetFiles(Directory, "load.db*")) File.Delete(file);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
