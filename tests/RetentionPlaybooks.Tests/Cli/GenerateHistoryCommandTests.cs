using System.Text.Json;
using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

public sealed class GenerateHistoryCommandTests : IDisposable
{
    private readonly TempPlaybooks _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Generate(string name, params string[] options)
    {
        var path = _dir.FilePath(name);
        var (exit, _, err) = CliRunner.Run(["generate-history", .. options, "--out", path]);
        Assert.True(exit == 0, err);
        return path;
    }

    [Fact]
    public void TheSameSeed_WritesTheSameHistory_ByteForByte_AnotherSeedAnother()
    {
        var a = Generate("a.ndjson", "--days", "3", "--per-day", "200", "--seed", "7");
        var b = Generate("b.ndjson", "--days", "3", "--per-day", "200", "--seed", "7");
        var c = Generate("c.ndjson", "--days", "3", "--per-day", "200", "--seed", "8");

        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(c));
    }

    [Fact]
    public void AMonth_IsInTimeOrder_EveryLineAPayloadSimulateReads_WithTheFlashSaleAndTheOutageAsBursts()
    {
        var path = Generate("month.ndjson", "--days", "30", "--per-day", "300", "--customers", "5000", "--seed", "1", "--start", "2026-11-01");
        var lines = File.ReadAllLines(path);
        var docs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var times = docs.Select(d => d.GetProperty("timestamp").GetInt64()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), times[0] - times[0] % 86400);
        Assert.Equal(lines.Length, docs.Select(d => d.GetProperty("delivery_id").GetString()).Distinct().Count());
        Assert.InRange(lines.Length, 30 * 300 * 0.9, 30 * 300 * 1.2);
        Assert.All(docs, d => Assert.EndsWith("@example.com", d.GetProperty("customer").GetProperty("email").GetString(), StringComparison.Ordinal));
        Assert.InRange(docs.Select(d => d.GetProperty("customer").GetProperty("id").GetString()).Distinct().Count(), 2000, 5000);

        int Day(JsonElement d) => (int)((d.GetProperty("timestamp").GetInt64() - times[0] + times[0] % 86400) / 86400);
        string? Event(JsonElement d) => d.TryGetProperty("event", out var e) ? e.GetProperty("name").GetString() : null;
        var carts = docs.Where(d => Event(d) == "checkout_abandoned").GroupBy(Day).ToDictionary(g => g.Key, g => g.Count());
        var ups = docs.Where(d => Event(d) == "delivery_delayed" && d.GetProperty("event").GetProperty("data").GetProperty("carrier").GetString() == "UPS")
            .GroupBy(Day).ToDictionary(g => g.Key, g => g.Count());
        var usualCarts = carts.Where(c => c.Key != 12).Average(c => c.Value);
        var usualUps = ups.Where(c => c.Key is not (21 or 22)).Average(c => c.Value);
        Assert.True(carts[12] > usualCarts * 1.8, $"flash sale day {carts[12]} carts, usually {usualCarts:0}");
        Assert.True(ups[21] > usualUps * 4 && ups[22] > usualUps * 4, $"outage {ups[21]}, {ups[22]} UPS delays, usually {usualUps:0}");
        var values = docs.Where(d => Event(d) == "checkout_abandoned").Select(d => d.GetProperty("event").GetProperty("data").GetProperty("cart_value").GetDouble()).Order().ToList();
        Assert.InRange(values[values.Count / 2], 50, 100);
        Assert.Contains(values, v => v >= 500);

        var (exit, output, err) = CliRunner.Run("simulate", "--history", path, "--format", "json", RepoPaths.Playbooks);
        Assert.True(exit == 0, err);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(lines.Length, report.GetProperty("payloads").GetInt32());
        Assert.Equal(0, report.GetProperty("unreadable").GetInt32());
        Assert.Equal(30, report.GetProperty("days").GetInt32());
        Assert.All(report.GetProperty("channels").EnumerateObject().Where(c => c.Name != "retention-lead-dm"),
            c => Assert.True(c.Value.GetProperty("posted").GetInt32() > 0, $"{c.Name} got no message from a month of traffic"));
    }

    [Fact]
    public void OutOfRangeOptions_AreUsageErrors()
    {
        var (exit, _, err) = CliRunner.Run("generate-history", "--days", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--days 0 is out of range: 1–3660", err, StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("generate-history", "--per-day", "-1").Exit);
        Assert.Equal(2, CliRunner.Run("generate-history", "--start", "yesterday").Exit);
    }

    [Fact]
    public void WithoutOut_ItWritesToStdout()
    {
        var (exit, output, _) = CliRunner.Run("generate-history", "--days", "1", "--per-day", "5", "--seed", "3");
        Assert.Equal(0, exit);
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("{\"delivery_id\":\"gen-3-", l, StringComparison.Ordinal));
    }

    [Fact]
    public void TheCommittedSample_IsWhatTheReadmesOptionsWrite()
    {
        var path = Generate("sample.ndjson", "--days", "7", "--per-day", "40", "--customers", "400", "--seed", "1");

        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Playbooks, "samples", "history.ndjson")).Replace("\r\n", "\n", StringComparison.Ordinal), File.ReadAllText(path));
    }
}
