using System.Diagnostics;
using System.Globalization;
using System.Net;
using RetentionPlaybooks.LoadTest;

// Load generator for the host's Journey webhook endpoint. Exit codes: 0 every 202 was persisted and nothing
// failed, 1 a failure or a durability mismatch, 2 usage error.
var culture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentCulture = culture;
CultureInfo.CurrentCulture = culture;

if (args is ["-h" or "--help"])
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}
if (args is ["--clicks", ..])
{
    // tests/RetentionPlaybooks.LoadTest -- --clicks [RATE] [SECONDS]: the interactivity endpoint under a fixed click rate.
    var clickRate = args.Length > 1 ? int.Parse(args[1], culture) : 100;
    var clickSeconds = args.Length > 2 ? int.Parse(args[2], culture) : 30;
    var clickRoot = RepoRoot.Find() ?? throw new InvalidOperationException("run from inside the repository");
    await using var clickHost = await HostProcess.StartAsync(clickRoot, null, Console.Out, ClickLoad.HostSettings);
    using var clickHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    return await ClickLoad.RunAsync(clickHttp, clickHost.Url, clickRate, TimeSpan.FromSeconds(clickSeconds), Console.Out);
}

var options = LoadOptions.Parse(args, out var usageError);
if (options is null)
{
    Console.Error.WriteLine($"loadtest: {usageError}");
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}
if (!options.StartHost && !options.Url.IsLoopback)
{
    Console.Error.WriteLine($"loadtest: refusing to load {options.Url}: only loopback hosts (127.0.0.1, localhost) are allowed");
    return 2;
}
var root = RepoRoot.Find();
if (root is null)
{
    Console.Error.WriteLine("loadtest: run from inside the repository (RetentionPlaybooks.sln not found)");
    return 2;
}

