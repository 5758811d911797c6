using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>One Customer.io payload read from a file, its source told apart by shape.</summary>
internal sealed record Payload(SignalSource Source, JsonElement Root, string DeliveryKey);

/// <summary>One line of a history file: its payloads, or why it could not be read.</summary>
/// <param name="Size">The line's length with its line break, in characters (for progress).</param>
internal sealed record HistoryLine(int Number, IReadOnlyList<Payload>? Payloads, string? Error, int Size = 0);

/// <summary>
/// The payload files explain and render read (<c>--event FILE</c>, <c>--history FILE</c>) and the <c>--now</c> clock.
/// A file holds a Journey body, a reporting webhook, a Data Pipelines call or batch, or (history) one such payload per
/// line. Every problem (no file, a directory, unreadable, not JSON, not a payload, a bad time) is printed as one line
/// and gives an exit code: 2 for no such file or a bad time, 1 for a file that cannot be read or is not a payload.
/// </summary>
internal static class SignalFile
{
    /// <summary>
    /// Parses the <c>--now</c> time while the command line is parsed (an Option's CustomParser): a value that is
    /// not a time is a usage error, reported as "playbooks COMMAND: --now "tomorrow" is not an ISO 8601 time, ...".
    /// </summary>
    public static DateTimeOffset? ParseNow(ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        var text = result.Tokens[0].Value;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return parsed;
        result.AddError($"--now \"{text}\" is not an ISO 8601 time, e.g. 2026-11-28T15:00:00Z");
        return null;
    }

    /// <summary>Whether <paramref name="path"/> names a readable file; prints why not (a usage error).</summary>
    public static bool Exists(string path, string option, string command, TextWriter stderr)
    {
        if (File.Exists(path)) return true;
        stderr.WriteLine(Directory.Exists(path)
            ? $"playbooks {command}: {option} {path} is a directory; give a JSON payload file"
            : $"playbooks {command}: no such file {path}");
        return false;
    }

    /// <summary>The payloads of one JSON file (a Data Pipelines batch gives several), or null after printing why.</summary>
    public static IReadOnlyList<Payload>? ReadPayloads(string path, TextWriter stderr)
    {
        if (ReadText(path, stderr) is not { } text) return null;
        return ParseJson(text, path, 1, stderr) is { } root ? Classify(root, path, 1, stderr) : null;
    }

    /// <summary>The payloads of a history file, one JSON payload a line (blank lines skipped), or null after printing why
    /// (the first line that is not a payload, or the file that cannot be read).</summary>
    public static IReadOnlyList<Payload>? ReadHistory(string path, TextWriter stderr)
    {
        var payloads = new List<Payload>();
        try
        {
            foreach (var line in StreamHistory(path))
            {
                if (line.Payloads is null)
                {
                    stderr.WriteLine(line.Error);
                    return null;
                }
                // Kept past the line: StreamHistory frees each line's JSON when it reads the next.
                payloads.AddRange(line.Payloads.Select(p => p with { Root = p.Root.Clone() }));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine(CannotRead(path, ex));
            return null;
        }
        return payloads;
    }

    /// <summary>The JSON in <paramref name="text"/>, which starts on line <paramref name="firstLine"/> of the file; null after printing where it breaks.</summary>
    private static JsonElement? ParseJson(string text, string path, int firstLine, TextWriter stderr)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            stderr.WriteLine(InvalidJson(path, firstLine, ex));
            return null;
        }
    }

    private static IReadOnlyList<Payload>? Classify(JsonElement root, string path, int line, TextWriter stderr)
    {
        var payloads = Classify(root, path, line, out var error);
        if (error is not null) stderr.WriteLine(error);
        return payloads;
    }

    /// <summary>The payloads in <paramref name="root"/>, or null with the one-line error (<c>file(line,1): error: ...</c>).</summary>
    private static IReadOnlyList<Payload>? Classify(JsonElement root, string path, int line, out string? error)
    {
        error = null;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("batch", out var batch) && batch.ValueKind == JsonValueKind.Array)
        {
            var events = new List<Payload>();
            var i = 0;
            foreach (var e in batch.EnumerateArray())
            {
                if (SignalNormalizer.Detect(e) != SignalSource.Pipelines)
                {
                    error = $"{path}({line},1): error: event {i} of the batch is not a Data Pipelines call (expected \"type\" and \"messageId\" or \"userId\")";
                    return null;
                }
                events.Add(new Payload(SignalSource.Pipelines, e, SignalNormalizer.DeliveryKeyOf(SignalSource.Pipelines, e) ?? $"{Path.GetFileName(path)}:{line}:{i}"));
                i++;
            }
            return events;
        }
        if (SignalNormalizer.Detect(root) is not { } source)
        {
            error = $"{path}({line},1): error: not a Customer.io payload: expected a Journey body (\"event\", \"segment\", \"change\" or \"customer\"), " +
                "a reporting webhook (\"metric\" and \"object_type\") or a Data Pipelines call (\"type\" and \"messageId\")";
            return null;
        }
        return [new Payload(source, root, SignalNormalizer.DeliveryKeyOf(source, root) ?? $"{Path.GetFileName(path)}:{line}")];
    }

    /// <summary>
    /// A history file read a line at a time (blank lines skipped), for histories too long to hold: each line's payloads, or the
    /// line's one-line error (<c>file(line,col): error: ...</c>). A payload's JSON lives until the next line is read.
    /// </summary>
    public static IEnumerable<HistoryLine> StreamHistory(string path)
    {
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            // File.ReadLines has taken the line break off already (\n, \r\n or \r).
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var size = raw.Length + 1;
            JsonDocument? doc = null;
            string? invalid = null;
            try
            {
                doc = JsonDocument.Parse(raw);
            }
            catch (JsonException ex)
            {
                invalid = InvalidJson(path, number, ex);
            }
            if (doc is null)
            {
                yield return new HistoryLine(number, null, invalid, size);
                continue;
            }
            using (doc)
            {
                var payloads = Classify(doc.RootElement, path, number, out var error);
                yield return new HistoryLine(number, payloads, error, size);
            }
        }
    }

    private static string? ReadText(string path, TextWriter stderr)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine(CannotRead(path, ex));
            return null;
        }
    }

    private static string CannotRead(string path, Exception ex) => $"{path}: error: cannot read the file: {ex.Message}";

    /// <summary>Where JSON that starts on line <paramref name="firstLine"/> of the file breaks: <c>file(line,col): error: invalid JSON: ...</c>.</summary>
    private static string InvalidJson(string path, int firstLine, JsonException ex) =>
        $"{path}({firstLine + (ex.LineNumber ?? 0)},{(ex.BytePositionInLine ?? 0) + 1}): error: invalid JSON: {ex.Message}";
}
