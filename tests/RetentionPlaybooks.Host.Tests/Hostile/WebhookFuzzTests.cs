using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>
/// Random and mutated, correctly signed bodies sent to all three endpoints through the in-memory test server.
/// Per input: the status is one of 200/202/400/401/413/415/422, and the inbox grows by exactly what was accepted
/// (a 4xx stores nothing). Every chunk of inputs: the inbox drains (nothing wedges), nothing is quarantined, and no
/// rendered message carries a mrkdwn control sequence from customer data. Long run: RP_FUZZ_HTTP_ITERATIONS or
/// RP_FUZZ_ITERATIONS.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class WebhookFuzzTests(ITestOutputHelper output)
{
    private static readonly int[] Allowed = [200, 202, 400, 401, 413, 415, 422];
    private const int Chunk = 50;

    [Fact]
    public async Task Webhooks_MutatedSignedBodies_NoServerErrorNothingStoredOn4xxAndNothingWedges()
    {
        var iterations = FuzzSettings.Iterations("RP_FUZZ_HTTP_ITERATIONS", 300);
        using var playbooks = FuzzSettings.Unbounded();
        using var app = new HostApp(playbooks.Path, new Dictionary<string, string?> { ["Delivery:PerChannelInterval"] = "00:00:00.1" }) { Quiet = true };
        using var client = app.CreateClient();
        var state = new HttpFuzzState(app, client, (await app.HealthAsync()).GetProperty("inbox_total").GetInt64());
        var clock = Stopwatch.StartNew();

        for (long done = 0; done < iterations; done += Chunk)
        {
            var n = (int)Math.Min(Chunk, iterations - done);
            await FuzzBodies.Cases.SampleAsync(state.CheckOneAsync, iter: n, threads: 1, seed: done == 0 ? FuzzSettings.Seed : null,
                print: c => FuzzBodies.Build(c, "print").Description + "\n" + FuzzBodies.Build(c, "print").Preview());
            await state.CheckDrainedAndSafeAsync();
            if (done % 10_000 == 0 && done > 0) Progress(state, done, clock.Elapsed);
        }

        Progress(state, iterations, clock.Elapsed);
        FuzzSettings.Report($"http: {iterations} inputs in {clock.Elapsed.TotalSeconds:0.0} s = {iterations / clock.Elapsed.TotalSeconds:0} inputs/s; statuses {state.StatusSummary}; escalations checked {state.MessagesChecked}");
    }

    private void Progress(HttpFuzzState state, long done, TimeSpan elapsed) =>
        output.WriteLine($"{done} inputs in {elapsed.TotalSeconds:0.0} s ({done / Math.Max(elapsed.TotalSeconds, 0.001):0}/s); statuses {state.StatusSummary}; escalations checked {state.MessagesChecked}");

    private sealed class HttpFuzzState(HostApp app, HttpClient client, long inboxTotal)
    {
        private readonly Dictionary<int, long> _statuses = [];
        private readonly HashSet<string> _seenPreview = new(StringComparer.Ordinal);
        private long _inboxTotal = inboxTotal;
        private long _counter;
        private long _lastEscalationRow;

        public long MessagesChecked { get; private set; }

        public string StatusSummary => string.Join(", ", _statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"));

        public async Task CheckOneAsync(FuzzCase c)
        {
            var request = FuzzBodies.Build(c, "h" + Interlocked.Increment(ref _counter));
            var reply = await HostileClient.SendAsync(client, Signed.For(request.Endpoint, request.Body, app.Time.GetUtcNow(), request.ContentType));
            _statuses[reply.Status] = _statuses.GetValueOrDefault(reply.Status) + 1;
            if (!Allowed.Contains(reply.Status))
            {
                throw new InvalidOperationException($"{request.Endpoint} answered {reply}\nbody: {request.Preview()}");
            }
            var accepted = reply.Status == 202 ? reply.Json.GetProperty("accepted").GetInt64() : 0;
            var total = (await app.HealthAsync()).GetProperty("inbox_total").GetInt64();
            if (total != _inboxTotal + accepted)
            {
                var before = _inboxTotal;
                _inboxTotal = total;
                throw new InvalidOperationException($"{request.Endpoint} answered {reply.Status} but inbox_total went {before} → {total} (accepted {accepted})\nbody: {request.Preview()}");
            }
            _inboxTotal = total;
        }

        public async Task CheckDrainedAndSafeAsync()
        {
            var health = await HostileClient.DrainBoundedAsync(app, 3000);
            Assert.Equal(0, health.GetProperty("inbox_pending").GetInt64());
            if (health.TryGetProperty("quarantined", out var q)) Assert.True(q.GetInt64() == 0, "records were quarantined: " + health);
            foreach (var entry in app.Preview.Messages)
            {
                if (!_seenPreview.Add(entry.EscalationId)) continue;
                var violations = MessageSafety.Violations(entry.Message);
                Assert.True(violations.Count == 0, $"preview message {entry.EscalationId} ({entry.Playbook}): {string.Join("; ", violations)}\n{entry.Message.ToJsonString()}");
            }
            // The preview keeps only the last 200 messages: the stored escalation bodies are checked too, all of them.
            await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Mode=ReadOnly");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT rowid, id, kind, body FROM deliveries WHERE rowid > $last ORDER BY rowid";
            command.Parameters.AddWithValue("$last", _lastEscalationRow);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                _lastEscalationRow = reader.GetInt64(0);
                var body = Encoding.UTF8.GetString((byte[])reader.GetValue(3));
                var violations = MessageSafety.Violations(JsonNode.Parse(body));
                MessagesChecked++;
                Assert.True(violations.Count == 0, $"escalation {reader.GetString(1)} ({reader.GetString(2)}): {string.Join("; ", violations)}\n{body}");
            }
        }
    }
}
