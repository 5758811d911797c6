using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Diagnostics;

namespace RetentionPlaybooks.Host.Playbooks;

/// <summary>
/// The compiled playbooks the host runs. Loaded at start-up (the host refuses to start on errors), then
/// reloaded when a file in the folder changes; an invalid change is reported and the last good set kept.
/// </summary>
internal sealed class PlaybookCatalog : IDisposable
{
    private readonly string _directory;
    private readonly ILogger<PlaybookCatalog> _logger;
    private readonly TimeProvider _time;
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;
    private readonly Lock _reloading = new();
    private readonly Lock _scheduling = new();
    private volatile CompilationResult _current;
    private volatile ReloadRejection? _rejection;

    public PlaybookCatalog(string directory, ILogger<PlaybookCatalog> logger, TimeProvider time)
    {
        _directory = directory;
        _logger = logger;
        _time = time;
        var result = PlaybookCompiler.CompileDirectory(directory);
        if (result.HasErrors) throw new PlaybookLoadException(directory, result.Diagnostics);
        foreach (var warning in result.Diagnostics) _logger.LogWarning("{Diagnostic}", warning.ToString());
        _current = result;
        LoadedAt = time.GetUtcNow();
    }

    /// <summary>The current compiled set; replaced atomically on a good reload.</summary>
    public CompilationResult Current => _current;

    public DateTimeOffset LoadedAt { get; private set; }

    /// <summary>Why the last reload was rejected, or null when the newest files are in use.</summary>
    public ReloadRejection? Rejection => _rejection;

    public void Watch()
    {
        _watcher = new FileSystemWatcher(_directory) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
        _watcher.Filters.Add("*.yaml");
        _watcher.Filters.Add("*.yml");
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Deleted += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        // Too many changes at once overflow the watcher's buffer: reload anyway rather than miss one.
        _watcher.Error += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>
    /// Recompiles now; returns true when the new set was taken. Never throws: whatever goes wrong (a file that cannot
    /// be read, a compiler defect) is logged and reported in /health, and the last good set stays in use. One reload
    /// at a time, so two quick edits cannot install their results in the wrong order.
    /// </summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            CompilationResult result;
            try
            {
                result = PlaybookCompiler.CompileDirectory(_directory);
            }
            catch (Exception ex)
            {
                _rejection = new ReloadRejection(_time.GetUtcNow(), [], [_directory], $"{ex.GetType().Name} while compiling");
                _logger.LogError(ex, "Reloading the playbooks in {Directory} failed; keeping the {Count} playbook(s) loaded at {LoadedAt:O}", _directory, _current.Playbooks.Count, LoadedAt);
                return false;
            }
            if (result.HasErrors)
            {
                var errors = result.Diagnostics.Where(d => d.IsError).ToList();
                _rejection = new ReloadRejection(_time.GetUtcNow(), result.Diagnostics, errors.Select(d => d.Location.File).Distinct(StringComparer.Ordinal).ToList(), null);
                _logger.LogError("Playbooks in {Directory} changed but do not compile; keeping the {Count} playbook(s) loaded at {LoadedAt:O}:\n{Diagnostics}",
                    _directory, _current.Playbooks.Count, LoadedAt, string.Join("\n", errors));
                return false;
            }
            _current = result;
            LoadedAt = _time.GetUtcNow();
            _rejection = null;
            _logger.LogInformation("Reloaded {Count} playbook(s) from {Directory}", result.Playbooks.Count, _directory);
            return true;
        }
    }

    // Editors write a file in several steps: wait for the burst of events to settle.
    private void Schedule()
    {
        // Watcher events arrive on several threads: restart the one timer rather than race to create two.
        lock (_scheduling)
        {
            ReloadPending = true;
            _changesSeen++;
            if (_debounce is null) _debounce = _time.CreateTimer(_ => ReloadNow(), null, Debounce, Timeout.InfiniteTimeSpan);
            else _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void ReloadNow()
    {
        ReloadPending = false;
        Reload();
    }

    /// <summary>How many change events the watcher has reported (each restarts the debounce).</summary>
    internal long ChangesSeen
    {
        get { lock (_scheduling) return _changesSeen; }
    }

    private long _changesSeen;

    /// <summary>True from a change in the folder until the debounced reload starts.</summary>
    public bool ReloadPending { get; private set; }

    /// <summary>How long the folder must be quiet before a reload.</summary>
    internal static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }
}

/// <summary>Thrown at start-up when the playbooks do not compile; carries the same diagnostics as <c>playbooks validate</c>.</summary>
internal sealed class PlaybookLoadException(string directory, IReadOnlyList<Diagnostic> diagnostics)
    : Exception($"the playbooks in {directory} do not compile:\n{string.Join("\n", diagnostics.Where(d => d.IsError))}")
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
