using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

/// <summary>
/// <c>playbooks simulate</c> on histories whose answer is known from the shipped playbooks: vip-cart-abandonment (cooldown 7d,
/// dedupe per checkout, daily cap 8, to vip-saves with budget 25 under $500 and to the retention lead's DM from $500).
/// </summary>
public sealed class SimulateCommandTests : IDisposable
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TempPlaybooks _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A VIP cart abandoned by <paramref name="customer"/> at <paramref name="at"/>, over every gate.</summary>
    private static string Cart(string customer, DateTimeOffset at, string checkout, decimal value = 184m, string delivery = "") =>
        new JsonObject
        {
            ["delivery_id"] = delivery.Length > 0 ? delivery : $"d-{customer}-{checkout}-{at.ToUnixTimeSeconds()}",
            ["timestamp"] = at.ToUnixTimeSeconds(),
            ["customer"] = new JsonObject
            {
                ["id"] = customer, ["cio_id"] = "a3f00012", ["email"] = "maria@example.com", ["first_name"] = "Maria", ["shop_customer_id"] = "7301",
                ["ltv"] = "2480.50", ["order_count"] = 14, ["vip"] = true, ["vip_tier"] = "gold", ["open_support_case"] = false, ["fraud_flag"] = false,
                ["last_refund_at"] = "",
            },
            ["event"] = new JsonObject
            {
                ["name"] = "checkout_abandoned",
                ["data"] = new JsonObject
                {
                    ["checkout_id"] = checkout, ["cart_value"] = value, ["currency"] = "USD", ["cart_url"] = $"https://acme-coffee.example/cart/{checkout}",
                    ["items"] = new JsonArray(new JsonObject { ["sku"] = "ESP-BLD-1KG", ["name"] = "Espresso blend 1 kg", ["price"] = 42.00, ["quantity"] = 2 }),
                },
            },
        }.ToJsonString();

    private string History(string name, IEnumerable<string> lines)
    {
        var path = _dir.FilePath(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static JsonElement Channel(string json, string name) => JsonDocument.Parse(json).RootElement.GetProperty("channels").GetProperty(name);

    [Fact]
    public void OneCustomerTriggeringTenTimesInADay_PostsOnce_TheRestHeldByTheCooldown()
    {
        var history = History("one.ndjson", Enumerable.Range(0, 10).Select(i => Cart("cus_1", Day1.AddMinutes(30 * i), $"chk_{i}")));

        var (exit, output, err) = CliRunner.Run("simulate", "--history", history, "--format", "json", _dir.Path);

        Assert.True(exit == 0, err);
        var vip = Channel(output, "vip-saves");
        Assert.Equal(1, vip.GetProperty("posted").GetInt32());
        Assert.Equal(9, vip.GetProperty("suppressed").GetProperty("cooldown").GetInt32());
        Assert.Equal(0, vip.GetProperty("suppressed").GetProperty("daily_cap").GetInt32());
        Assert.Equal(0, vip.GetProperty("days_over_budget").GetInt32());
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("days").GetInt32());
    }

    [Fact]
    public void MoreQualifyingCustomersInADayThanTheDailyCap_PostExactlyTheCap_TheRestCapped_AndTheCapFreesTheNextDay()
    {
        // Twelve customers on day 1 (cap 8), twelve more 24 h after the first of them: the cap counts the last 24 hours.
        var day1 = Enumerable.Range(0, 12).Select(i => Cart($"cus_a{i}", Day1.AddMinutes(i), $"chk_a{i}"));
        var day2 = Enumerable.Range(0, 12).Select(i => Cart($"cus_b{i}", Day1.AddDays(1).AddMinutes(i + 20), $"chk_b{i}"));
        var history = History("cap.ndjson", day1.Concat(day2));

        var (exit, output, err) = CliRunner.Run("simulate", "--history", history, "--format", "json", _dir.Path);

        Assert.True(exit == 0, err);
        var vip = Channel(output, "vip-saves");
        Assert.Equal(16, vip.GetProperty("posted").GetInt32());
        Assert.Equal(8, vip.GetProperty("suppressed").GetProperty("daily_cap").GetInt32());
        var days = vip.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(["2026-11-02", "2026-11-03"], days.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([8, 8], days.Select(d => d.GetProperty("posted").GetInt32()));
        Assert.Equal([4, 4], days.Select(d => d.GetProperty("suppressed").GetProperty("daily_cap").GetInt32()));
        Assert.Equal(9, days[0].GetProperty("peak_hour").GetInt32());
        Assert.Equal(8, days[0].GetProperty("peak_hour_posted").GetInt32());
        Assert.Equal("2026-11-02T09:00:00Z", vip.GetProperty("peak_hour").GetProperty("at").GetString());
        var owner = JsonDocument.Parse(output).RootElement.GetProperty("owners").GetProperty("retention-lead");
        Assert.Equal((16, 8, "2h"), (owner.GetProperty("cases").GetInt32(), owner.GetProperty("busiest_day").GetInt32(), owner.GetProperty("shortest_sla").GetString()));
    }

    [Fact]
    public void AChannelWithADigest_PastItsBudget_RollsTheRestIntoDigests_OnePerInterval_NothingHeldBack_NotOverBudget()
    {
        _dir.Replace("workspace.yaml", "    daily_budget: 25\n", "    daily_budget: 2\n    digest:\n      every: 30m\n");
        // Seven customers: two posted, then five rolled in — four within the first digest's 30 minutes (09:02–09:05), the
        // fifth at 09:40, after that digest was due (09:32), so a second digest, due 10:10.
        var at = new[] { 0, 1, 2, 3, 4, 5, 40 };
        var history = History("digest.ndjson", at.Select((m, i) => Cart($"cus_{i}", Day1.AddMinutes(m), $"chk_{i}")));

        var json = CliRunner.Run("simulate", "--history", history, "--format", "json", "--fail-over-budget", _dir.Path);
        var text = CliRunner.Run("simulate", "--history", history, _dir.Path);

        Assert.True(json.Exit == 0, json.Err);
        var vip = Channel(json.Out, "vip-saves");
        Assert.Equal((2, 5, 2), (vip.GetProperty("posted").GetInt32(), vip.GetProperty("digested").GetInt32(), vip.GetProperty("digests").GetInt32()));
        Assert.Equal(0, vip.GetProperty("suppressed").GetProperty("channel_budget").GetInt32());
        Assert.Equal(0, vip.GetProperty("days_over_budget").GetInt32());
        var day = Assert.Single(vip.GetProperty("days").EnumerateArray());
        Assert.Equal((5, 2), (day.GetProperty("digested").GetInt32(), day.GetProperty("digests").GetInt32()));
        // Digested cases are cases: the owner has all seven.
        Assert.Equal(7, JsonDocument.Parse(json.Out).RootElement.GetProperty("owners").GetProperty("retention-lead").GetProperty("cases").GetInt32());
        Assert.Matches(@"vip-saves\s+2\s+2\s+2\.0\s+5\s+2\s+-", text.Out);
        Assert.Matches(@"retention-lead-dm\s+\d+\s+0\s+0\.0\s+-\s+-\s+-", text.Out);
    }

    [Fact]
    public void AChannelWithADigestsAfter_RollsABurstIn_AndPostsAgainOnceTheWindowHasRoom()
    {
        _dir.Replace("workspace.yaml", "    daily_budget: 25\n", "    daily_budget: 25\n    digest:\n      after: 2 in 10m\n      every: 15m\n");
        // Posts at 09:00 and 09:01 fill the window; 09:02–09:04 roll in (one digest, due 09:17); at 09:10 the 09:00 post has
        // left the window: posted; 09:11 is then at the count again (09:01 and 09:10): rolled into the still-open digest.
        var at = new[] { 0, 1, 2, 3, 4, 10, 11 };
        var history = History("burst.ndjson", at.Select((m, i) => Cart($"cus_{i}", Day1.AddMinutes(m), $"chk_{i}")));

        var (exit, output, err) = CliRunner.Run("simulate", "--history", history, "--format", "json", _dir.Path);

        Assert.True(exit == 0, err);
        var vip = Channel(output, "vip-saves");
        Assert.Equal((3, 4, 1), (vip.GetProperty("posted").GetInt32(), vip.GetProperty("digested").GetInt32(), vip.GetProperty("digests").GetInt32()));
    }

    [Fact]
    public void Compare_SaysWhatADigestChanges()
    {
        using var before = new TempPlaybooks();
        before.Replace("workspace.yaml", "daily_budget: 25", "daily_budget: 2");
        _dir.Replace("workspace.yaml", "    daily_budget: 25\n", "    daily_budget: 2\n    digest:\n      every: 30m\n");
        var history = History("compare-digest.ndjson", Enumerable.Range(0, 5).Select(i => Cart($"cus_{i}", Day1.AddMinutes(i), $"chk_{i}")));

        var (exit, output, err) = CliRunner.Run("simulate", "--history", history, "--compare", before.Path, _dir.Path);

        Assert.True(exit == 0, err);
        Assert.Contains("no change in messages to vip-saves (2 → 2 posted, 0 → 3 rolled into digests (0 → 1 digest messages); budget 2: never exceeded, before on 1)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AChannelOverItsBudget_IsCountedPerDay_AnnotatedOnItsLineInWorkspaceYaml_AndFailsWithFailOverBudget()
    {
        _dir.Replace("workspace.yaml", "daily_budget: 25", "daily_budget: 5");
        var history = History("budget.ndjson", Enumerable.Range(0, 7).Select(i => Cart($"cus_{i}", Day1.AddMinutes(i), $"chk_{i}")));

        var json = CliRunner.Run("simulate", "--history", history, "--format", "json", _dir.Path);
        var github = CliRunner.Run("simulate", "--history", history, "--format", "github", _dir.Path);
        var failing = CliRunner.Run("simulate", "--history", history, "--fail-over-budget", _dir.Path);

        var vip = Channel(json.Out, "vip-saves");
        Assert.Equal((5, 2, 1), (vip.GetProperty("posted").GetInt32(), vip.GetProperty("suppressed").GetProperty("channel_budget").GetInt32(), vip.GetProperty("days_over_budget").GetInt32()));
        var line = File.ReadAllLines(_dir.FilePath("workspace.yaml")).Select((text, i) => (text, i)).First(l => l.text.Contains("vip-saves:", StringComparison.Ordinal)).i + 1;
        Assert.Contains($"::warning file={_dir.FilePath("workspace.yaml")},line={line},", github.Out, StringComparison.Ordinal);
        Assert.Contains("vip-saves gets more escalations than its daily_budget of 5 on 1 of 1 day(s)", github.Out, StringComparison.Ordinal);
        Assert.Contains("| vip-saves | 5 | 5 | 5.0 | - | - | 1 of 1 days | 0 | 0 | 0 | 2 | 0 |", github.Out, StringComparison.Ordinal);
        Assert.Equal(0, github.Exit);
        Assert.Equal(1, failing.Exit);
        Assert.Contains("playbooks simulate: over budget: vip-saves (budget 5) on 1 of 1 day(s)", failing.Err, StringComparison.Ordinal);
        Assert.Contains("vip-saves: over its daily budget of 5 on 2026-11-02 (5 posted, 2 held)", failing.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_AnotherFolder_SaysWhatTheChangeAddsPerChannelPerDay()
    {
        // The change raises the cap from 8 to 12: twelve customers a day for two days post 24 instead of 16.
        using var changed = new TempPlaybooks();
        changed.Replace("vip-cart-abandonment.yaml", "daily_cap: 8", "daily_cap: 12");
        var lines = Enumerable.Range(0, 2).SelectMany(d => Enumerable.Range(0, 12).Select(i => Cart($"cus_{d}_{i}", Day1.AddDays(d).AddMinutes(i + 20 * d), $"chk_{d}_{i}")));
        var history = History("compare.ndjson", lines);

        var (exit, output, err) = CliRunner.Run("simulate", "--history", history, "--compare", _dir.Path, changed.Path);

        Assert.True(exit == 0, err);
        Assert.Contains($"compared with {_dir.Path}:", output, StringComparison.Ordinal);
        Assert.Contains("this change adds 4.0 messages/day to vip-saves (16 → 24 posted; budget 25: never exceeded)", output, StringComparison.Ordinal);
        Assert.Contains("no change in messages to cx-escalations", output, StringComparison.Ordinal);
    }

    [Fact]
    public void LinesThatAreNotPayloads_AreNamedAndLeftOut_TheRestCounted_AndAHistoryWithNoneIsAnError()
    {
        var history = History("mixed.ndjson", [Cart("cus_1", Day1, "chk_1"), "{not json", "", "{\"hello\": 1}", Cart("cus_2", Day1.AddMinutes(1), "chk_2")]);
        var bad = History("bad.ndjson", ["{not json", "[1, 2]"]);

        var mixed = CliRunner.Run("simulate", "--history", history, "--format", "json", _dir.Path);
        var none = CliRunner.Run("simulate", "--history", bad, _dir.Path);

        Assert.Equal(0, mixed.Exit);
        Assert.Equal(2, Channel(mixed.Out, "vip-saves").GetProperty("posted").GetInt32());
        Assert.Contains($"{history}(2,2): error: invalid JSON", mixed.Err, StringComparison.Ordinal);
        Assert.Contains($"{history}(4,1): error: not a Customer.io payload", mixed.Err, StringComparison.Ordinal);
        Assert.Contains("2 line(s) of the history are not payloads and were left out; the figures are for the other 2", mixed.Err, StringComparison.Ordinal);
        Assert.Equal(1, none.Exit);
        Assert.Contains("playbooks simulate: no payload could be read from", none.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralHistoryFiles_AreReplayedInTheOrderGiven_AsOneHistory_TheCooldownSpanningThem()
    {
        var first = History("a.ndjson", [Cart("cus_1", Day1, "chk_1")]);
        var second = History("b.ndjson", [Cart("cus_1", Day1.AddHours(1), "chk_2")]);

        var (exit, output, err) = CliRunner.Run("simulate", "--history", first, "--history", second, "--format", "json", _dir.Path);

        Assert.True(exit == 0, err);
        Assert.Equal(1, Channel(output, "vip-saves").GetProperty("posted").GetInt32());
        Assert.Equal(1, Channel(output, "vip-saves").GetProperty("suppressed").GetProperty("cooldown").GetInt32());
        Assert.Equal(2, JsonDocument.Parse(output).RootElement.GetProperty("payloads").GetInt32());
    }

    [Fact]
    public void Text_IsATableOfEveryChannel_WithTheOwnersAndTheSpan()
    {
        var history = History("text.ndjson", [Cart("cus_1", Day1, "chk_1"), Cart("cus_2", Day1.AddDays(2), "chk_2", value: 640m)]);

        var (exit, output, err) = CliRunner.Run("simulate", "--history", history, _dir.Path);

        Assert.True(exit == 0, err);
        Assert.Contains($"simulate {_dir.Path}: 2 payload(s), 2 signal(s), 2026-11-02 – 2026-11-04 UTC, 3 day(s)", output, StringComparison.Ordinal);
        Assert.Matches(@"vip-saves\s+25\s+1\s+0\.3\s+-\s+-\s+-\s+0\s+0\s+0\s+0\s+0\s+2026-11-02 09:00 \(1\)", output);
        Assert.Matches(@"retention-lead-dm\s+\d+\s+1\s+0\.3\s+-", output);
        Assert.Matches(@"retention-lead\s+2\s+0\.7\s+1\s+2h", output);
        Assert.DoesNotContain("maria", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cus_1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_NoHistory_IsAUsageError_AMissingFileToo()
    {
        Assert.Equal(2, CliRunner.Run("simulate", _dir.Path).Exit);
        var missing = CliRunner.Run("simulate", "--history", _dir.FilePath("nope.ndjson"), _dir.Path);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("no such file", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALongHistory_InATerminal_DrawsAProgressBarOnStderr_NotInCiOrInJson()
    {
        var history = _dir.FilePath("long.ndjson");
        Assert.Equal(0, CliRunner.Run("generate-history", "--days", "30", "--per-day", "1300", "--out", history).Exit);
        Assert.True(new FileInfo(history).Length >= RetentionPlaybooks.Cli.Commands.SimulateCommand.ProgressFrom, "the history is long enough for a progress bar");
        async Task<(string Out, string Err)> Run(bool interactive, string format)
        {
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            var exit = await RetentionPlaybooks.Cli.CommandLine.RunAsync(["simulate", "--history", history, "--format", format, _dir.Path],
                new RetentionPlaybooks.Cli.CliContext(stdout, stderr, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CliRunner.Now), TimeSpan.FromSeconds(5), Interactive: interactive));
            Assert.Equal(0, exit);
            return (stdout.ToString(), stderr.ToString());
        }

        var terminal = await Run(true, "text");
        var ci = await Run(false, "text");
        var json = await Run(true, "json");

        Assert.Contains("replaying the history", terminal.Err, StringComparison.Ordinal);
        Assert.Contains("100%", terminal.Err, StringComparison.Ordinal);
        Assert.Equal(ci.Out, terminal.Out);
        Assert.DoesNotContain("replaying", ci.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("replaying", json.Err, StringComparison.Ordinal);
    }
}
