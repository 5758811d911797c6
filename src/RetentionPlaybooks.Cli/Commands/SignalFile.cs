using System.Globalization;
using System.Text.Json;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// The <c>--event FILE</c> payload and <c>--now</c> clock that explain and render share. Every problem (no file, a
/// directory, unreadable, not JSON, not an envelope, a bad time) is printed as one line and gives an exit code.
/// </summary>
internal static class SignalFile
{
    /// <summary>The signal and the evaluation clock, or null with <paramref name="exit"/> set after printing why.</summary>
    public static (TriggerInput Input, DateTimeOffset Now)? Read(Options options, string command, TextWriter stderr, TimeProvider time, out int exit)
    {
        exit = CommandLine.Ok;
        var path = options.Get("--event");
        if (path is null)
        {
            stderr.WriteLine($"playbooks {command}: --event FILE is required");
            exit = CommandLine.Usage;
            return null;
        }
        if (!File.Exists(path))
        {
            stderr.WriteLine(Directory.Exists(path)
                ? $"playbooks {command}: --event {path} is a directory; give a JSON payload file"
                : $"playbooks {command}: no such file {path}");
            exit = CommandLine.Usage;
            return null;
        }
        var now = (DateTimeOffset?)null;
        if (options.Get("--now") is { } nowText)
        {
            if (!DateTimeOffset.TryParse(nowText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                stderr.WriteLine($"playbooks {command}: --now \"{nowText}\" is not an ISO 8601 time, e.g. 2026-11-28T15:00:00Z");
                exit = CommandLine.Usage;
                return null;
            }
            now = parsed;
        }
        exit = CommandLine.Failed;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{path}: error: cannot read the file: {ex.Message}");
            return null;
        }
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(text);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            stderr.WriteLine($"{path}({(ex.LineNumber ?? 0) + 1},{(ex.BytePositionInLine ?? 0) + 1}): error: invalid JSON: {ex.Message}");
            return null;
        }
        var input = TriggerInput.Parse(root, out var error);
        if (input is null)
        {
            stderr.WriteLine($"{path}: error: {error}");
            return null;
        }
        exit = CommandLine.Ok;
        return (input, now ?? input.Timestamp ?? time.GetUtcNow());
    }
}
