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
    private volatile CompilationResult _current;

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

    /// <summary>Diagnostics of the last reload that was rejected, if the newest files are invalid.</summary>
    public IReadOnlyList<Diagnostic> RejectedDiagnostics { get; private set; } = [];

    public void Watch()
    {
        _watcher = new FileSystemWatcher(_directory) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
        _watcher.Filters.Add("*.yaml");
        _watcher.Filters.Add("*.yml");
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Deleted += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Recompiles now; returns true when the new set was taken.</summary>
    public bool Reload()
    {
        var result = PlaybookCompiler.CompileDirectory(_directory);
        if (result.HasErrors)
        {
            RejectedDiagnostics = result.Diagnostics;
            _logger.LogError("Playbooks in {Directory} changed but do not compile; keeping the {Count} playbook(s) loaded at {LoadedAt:O}:\n{Diagnostics}",
                _directory, _current.Playbooks.Count, LoadedAt, string.Join("\n", result.Diagnostics.Where(d => d.IsError)));
            return false;
        }
        _current = result;
        LoadedAt = _time.GetUtcNow();
        RejectedDiagnostics = [];
        _logger.LogInformation("Reloaded {Count} playbook(s) from {Directory}", result.Playbooks.Count, _directory);
        return true;
    }

    // Editors write a file in several steps: wait for the burst of events to settle.
    private void Schedule()
    {
        _debounce?.Dispose();
        _debounce = _time.CreateTimer(_ => Reload(), null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
    }

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
