using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Playbooks;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Reloads are one at a time: a reload that started later compiles the newer files and installs after the earlier one, so two
/// quick edits cannot end on the older set. Explicit reloads and the watcher's debounced one (its timer on a fake clock) alike.
/// </summary>
public sealed class PlaybookReloadConcurrencyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void Reload_WhileAnotherReloadIsInstalling_WaitsForIt_ThenTakesTheNewerFiles()
    {
        using var playbooks = new PlaybookCopy();
        var logger = new HoldingLogger();
        using var catalog = new PlaybookCatalog(playbooks.Path, logger, new FakeTimeProvider(HostApp.Start));

        // The first reload takes sla 3h and is held inside its reload (in its "Reloaded" log line) until released.
        playbooks.Replace("vip-cart-abandonment.yaml", "sla: 2h", "sla: 3h");
        var first = Start(() => catalog.Reload());
        Assert.True(logger.Held.Wait(Bound), "the first reload did not reach its log line");
        // Edited again while the first is still inside: the second reload must wait, then compile this newer file.
        playbooks.Replace("vip-cart-abandonment.yaml", "sla: 3h", "sla: 4h");
        var second = Start(() => catalog.Reload());
        var waited = WaitUntil(() => second.Done || (second.Thread.ThreadState & ThreadState.WaitSleepJoin) != 0);

        Assert.True(waited, "the second reload neither finished nor blocked");
        Assert.False(second.Done, "the second reload ran while the first was still inside its reload");
        Assert.Equal(1, logger.Reloads);
        Assert.Equal(TimeSpan.FromHours(3), Sla(catalog));

        logger.Release.Set();
        Assert.True(first.Thread.Join(Bound) && second.Thread.Join(Bound), "a reload did not finish");
        Assert.True(first.Taken && second.Taken);
        Assert.Equal(2, logger.Reloads);
        Assert.Equal(TimeSpan.FromHours(4), Sla(catalog));
        Assert.Equal(PlaybookCompiler.CompileDirectory(playbooks.Path).SetHash, catalog.Current.SetHash);
    }

    [Fact]
    public async Task Reload_ManyAtOnceWithEditsAndTheDebounceTimerFiring_EndsOnTheLastFiles()
    {
        using var playbooks = new PlaybookCopy();
        var time = new FakeTimeProvider(HostApp.Start);
        using var catalog = new PlaybookCatalog(playbooks.Path, new HoldingLogger { Hold = false }, time);
        catalog.Watch();
        var attempts = 0;
        using var stop = new CancellationTokenSource();
        using var started = new CountdownEvent(4);

        // Four threads reload without pause while the file is edited through 12 versions and the fake clock fires the
        // watcher's debounced reload between edits.
        var reloaders = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            started.Signal();
            for (var i = 0; i < 100 && !stop.IsCancellationRequested; i++)
            {
                catalog.Reload();
                Interlocked.Increment(ref attempts);
            }
        })).ToList();
        Assert.True(started.Wait(Bound), "the reloaders did not start");
        var sla = 2;
        for (var version = 3; version <= 14; version++)
        {
            playbooks.Replace("vip-cart-abandonment.yaml", $"sla: {sla}h", $"sla: {version}h");
            sla = version;
            time.Advance(PlaybookCatalog.Debounce);
        }
        // The last edit is on disk before this reload starts: whatever else is reloading, nothing may install an older set
        // after it (a reload that compiled older files installs before it; one that starts after compiles the last files).
        Assert.True(catalog.Reload(), "the reload after the last edit was rejected: " + catalog.Rejection?.Reason);
        var right = (Sla(catalog), catalog.Current.SetHash);
        await stop.CancelAsync();
        await Task.WhenAll(reloaders).WaitAsync(Bound);

        var last = PlaybookCompiler.CompileDirectory(playbooks.Path).SetHash;
        Assert.True(attempts > 0, "no reload ran beside the edits");
        Assert.Equal((TimeSpan.FromHours(14), last), right);
        Assert.Equal((TimeSpan.FromHours(14), last), (Sla(catalog), catalog.Current.SetHash));
        Assert.Null(catalog.Rejection);
    }

    [Fact]
    public async Task Watch_OnTheHost_AFileChangeReachesHealthsPlaybooksHash_OnceTheDebounceHasPassed_NotBefore()
    {
        using var playbooks = new PlaybookCopy();
        using var app = new HostApp(playbooks.Path, new Dictionary<string, string?> { ["Playbooks:Watch"] = "true" });
        var before = Hash(await app.HealthAsync());
        var catalog = app.Services.GetRequiredService<PlaybookCatalog>();

        playbooks.Replace("vip-cart-abandonment.yaml", "sla: 2h", "sla: 3h");
        var after = PlaybookCompiler.CompileDirectory(playbooks.Path).SetHash;
        // The watcher reports on its own thread: wait (bounded, real time) until the debounce is armed.
        await WaitForAsync(() => catalog.ReloadPending);
        app.Time.Advance(PlaybookCatalog.Debounce - TimeSpan.FromMilliseconds(1));
        var notYet = Hash(await app.HealthAsync());
        // A save can raise more than one event, each restarting the wait: step on until /health shows the new set.
        var health = await WaitForHealthAsync(app, h => Hash(h) == after);

        Assert.NotEqual(before, after);
        Assert.Equal(before, notYet);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("playbooks_loaded_at").GetDateTimeOffset() >= HostApp.Start + PlaybookCatalog.Debounce);
    }

    private static string Hash(JsonElement health) => health.GetProperty("playbooks_hash").GetString()!;

    private static TimeSpan? Sla(PlaybookCatalog catalog) => catalog.Current.Playbooks.SingleOrDefault(p => p.Id == "vip-cart-abandonment")?.Sla;

    private static async Task<JsonElement> WaitForHealthAsync(HostApp app, Func<JsonElement, bool> condition)
    {
        for (var i = 0; i < 1000; i++)
        {
            var health = await app.HealthAsync();
            if (condition(health)) return health;
            app.Time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.Delay(10);
        }
        throw new TimeoutException("/health did not show the new playbooks within 10 s: " + await app.HealthAsync());
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (condition()) return;
            await Task.Delay(10);
        }
        throw new TimeoutException("the condition was not reached within 10 s");
    }

    /// <summary>Polls (bounded, real time) until the condition holds; false when it never did.</summary>
    private static bool WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 10_000; i++)
        {
            if (condition()) return true;
            Thread.Yield();
            if (i % 100 == 99) Thread.Sleep(1);
        }
        return false;
    }

    private static Reloading Start(Func<bool> reload)
    {
        var reloading = new Reloading();
        reloading.Thread = new Thread(() =>
        {
            reloading.Taken = reload();
            reloading.Done = true;
        }) { IsBackground = true };
        reloading.Thread.Start();
        return reloading;
    }

    private sealed class Reloading
    {
        public Thread Thread { get; set; } = null!;

        public volatile bool Done;

        public volatile bool Taken;
    }

    /// <summary>Counts the catalog's "Reloaded" lines; the first one (when <see cref="Hold"/>) waits for <see cref="Release"/>.</summary>
    private sealed class HoldingLogger : ILogger<PlaybookCatalog>
    {
        private int _reloads;

        public bool Hold { get; init; } = true;

        public ManualResetEventSlim Held { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public int Reloads => Volatile.Read(ref _reloads);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!formatter(state, exception).StartsWith("Reloaded ", StringComparison.Ordinal)) return;
            if (Interlocked.Increment(ref _reloads) == 1 && Hold)
            {
                Held.Set();
                Release.Wait(Bound);
            }
        }
    }
}
