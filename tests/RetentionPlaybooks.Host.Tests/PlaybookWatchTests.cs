using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Playbooks;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The playbook folder as an editor changes it while the host runs: real file events, the debounce on a fake clock.</summary>
public sealed class PlaybookWatchTests
{
    [Fact]
    public async Task Watch_FileSaved_ReloadsOnceTheFolderIsQuiet_NotBefore()
    {
        using var playbooks = new PlaybookCopy();
        var time = new FakeTimeProvider(HostApp.Start);
        using var catalog = new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, time);
        catalog.Watch();

        playbooks.Replace("vip-cart-abandonment.yaml", "sla: 2h", "sla: 3h");
        // The watcher reports on its own thread: wait (bounded, real time) until its debounce timer is armed.
        await WaitForAsync(() => catalog.ReloadPending);
        time.Advance(PlaybookCatalog.Debounce - TimeSpan.FromMilliseconds(1));
        var before = Sla(catalog);
        // A save can raise more than one event; each restarts the wait, so step on until the reload has happened.
        await WaitForAsync(() => Step(time, TimeSpan.FromMilliseconds(1)) && Sla(catalog) == TimeSpan.FromHours(3));

        Assert.Equal(TimeSpan.FromHours(2), before);
        Assert.True(catalog.LoadedAt >= HostApp.Start + PlaybookCatalog.Debounce, $"reloaded at {catalog.LoadedAt:O}, before the folder was quiet");
        // A late event of the same save (the OS may report it after the reload) arms one more wait; it too ends.
        await WaitForAsync(() => Step(time, TimeSpan.FromMilliseconds(1)) && !catalog.ReloadPending);
        Assert.False(catalog.ReloadPending);
        Assert.Equal(TimeSpan.FromHours(3), Sla(catalog));
    }

    [Fact]
    public async Task Watch_BrokenSave_KeepsTheLastGoodSet_AndSaysWhichFile()
    {
        using var playbooks = new PlaybookCopy();
        var time = new FakeTimeProvider(HostApp.Start);
        using var catalog = new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, time);
        var good = catalog.Current;
        catalog.Watch();

        playbooks.Replace("subscription-cancel-save.yaml", "sla: 4h", "sla: {4h");
        await WaitForAsync(() => catalog.ReloadPending);
        await WaitForAsync(() => Step(time, PlaybookCatalog.Debounce) && catalog.Rejection is not null);

        Assert.Same(good, catalog.Current);
        Assert.EndsWith("subscription-cancel-save.yaml", Assert.Single(catalog.Rejection!.Files), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_FileDeletedMidSave_NeverLosesThePlaybook_AndTakesTheNewFileOnceQuiet()
    {
        // Editors that save safely delete (or rename away) the file, then write the new one: the half-saved folder
        // lacks a playbook, and a reload then would silently stop escalating it.
        using var playbooks = new PlaybookCopy();
        var time = new FakeTimeProvider(HostApp.Start);
        using var catalog = new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, time);
        catalog.Watch();
        var file = Path.Combine(playbooks.Path, "vip-cart-abandonment.yaml");
        var text = File.ReadAllText(file);

        File.Delete(file);
        await WaitForAsync(() => catalog.ReloadPending);
        time.Advance(PlaybookCatalog.Debounce - TimeSpan.FromMilliseconds(50));
        var midSave = Sla(catalog);
        var changes = catalog.ChangesSeen;
        File.WriteAllText(file, text.Replace("sla: 2h", "sla: 3h", StringComparison.Ordinal));
        // The clock stands still until the watcher has reported the write (its own thread): the debounce restarts then.
        await WaitForAsync(() => catalog.ChangesSeen > changes);
        var seen = new List<TimeSpan?>();
        await WaitForAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            var sla = Sla(catalog);
            seen.Add(sla);
            return sla == TimeSpan.FromHours(3) && !catalog.ReloadPending;
        });

        Assert.Equal(TimeSpan.FromHours(2), midSave);
        Assert.All(seen, s => Assert.NotNull(s));
        Assert.Null(catalog.Rejection);
    }

    [Theory]
    // Moved in whole (a checkout, a deploy tool): the folder sees the file appear with no write — only "created".
    [InlineData(true, "subscription-paused.yaml")]
    // Editors that save safely write a temporary file and rename it over the playbook: the temporary file is no playbook
    // (not watched), the rename is. Both extensions are playbooks.
    [InlineData(false, "subscription-paused.yml")]
    public async Task Watch_ANewPlaybookThatArrivesWithoutAWrite_IsTaken(bool movedInFromElsewhere, string name)
    {
        using var playbooks = new PlaybookCopy().Replace("workspace.yaml", "daily_budget: 30", "daily_budget: 40");
        var time = new FakeTimeProvider(HostApp.Start);
        using var catalog = new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, time);
        catalog.Watch();
        var staged = movedInFromElsewhere
            ? Path.Combine(Path.GetTempPath(), "rp-staged-" + Guid.NewGuid().ToString("N") + ".yaml")
            : Path.Combine(playbooks.Path, $".{name}.swp");
        File.WriteAllText(staged, PlaybookCopy.SubscriptionPaused);

        File.Move(staged, Path.Combine(playbooks.Path, name));
        await WaitForAsync(() => catalog.ReloadPending);
        await WaitForAsync(() => Step(time, PlaybookCatalog.Debounce) && !catalog.ReloadPending && Has(catalog, "subscription-paused"));

        Assert.Null(catalog.Rejection);
    }

    [Fact]
    public async Task Watch_ASecondSaveWithinTheDebounce_RestartsIt_TheReloadWaitsForTheFolderToBeQuiet()
    {
        using var playbooks = new PlaybookCopy();
        var time = new FakeTimeProvider(HostApp.Start);
        using var catalog = new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, time);
        catalog.Watch();

        playbooks.Replace("vip-cart-abandonment.yaml", "sla: 2h", "sla: 3h");
        await WaitForAsync(() => catalog.ReloadPending);
        time.Advance(PlaybookCatalog.Debounce - TimeSpan.FromMilliseconds(100));
        var changes = catalog.ChangesSeen;
        playbooks.Replace("vip-cart-abandonment.yaml", "sla: 3h", "sla: 4h");
        // The clock stands still until the watcher has reported the second save: its wait starts here.
        await WaitForAsync(() => catalog.ChangesSeen > changes);
        var secondSave = time.GetUtcNow();
        await WaitForAsync(() => Step(time, TimeSpan.FromMilliseconds(50)) && !catalog.ReloadPending && Sla(catalog) == TimeSpan.FromHours(4));

        // Not reloaded at the first save's end of wait (which would have been 100 ms after the second save).
        Assert.True(catalog.LoadedAt >= secondSave + PlaybookCatalog.Debounce, $"reloaded at {catalog.LoadedAt:O}, second save at {secondSave:O}");
    }

    [Fact]
    public void Reload_AFileThatCannotBeRead_IsRejected_NotThrown()
    {
        using var playbooks = new PlaybookCopy();
        using var catalog = new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, TimeProvider.System);
        var good = catalog.Current;
        // A dangling link: listed as a YAML file, unreadable.
        File.CreateSymbolicLink(Path.Combine(playbooks.Path, "gone.yaml"), Path.Combine(playbooks.Path, "nowhere", "gone.yaml"));

        var taken = catalog.Reload();

        Assert.False(taken);
        Assert.Same(good, catalog.Current);
        Assert.NotNull(catalog.Rejection);
        Assert.NotEmpty(catalog.Rejection.Files);
    }

    /// <summary>The VIP cart playbook's SLA; null when the loaded set lacks the playbook.</summary>
    private static TimeSpan? Sla(PlaybookCatalog catalog) => catalog.Current.Playbooks.SingleOrDefault(p => p.Id == "vip-cart-abandonment")?.Sla;

    private static bool Has(PlaybookCatalog catalog, string id) => catalog.Current.Playbooks.Any(p => p.Id == id);

    private static bool Step(FakeTimeProvider time, TimeSpan by)
    {
        time.Advance(by);
        return true;
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
}
