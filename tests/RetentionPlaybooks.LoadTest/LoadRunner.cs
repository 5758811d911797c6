using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

namespace RetentionPlaybooks.LoadTest;

/// <summary>
/// Sends Journey webhooks, open-loop at a fixed rate (latency measured from each request's scheduled time, so
/// a slow server cannot hide queueing: no coordinated omission) or closed-loop as fast as N connections allow.
/// </summary>
internal sealed class LoadRunner(HttpClient http, Uri endpoint, string secret, PayloadFactory payloads, LatencyRecorder latencies)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private long _sent;
    private long _accepted;
    private long _duplicates;
    private long _other2xx;
    private long _errors;
    private long _notSent;
    private long _inFlight;

    public ConcurrentDictionary<int, long> Non2xx { get; } = new();

    public ConcurrentDictionary<string, long> ErrorKinds { get; } = new(StringComparer.Ordinal);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>202 answers: stored for the first time.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>200 answers: a redelivery of a stored id (never expected: every id is fresh).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Ok2xx => Accepted + Duplicates + Interlocked.Read(ref _other2xx);

    public long Failed => Non2xx.Values.Sum() + Interlocked.Read(ref _errors);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Open loop only: requests skipped because too many were already outstanding.</summary>
    public long NotSent => Interlocked.Read(ref _notSent);

    public async Task RunClosedAsync(int connections, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end) await SendAsync(Stopwatch.GetTimestamp()).ConfigureAwait(false);
        }));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    public async Task RunOpenAsync(int rate, TimeSpan duration, int maxInFlight)
    {
        var start = Stopwatch.GetTimestamp();
        var total = (long)(rate * duration.TotalSeconds);
        var i = 0L;
        while (i < total)
        {
            var due = Math.Min(total, (long)((Stopwatch.GetTimestamp() - start) * (double)rate / Stopwatch.Frequency) + 1);
            for (; i < due; i++)
            {
                var scheduled = start + (long)(i * (double)Stopwatch.Frequency / rate);
                if (Interlocked.Read(ref _inFlight) >= maxInFlight)
                {
                    Interlocked.Increment(ref _notSent);
                    continue;
                }
                _ = SendAsync(scheduled);
            }
            await Task.Delay(1).ConfigureAwait(false);
        }
        // Bounded wait for the stragglers.
        var wait = Stopwatch.StartNew();
        while (Interlocked.Read(ref _inFlight) > 0 && wait.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(10).ConfigureAwait(false);
    }

    private async Task SendAsync(long scheduled)
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _sent);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
            request.Headers.TryAddWithoutValidation("X-Webhook-Secret", secret);
            request.Content = new ByteArrayContent(payloads.Next());
            request.Content.Headers.ContentType = Json;
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            latencies.Record(Stopwatch.GetTimestamp() - scheduled);
            var status = (int)response.StatusCode;
            if (status == 202) Interlocked.Increment(ref _accepted);
            else if (status == 200) Interlocked.Increment(ref _duplicates);
            else if (status is >= 200 and < 300) Interlocked.Increment(ref _other2xx);
            else Non2xx.AddOrUpdate(status, 1, (_, n) => n + 1);
        }
#pragma warning disable CA1031 // A load generator counts every failure and keeps going.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            var kind = ex.GetType().Name + ": " + ex.Message;
            if (ErrorKinds.Count < 20 || ErrorKinds.ContainsKey(kind)) ErrorKinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