HostProcess? host = null;
try
{
    if (options.StartHost) host = await HostProcess.StartAsync(root, options.TempDir, Console.Out);
    var baseUrl = host?.Url ?? options.Url;
    var secret = host?.Secret ?? options.Secret ?? "dev-journey-secret-change-me";
    var hostPid = host?.Pid ?? options.HostPid;

    using var handler = new SocketsHttpHandler
    {
        MaxConnectionsPerServer = options.Connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };
    using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    var payloads = new PayloadFactory(Path.Combine(root, "playbooks", "samples"), options.EscalateEvery);
    var capacity = options.Rate is { } r ? (int)Math.Min(20_000_000, r * options.Duration.TotalSeconds * 1.1 + 1000) : 8_000_000;
    var latencies = new LatencyRecorder(capacity);
    var runner = new LoadRunner(http, new Uri(baseUrl, "/webhooks/customerio/journey"), secret, payloads, latencies);

    var before = await HealthSnapshot.ReadAsync(http, baseUrl);
    // Warm-up: connections open, JIT done, outside the measured window; counted in the durability check.
    var warmup = new LoadRunner(http, new Uri(baseUrl, "/webhooks/customerio/journey"), secret, payloads, new LatencyRecorder(100_000));
    await warmup.RunClosedAsync(options.Connections, TimeSpan.FromSeconds(2));
    var mode = options.Rate is { } rate ? $"open loop, {rate}/s" : $"closed loop, max, {options.Connections} connections";
    Console.WriteLine($"warm-up: {warmup.Sent} requests; now {mode} for {options.Duration.TotalSeconds:0} s against {baseUrl}");

    var hostCpuBefore = hostPid is { } p0 ? ProcessStats.CpuTime(p0) : null;
    var selfCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    if (options.Rate is { } fixedRate) await runner.RunOpenAsync(fixedRate, options.Duration, maxInFlight: 20_000);
    else await runner.RunClosedAsync(options.Connections, options.Duration);
    var elapsed = clock.Elapsed;
    var hostCpu = hostPid is { } p1 && hostCpuBefore is { } c0 && ProcessStats.CpuTime(p1) is { } c1 ? c1 - c0 : (TimeSpan?)null;
    var selfCpu = Process.GetCurrentProcess().TotalProcessorTime - selfCpuBefore;

    var after = await HealthSnapshot.ReadAsync(http, baseUrl);
    var acceptedTotal = runner.Accepted + warmup.Accepted;
    var persisted = after.InboxTotal - before.InboxTotal;
    var durable = persisted == acceptedTotal;

    // How long the pipeline takes to process what was accepted (bounded: 60 s).
    var drain = Stopwatch.StartNew();
    var pendingAtEnd = after.InboxPending;
    var last = after;
    while (last.InboxPending > 0 && drain.Elapsed < TimeSpan.FromSeconds(60))
    {
        await Task.Delay(250);
        last = await HealthSnapshot.ReadAsync(http, baseUrl);
    }
    var drained = last.InboxPending == 0;

    var peak = hostPid is { } p2 ? ProcessStats.StatusBytes(p2, "VmHWM") : null;
    var rss = hostPid is { } p3 ? ProcessStats.StatusBytes(p3, "VmRSS") : null;
    var s = latencies.Summarize();
    var throughput = runner.Accepted / elapsed.TotalSeconds;

    static string Mb(long? bytes) => bytes is { } b ? $"{b / 1048576.0:0} MiB" : "n/a (pass --host-pid)";
    Console.WriteLine();
    Console.WriteLine($"| metric | {(options.Rate is { } rr ? $"--rate {rr}" : "--rate max")} |");
    Console.WriteLine("| --- | ---: |");
    Console.WriteLine($"| mode | {mode} |");
    Console.WriteLine($"| duration | {elapsed.TotalSeconds:0.0} s |");
    Console.WriteLine($"| requests sent | {runner.Sent:N0} |");
    Console.WriteLine($"| 2xx (202 accepted / 200 duplicate) | {runner.Ok2xx:N0} ({runner.Accepted:N0} / {runner.Duplicates:N0}) |");
    Console.WriteLine($"| non-2xx + transport errors | {runner.Failed:N0}{(runner.Non2xx.IsEmpty ? "" : " (" + string.Join(", ", runner.Non2xx.Select(kv => $"{kv.Key}: {kv.Value}")) + ")")} |");
    if (runner.NotSent > 0) Console.WriteLine($"| not sent (generator over 20,000 in flight) | {runner.NotSent:N0} |");
    Console.WriteLine($"| achieved (202/s) | {throughput:N0} webhooks/s |");
    Console.WriteLine($"| latency p50 / p90 / p99 / p99.9 / max | {s.P50:0.00} / {s.P90:0.00} / {s.P99:0.00} / {s.P999:0.00} / {s.Max:0.0} ms |");
    Console.WriteLine($"| host peak RSS (VmHWM) | {Mb(peak)} |");
    Console.WriteLine($"| host RSS at end (VmRSS) | {Mb(rss)} |");
    Console.WriteLine($"| CPU during the run: host / generator | {(hostCpu is { } hc ? $"{hc.TotalSeconds:0.0} s" : "n/a")} / {selfCpu.TotalSeconds:0.0} s of {Environment.ProcessorCount * elapsed.TotalSeconds:0} core-s ({Environment.ProcessorCount} cores, shared) |");
    Console.WriteLine($"| durability: inbox_total delta == 202 count (incl. warm-up) | {persisted:N0} == {acceptedTotal:N0}: {(durable ? "yes" : "NO")} |");
    Console.WriteLine($"| inbox pending at end of load → drained | {pendingAtEnd:N0} → {(drained ? $"0 after {drain.Elapsed.TotalSeconds:0.0} s" : $"{last.InboxPending:N0} still pending after 60 s")} |");
    Console.WriteLine();
    foreach (var (kind, count) in runner.ErrorKinds) Console.WriteLine($"error x{count}: {kind}");
    if (latencies.Dropped > 0) Console.WriteLine($"note: {latencies.Dropped} latencies not recorded (recorder full)");
    return durable && runner.Failed == 0 ? 0 : 1;
}
catch (Exception ex) when (ex is HttpRequestException or FileNotFoundException or InvalidOperationException or TimeoutException)
{
    Console.Error.WriteLine($"loadtest: {ex.Message}");
    return 1;
}
finally
{
    if (host is not null)
    {
        await host.DisposeAsync();
        Console.WriteLine($"host stopped; its log: {host.LogPath}");
    }
}
