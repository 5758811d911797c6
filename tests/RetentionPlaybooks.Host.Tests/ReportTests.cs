using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Report;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The outcome report against a seeded scenario over HTTP (webhooks in, clicks from the fake Slack, one fake clock): six
/// VIP carts, three acknowledged at 10, 20 and 40 minutes, two saved, one lost for price without acknowledgement, two left
/// to miss their SLA; a repeated checkout suppressed by its dedupe key; a small cart skipped. Every figure is checked
/// against what the scenario makes, in JSON and in CSV.
/// </summary>
public sealed class ReportTests : IAsyncLifetime
{
    private static readonly decimal[] Values = [150m, 200m, 250m, 300m, 350m, 400m];
    private CaseHost _host = null!;

    public async Task InitializeAsync() => _host = await CaseHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task SendAsync(int i, decimal value, string checkout)
    {
        var body = Webhooks.Sample("vip-cart-abandoned.json", j =>
        {
            j["delivery_id"] = $"report-{i}";
            j["customer"]!["id"] = $"cus_report_{i}";
            j["event"]!["data"]!["checkout_id"] = checkout;
            j["event"]!["data"]!["cart_value"] = value;
        });
        using var response = await _host.Client.SendAsync(Webhooks.Journey(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private Task ClickAsync(string ts, string actionId, string value) => _host.ClickAsync("C07VIPSAVES", ts, actionId, value, "U07LEAD");

    /// <summary>The scenario; returns when it began.</summary>
    private async Task<DateTimeOffset> SeedAsync()
    {
        var start = _host.Time.GetUtcNow();
        for (var i = 0; i < Values.Length; i++) await SendAsync(i, Values[i], $"chk_report_{i}");
        await SendAsync(10, 180m, "chk_report_0");   // the same checkout again: its dedupe key holds it back
        await SendAsync(11, 50m, "chk_report_11");   // below the gate: skipped
        await _host.App.DrainAsync(TimeSpan.FromSeconds(1));
        var posts = _host.Slack.MessagesIn("C07VIPSAVES").Where(m => m.ThreadTs is null).ToList();
        Assert.Equal(6, posts.Count);
        // The posts in the order of their carts (the value is in the title).
        var byValue = Values.Select(v => posts.Single(p => p.Text!.Contains($"${v:0}.00", StringComparison.Ordinal))).ToList();
        string Id(int i) => byValue[i].MetadataPayloadString("escalation_id")!;

        var minutes = new[] { 10, 20, 40 };
        for (var i = 0; i < 3; i++)
        {
            _host.Time.Advance(start + TimeSpan.FromMinutes(minutes[i]) - _host.Time.GetUtcNow());
            await ClickAsync(byValue[i].Ts, BlockActionReader.AcknowledgeId, Id(i));
        }
        _host.Time.Advance(TimeSpan.FromMinutes(5));
        await ClickAsync(byValue[0].Ts, BlockActionReader.SavedId, Id(0));
        await ClickAsync(byValue[1].Ts, BlockActionReader.SavedId, Id(1));
        await ClickAsync(byValue[3].Ts, BlockActionReader.LostId, $"{Id(3)}|price");
        // Past every SLA (2h): the two untouched cases have missed theirs.
        _host.Time.Advance(start + TimeSpan.FromHours(3) - _host.Time.GetUtcNow());
        await _host.App.DrainAsync(TimeSpan.FromSeconds(1));
        return start;
    }

    [Fact]
    public async Task TheReport_CountsTheSeededScenario_Exactly()
    {
        await SeedAsync();
        using var response = await _host.Client.GetAsync("/report?format=json");
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(report.GetProperty("rows").EnumerateArray());
        Assert.Equal(("vip-cart-abandonment", "vip-saves", "retention-lead"), (row.GetProperty("playbook").GetString(), row.GetProperty("channel").GetString(), row.GetProperty("owner").GetString()));
        var f = row.GetProperty("figures");
        Assert.Equal(8, f.GetProperty("signals").GetInt64());
        Assert.Equal(6, f.GetProperty("escalated").GetInt64());
        Assert.Equal(1, f.GetProperty("suppressed").GetProperty("dedupe").GetInt64());
        Assert.Equal(3, f.GetProperty("acknowledged").GetInt64());
        Assert.Equal(50.0, f.GetProperty("acknowledged_percent").GetDouble());
        // Acknowledged at 10, 20 and 40 minutes after the first post; each post is a second after the one before it.
        var median = f.GetProperty("median_seconds_to_acknowledge").GetDouble();
        var p90 = f.GetProperty("p90_seconds_to_acknowledge").GetDouble();
        Assert.InRange(median, 20 * 60 - 10, 20 * 60);
        Assert.InRange(p90, 40 * 60 - 10, 40 * 60);
        Assert.Equal((4, 2), (f.GetProperty("sla_met").GetInt64(), f.GetProperty("sla_missed").GetInt64()));
        Assert.Equal(66.7, f.GetProperty("sla_met_percent").GetDouble());
        Assert.Equal((2, 1, 3), (f.GetProperty("saved").GetInt64(), f.GetProperty("lost").GetInt64(), f.GetProperty("open").GetInt64()));
        Assert.Equal(1, f.GetProperty("lost_by_reason").GetProperty("price").GetInt64());
        Assert.Equal(Values.Sum(), f.GetProperty("value_at_stake").GetDecimal());
        Assert.Equal(350m, f.GetProperty("value_saved").GetDecimal());
        Assert.Equal(6, f.GetProperty("holds_written").GetInt64());
        Assert.Equal(f.GetRawText(), report.GetProperty("totals").GetRawText());
        // The dashboard's series: one day of six messages against vip-saves' budget, the saves, the times.
        var day = Assert.Single(report.GetProperty("channel_days").EnumerateArray());
        Assert.Equal(("vip-saves", 25, 6), (day.GetProperty("channel").GetString(), day.GetProperty("budget").GetInt32(), day.GetProperty("messages").GetInt64()));
        var outcomes = Assert.Single(report.GetProperty("outcome_days").EnumerateArray());
        Assert.Equal((2, 1, 350m), (outcomes.GetProperty("saved").GetInt64(), outcomes.GetProperty("lost").GetInt64(), outcomes.GetProperty("value_saved").GetDecimal()));
        var acks = Assert.Single(report.GetProperty("ack_times").EnumerateArray());
        Assert.Equal((7200.0, 3), (acks.GetProperty("sla_seconds").GetDouble(), acks.GetProperty("seconds").GetArrayLength()));
    }

    [Fact]
    public async Task OneUntouchedCase_WithinItsSla_IsOpen_NeitherMetNorMissed()
    {
        await SendAsync(1, 200m, "chk_untouched");
        await _host.App.DrainAsync(TimeSpan.FromSeconds(1));

        using var response = await _host.Client.GetAsync("/report");
        var totals = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("totals");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((1, 0, 0, 0, 1), (totals.GetProperty("escalated").GetInt64(), totals.GetProperty("acknowledged").GetInt64(),
            totals.GetProperty("sla_met").GetInt64(), totals.GetProperty("sla_missed").GetInt64(), totals.GetProperty("open").GetInt64()));
        Assert.Equal((200m, 0m), (totals.GetProperty("value_at_stake").GetDecimal(), totals.GetProperty("value_saved").GetDecimal()));
        // Neither met nor missed yet: no share of the SLA met (not 0 %).
        Assert.Equal(JsonValueKind.Null, totals.GetProperty("sla_met_percent").ValueKind);
    }

    [Fact]
    public async Task TheDashboard_DrawsTheSeededScenario_AsOneSelfContainedPage()
    {
        await SeedAsync();
        using var response = await _host.Client.GetAsync("/dashboard");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("data-channel=\"vip-saves\"", html, StringComparison.Ordinal);
        Assert.Contains("vip-cart-abandonment", html, StringComparison.Ordinal);
        Assert.Contains("350.00", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Maria", html, StringComparison.Ordinal);   // the sample customer's name: no PII on operator pages
    }

    [Fact]
    public async Task TheCsv_HasOneLinePerRowAndATotal_WithTheSameFigures()
    {
        await SeedAsync();
        var csv = await _host.Client.GetStringAsync("/report?format=csv");

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var header = lines[0].Split(',');
        var row = lines[1].Split(',');
        Assert.Equal(header.Length, row.Length);
        string Cell(string[] line, string column) => line[Array.IndexOf(header, column)];
        Assert.Equal(("vip-cart-abandonment", "6", "1", "2", "1", "1", "350.00"), (Cell(row, "playbook"), Cell(row, "escalated"), Cell(row, "suppressed_dedupe"),
            Cell(row, "saved"), Cell(row, "lost"), Cell(row, "lost_price"), Cell(row, "value_saved")));
        Assert.Equal("1650.00", Cell(row, "value_at_stake"));
        Assert.StartsWith("TOTAL,,,8,6,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task APeriodBeforeTheScenario_CountsNothing_AndBadPeriodsAre400()
    {
        var start = await SeedAsync();
        var before = start.UtcDateTime.Date.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var dayBefore = start.UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var empty = JsonDocument.Parse(await _host.Client.GetStringAsync($"/report?from={before}&to={dayBefore}")).RootElement;

        Assert.Empty(empty.GetProperty("rows").EnumerateArray());
        Assert.Equal(0, empty.GetProperty("totals").GetProperty("escalated").GetInt64());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("totals").GetProperty("median_seconds_to_acknowledge").ValueKind);
        foreach (var query in new[] { "from=yesterday", "from=2026-11-30&to=2026-11-01", "from=1900-01-01&to=2026-01-01", "format=xml", "from=2000-01-01&to=9999-12-31", "from=0001-01-01&to=0001-02-01", "to=not-a-date" })
        {
            using var bad = await _host.Client.GetAsync("/report?" + query);
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, $"{query}: {bad.StatusCode}");
        }
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("-1", "-1")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("@SUM(1)", "'@SUM(1)")]
    [InlineData("plain", "plain")]
    public void CsvCells_AreQuoted_AndFormulasDefused(string text, string cell) => Assert.Equal(cell, ReportEndpoints.Cell(text));

    [Fact]
    public void Percentile_IsTheNearestRank()
    {
        Assert.Null(ReportBuilder.Percentile([], 0.5));
        Assert.Equal(7, ReportBuilder.Percentile([7], 0.9));
        Assert.Equal(2, ReportBuilder.Percentile([1, 2, 3, 4], 0.5));
        Assert.Equal(3, ReportBuilder.Percentile([1, 2, 3, 4, 5], 0.5));
        Assert.Equal(9, ReportBuilder.Percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9));
        Assert.Equal(10, ReportBuilder.Percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9));
    }
}
