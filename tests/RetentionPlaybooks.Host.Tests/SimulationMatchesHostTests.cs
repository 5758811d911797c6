using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Simulation;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Issue #12: "the same history replayed gives the same numbers as the live host processing it". The committed sample history
/// (a week of carts, cancel requests, late deliveries and winback entries) goes to the host as Journey webhooks, and through
/// <see cref="HistorySimulation"/> (what <c>playbooks simulate</c> runs); per channel, the messages posted, the escalations rolled
/// into cx-escalations' digest (its burst) and every kind of suppression must be the same. (Digest messages are not compared:
/// the host opens a digest when it processes a case, on its own clock, the simulation at the case's time.)
/// </summary>
public sealed class SimulationMatchesHostTests
{
    /// <param name="squeeze">The week pressed into a 21st of its span (8 hours): the same customers much closer together, so that
    /// daily caps and cooldowns hold many back too.</param>
    [Theory]
    [InlineData(1, new[] { "cooldown", "digested" })]
    [InlineData(21, new[] { "cooldown", "daily_cap", "digested" })]
    public async Task TheSampleHistory_SimulatedAndSentToTheHost_GivesTheSameCountsPerChannelAndKind(int squeeze, string[] kindsSeen)
    {
        var lines = File.ReadAllLines(RepoPaths.Sample("history.ndjson")).Where(l => l.Length > 0).Select(l => Squeeze(l, squeeze)).ToList();
        var simulation = new HistorySimulation(PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks));
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            await simulation.AddAsync(SignalSource.Journey, doc.RootElement, doc.RootElement.GetProperty("delivery_id").GetString()!);
        }
        var simulated = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var c in simulation.Report().Channels)
        {
            var s = c.Suppressed;
            foreach (var (kind, n) in new[] { ("escalated", c.Posted), ("digested", c.Digested), ("cooldown", s.Cooldown), ("dedupe", s.Dedupe), ("daily_cap", s.DailyCap), ("channel_budget", s.ChannelBudget), ("inhibited", s.Inhibited) })
            {
                if (n > 0) simulated[$"{c.Channel.Name} {kind}"] = n;
            }
        }

        // The host's clock is after the history, so each webhook is judged at its own timestamp, as the simulation judges it.
        using var app = new HostApp { Quiet = true };
        using var client = app.CreateClient();
        foreach (var line in lines)
        {
            using var response = await client.SendAsync(Webhooks.Journey(line));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }
        await app.DrainAsync(TimeSpan.FromSeconds(2));
        var store = (RetentionPlaybooks.Host.Storage.SqliteStore)app.Services.GetRequiredService<RetentionPlaybooks.Host.Storage.IStore>();
        var live = await store.Database.Read(connection =>
        {
            using var query = connection.CreateCommand();
            query.CommandText = """
                SELECT channel, CASE outcome WHEN 'suppressed' THEN kind ELSE outcome END, COUNT(*) FROM decisions
                WHERE outcome IN ('escalated', 'digested', 'suppressed', 'inhibited') GROUP BY 1, 2
                """;
            using var reader = query.ExecuteReader();
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            while (reader.Read()) counts[$"{reader.GetString(0)} {reader.GetString(1)}"] = reader.GetInt64(2);
            return counts;
        });

        Assert.True(simulated.Count >= 4, "the sample should post to several channels: " + string.Join(", ", simulated));
        foreach (var kind in kindsSeen) Assert.Contains(simulated.Keys, k => k.EndsWith($" {kind}", StringComparison.Ordinal));
        Assert.Equal(simulated, live);
    }

    private static readonly long HistoryStart = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    private static string Squeeze(string line, int factor)
    {
        if (factor == 1) return line;
        var json = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        json["timestamp"] = HistoryStart + (json["timestamp"]!.GetValue<long>() - HistoryStart) / factor;
        return json.ToJsonString();
    }
}
