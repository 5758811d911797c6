using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// <c>playbooks demo [--url URL] [--secret S] [--samples DIR]</c>: posts every sample payload to a running host's
/// Journey endpoint, as Customer.io would, waits for the outbox to drain and says where to look.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The journey secret of the host's Development settings (appsettings.Development.json).</summary>
    public const string DevelopmentSecret = "dev-journey-secret-change-me";

    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>How long to wait for the host to process and deliver what was sent; the default is 15 s.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create(CliContext cli)
    {
        var url = CommandSpec.Valued("--url", "URL", "the running host", DefaultUrl);
        var secret = CommandSpec.Valued("--secret", "S", "X-Webhook-Secret sent with every payload (the default is the host's Development secret)", DevelopmentSecret);
        var samples = CommandSpec.Valued("--samples", "DIR", "the sample payloads (*.json) to post", "playbooks/samples");
        var command = new Command("demo", "Post every sample payload to a running host, wait for delivery, and say where to look (/preview).")
        {
            url, secret, samples,
        };
        command.SetAction((parsed, _) => RunAsync(parsed.GetRequiredValue(url), parsed.GetRequiredValue(secret), parsed.GetRequiredValue(samples), cli));
        return command;
    }

    /// <summary>Runs <c>playbooks demo ARGS</c> through the command line, waiting at most <paramref name="drainTimeout"/> for delivery.</summary>
    internal static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time, TimeSpan drainTimeout) =>
        CommandLine.RunAsync(["demo", .. args], new CliContext(stdout, stderr, time, drainTimeout));

    private static async Task<int> RunAsync(string url, string secret, string samples, CliContext cli)
    {
        var (stdout, stderr, time, drainTimeout) = (cli.Stdout, cli.Stderr, cli.Time, cli.DrainTimeout);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            return Usage(stderr, $"--url \"{url}\" is not an http(s) URL, e.g. {DefaultUrl}");
        }
        if (secret.Length == 0) return Usage(stderr, "--secret is empty");
        if (!Directory.Exists(samples)) return Usage(stderr, $"no such directory {samples} (run from the repository root, or pass --samples DIR)");
        var files = Directory.GetFiles(samples, "*.json").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) return Usage(stderr, $"{samples} holds no *.json sample payloads");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var journey = new Uri(baseUrl, "/webhooks/customerio/journey");
        stdout.WriteLine($"posting {files.Count} sample(s) from {samples} to {journey}");
        var before = await TryHealthAsync(http, baseUrl).ConfigureAwait(false);
        var run = time.GetUtcNow();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var posted = new List<(string Sample, string DeliveryId)>();
        foreach (var file in files)
        {
            var sample = Path.GetFileNameWithoutExtension(file);
            JsonObject body;
            try
            {
                body = JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new JsonException("the sample is not a JSON object");
            }
            catch (JsonException ex)
            {
                stderr.WriteLine($"{file}: error: invalid JSON: {ex.Message}");
                return CommandLine.Failed;
            }
            // A fresh delivery id every run: the host stores each delivery once and answers a repeat with 200 "duplicate".
            var deliveryId = $"demo-{run:yyyyMMddHHmmss}-{suffix}-{sample}";
            body["delivery_id"] = deliveryId;
            body["timestamp"] = run.ToUnixTimeSeconds();
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, journey) { Content = content };
            request.Headers.Add("X-Webhook-Secret", secret);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                stderr.WriteLine($"playbooks demo: cannot reach the host at {baseUrl}: {ex.Message}");
                stderr.WriteLine("  start it with: dotnet run --project src/RetentionPlaybooks.Host   (or pass --url)");
                return CommandLine.Failed;
            }
            using (response)
            {
                var text = (await response.Content.ReadAsStringAsync().ConfigureAwait(false)).Trim();
                var status = (int)response.StatusCode;
                stdout.WriteLine($"  {sample,-32} {deliveryId}  -> {status} {response.ReasonPhrase} {text}");
                if (!response.IsSuccessStatusCode)
                {
                    stderr.WriteLine($"playbooks demo: the host answered {status} to {sample}: {Hint(response.StatusCode)}");
                    return CommandLine.Failed;
                }
            }
            posted.Add((sample, deliveryId));
        }

        var drained = await WaitForDrainAsync(http, baseUrl, time, drainTimeout, stdout).ConfigureAwait(false);
        if (drained is { } after && before is { } start && after.Sent - start.Sent is var sent)
        {
            stdout.WriteLine($"{sent} message(s) delivered by this run (GET /health counts them)");
        }
        await ReportDecisionsAsync(http, baseUrl, posted, stdout).ConfigureAwait(false);
        stdout.WriteLine($"look at the messages: {new Uri(baseUrl, "/preview")}   (without a Slack bot token the host delivers to this preview page)");
        stdout.WriteLine($"host state: {new Uri(baseUrl, "/health")}");
        return CommandLine.Ok;
    }

    private static async Task<Health?> WaitForDrainAsync(HttpClient http, Uri baseUrl, TimeProvider time, TimeSpan timeout, TextWriter stdout)
    {
        var started = time.GetTimestamp();
        Health? last = null;
        while (true)
        {
            last = await TryHealthAsync(http, baseUrl).ConfigureAwait(false) ?? last;
            if (last is { InboxPending: 0, OutboxPending: 0 })
            {
                stdout.WriteLine($"processed and delivered (inbox and outbox empty) after {time.GetElapsedTime(started).TotalSeconds:0.0} s");
                return last;
            }
            if (time.GetElapsedTime(started) >= timeout)
            {
                stdout.WriteLine(last is null
                    ? $"GET /health did not answer; not waiting longer than {timeout.TotalSeconds:0} s"
                    : $"still {last.InboxPending} to process and {last.OutboxPending} to deliver after {timeout.TotalSeconds:0} s (Slack pacing is about 1 message a second per channel); they will follow");
                return null;
            }
            await Task.Delay(PollInterval, time).ConfigureAwait(false);
        }
    }

    /// <summary>What each playbook decided about each sample, from the host's GET /decisions: a held sample names its guardrail.</summary>
    private static async Task ReportDecisionsAsync(HttpClient http, Uri baseUrl, List<(string Sample, string DeliveryId)> posted, TextWriter stdout)
    {
        stdout.WriteLine("what the playbooks decided about each sample:");
        foreach (var (sample, deliveryId) in posted)
        {
            var link = new Uri(baseUrl, $"/decisions?delivery_id={Uri.EscapeDataString(deliveryId)}");
            stdout.WriteLine($"  {sample}: {link}");
            var lines = await TryDecisionsAsync(http, link).ConfigureAwait(false);
            foreach (var line in lines ?? ["(not available yet: open the link above)"]) stdout.WriteLine($"    {line}");
        }
    }

    private static async Task<List<string>?> TryDecisionsAsync(HttpClient http, Uri link)
    {
        try
        {
            using var response = await http.GetAsync(link).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return null;
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            var root = doc.RootElement;
            var lines = new List<string>();
            if (root.TryGetProperty("decisions", out var decisions) && decisions.ValueKind == JsonValueKind.Array)
            {
                foreach (var d in decisions.EnumerateArray()) lines.Add(Describe(d));
            }
            if (lines.Count == 0) lines.Add(Text(root, "note") ?? "no decision recorded yet");
            return lines;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Describe(JsonElement decision)
    {
        var playbook = Text(decision, "playbook") ?? "?";
        var reason = Text(decision, "reason") ?? "";
        switch (Text(decision, "outcome"))
        {
            case "escalated":
                return $"{playbook}: escalated to {Text(decision, "channel")}";
            case "suppressed":
            {
                // Guardrail reasons start with the guardrail's name: "cooldown: ...", "daily cap: ...".
                var cut = reason.IndexOf(": ", StringComparison.Ordinal);
                return cut > 0
                    ? $"{playbook}: held by guardrail \"{reason[..cut]}\" ({reason[(cut + 2)..]}); nothing was sent to {Text(decision, "channel")}"
                    : $"{playbook}: held by a guardrail ({reason}); nothing was sent";
            }
            case { } outcome:
                return $"{playbook}: {outcome}: {reason}";
            default:
                return $"{playbook}: {reason}";
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<Health?> TryHealthAsync(HttpClient http, Uri baseUrl)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(baseUrl, "/health")).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return null;
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            var root = doc.RootElement;
            long Read(string name) => root.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
            return new Health(Read("inbox_pending"), Read("outbox_pending"), Read("sent"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Hint(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "the secret does not match the host's CustomerIo:JourneySecret (pass --secret)",
        HttpStatusCode.NotFound => "the Journey source is off (CustomerIo:JourneySecret not set) or --url is not the host",
        HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest => "the sample is not a valid Journey payload",
        _ => "see the response above",
    };

    private static int Usage(TextWriter stderr, string message) => CommandLine.UsageError(stderr, "demo", message);

    private sealed record Health(long InboxPending, long OutboxPending, long Sent);
}
