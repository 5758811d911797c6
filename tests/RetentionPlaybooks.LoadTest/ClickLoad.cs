using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.LoadTest;

/// <summary>
/// Slack clicks on POST /slack/interactivity, open loop at a fixed rate (issue #10: "answered with p99 under 50 ms at
/// 100 clicks/s"): each a signed block_actions payload as Slack sends it (v0 HMAC-SHA256), on a case button, each user
/// and action_ts fresh so every click is stored. Latency is measured from each click's scheduled time. The clicks name
/// escalation ids the host does not know: the endpoint's work — signature, workspace, reading, storing — is the same,
/// and applying a click happens after the answer, in the action worker.
/// </summary>
internal static class ClickLoad
{
    public const string SigningSecret = "load-slack-signing-secret-0123456789";
    public const string TeamId = "T0LOADTEST";

    public static IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string>
    {
        ["Slack__SigningSecret"] = SigningSecret,
        ["Slack__TeamId"] = TeamId,
    };

    public static async Task<int> RunAsync(HttpClient http, Uri baseUrl, int rate, TimeSpan duration, TextWriter output)
    {
        var endpoint = new Uri(baseUrl, "/slack/interactivity");
        var total = (long)(rate * duration.TotalSeconds);
        var latencies = new LatencyRecorder((int)total + 1000);
        long ok = 0, failed = 0;
        var tasks = new List<Task>((int)total);
        // Warm-up outside the measured window.
        for (var w = 0; w < 50; w++) await SendAsync(http, endpoint, -1 - w).ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0L; i < total; i++)
        {
            var scheduled = start + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = scheduled - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency)).ConfigureAwait(false);
            var n = i;
            tasks.Add(Task.Run(async () =>
            {
                var status = await SendAsync(http, endpoint, n).ConfigureAwait(false);
                latencies.Record(Stopwatch.GetTimestamp() - scheduled);
                if (status == 200) Interlocked.Increment(ref ok);
                else Interlocked.Increment(ref failed);
            }));
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var s = latencies.Summarize();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"clicks: {total} at {rate}/s over {duration.TotalSeconds:0} s: {ok} answered 200, {failed} other; latency ms p50 {s.P50:0.00} p90 {s.P90:0.00} p99 {s.P99:0.00} p99.9 {s.P999:0.00} max {s.Max:0.00}"));
        return failed == 0 && s.P99 < 50 ? 0 : 1;
    }

    private static async Task<int> SendAsync(HttpClient http, Uri endpoint, long n)
    {
        var now = DateTimeOffset.UtcNow;
        var actionTs = string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeSeconds()}.{Math.Abs(n) % 1_000_000:D6}");
        var escalation = "01LOADTEST" + Math.Abs(n).ToString("D16", CultureInfo.InvariantCulture);
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = TeamId, ["domain"] = "load" },
            ["user"] = new JsonObject { ["id"] = "U" + (Math.Abs(n) % 500).ToString("D6", CultureInfo.InvariantCulture), ["team_id"] = TeamId },
            ["api_app_id"] = "A0LOAD",
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000100", ["channel_id"] = "C07VIPSAVES" },
            ["channel"] = new JsonObject { ["id"] = "C07VIPSAVES" },
            ["message"] = new JsonObject { ["ts"] = "1700000000.000100" },
            ["response_url"] = "https://hooks.slack.com/actions/T0LOADTEST/1/abc",
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "rp_acknowledge", ["block_id"] = "rp_case", ["type"] = "button", ["action_ts"] = actionTs, ["value"] = escalation }),
        };
        var body = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningSecret), (byte[])[.. Encoding.UTF8.GetBytes($"v0:{timestamp}:"), .. body]));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature);
        try
        {
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }
}
