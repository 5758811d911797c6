using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Interactivity;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Hold violations over HTTP: a reporting webhook showing a promotional message (a campaign workspace.yaml declares) sent to
/// a customer whose hold still runs is recorded once and posted in the case's thread, and the report counts it; a
/// promotion after the hold ended, another campaign, a message not sent, or another customer is none.
/// </summary>
public sealed class HoldViolationTests : IAsyncLifetime
{
    private PlaybookCopy _playbooks = null!;
    private CaseHost _host = null!;

    public async Task InitializeAsync()
    {
        _playbooks = new PlaybookCopy()
            .Replace("workspace.yaml", "owners:\n", "promotions:\n  campaigns: [77, \"spring-sale\"]\n  broadcasts: [5]\n\nowners:\n")
            .Replace("vip-cart-abandonment.yaml", "hold_promotions: 72h\n", "hold_promotions: 72h\nhold_ends_on: [lost]\n");
        _host = await CaseHost.StartAsync(_playbooks.Path);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _playbooks.Dispose();
    }

    private async Task<(string Escalation, string Ts)> EscalateAsync()
    {
        using var response = await _host.Client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _host.App.DrainAsync(TimeSpan.FromMilliseconds(250));
        var post = _host.Slack.MessagesIn("C07VIPSAVES").Single(m => m.ThreadTs is null);
        return (post.MetadataPayloadString("escalation_id")!, post.Ts);
    }

    private async Task ReportingAsync(string eventId, string metric, JsonObject data, string customer = "cus_1001")
    {
        data["identifiers"] = new JsonObject { ["id"] = customer };
        var body = new JsonObject
        {
            ["event_id"] = eventId,
            ["object_type"] = "email",
            ["metric"] = metric,
            ["timestamp"] = _host.Time.GetUtcNow().ToUnixTimeSeconds(),
            ["data"] = data,
        }.ToJsonString();
        using var response = await _host.Client.SendAsync(Webhooks.Reporting(body, _host.Time.GetUtcNow()));
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, response.StatusCode.ToString());
        await _host.App.DrainAsync(TimeSpan.FromMilliseconds(250));
    }

    private IReadOnlyList<FakeSlackMessage> Violations(string ts) =>
        [.. _host.Slack.MessagesIn("C07VIPSAVES").Where(m => m.ThreadTs == ts && m.Metadata?["event_type"]?.GetValue<string>() == CaseMessages.HoldViolationEventType)];

    [Fact]
    public async Task APromotionSentDuringTheHold_IsPostedOnTheCaseOnce_AndCounted()
    {
        var (escalation, ts) = await EscalateAsync();
        _host.Time.Advance(TimeSpan.FromHours(1));

        await ReportingAsync("01HVIOLATION0000000000001", "sent", new JsonObject { ["campaign_id"] = 77, ["delivery_id"] = "d1" });
        await ReportingAsync("01HVIOLATION0000000000001", "sent", new JsonObject { ["campaign_id"] = 77, ["delivery_id"] = "d1" });   // Customer.io's retry
        await ReportingAsync("01HVIOLATION0000000000002", "delivered", new JsonObject { ["campaign_id"] = 77 });   // not "sent"
        await ReportingAsync("01HVIOLATION0000000000003", "sent", new JsonObject { ["campaign_id"] = 78 });        // not a promotion
        await ReportingAsync("01HVIOLATION0000000000004", "sent", new JsonObject { ["campaign_id"] = 77 }, "cus_other");
        await ReportingAsync("01HVIOLATION0000000000005", "sent", new JsonObject { ["broadcast_id"] = 5 });        // a promotional broadcast

        var replies = Violations(ts);
        Assert.Equal(2, replies.Count);
        Assert.StartsWith(":warning: *Hold violated:* promotional campaign 77 was sent to this customer at <!date^", replies[0].Text, StringComparison.Ordinal);
        Assert.Contains("broadcast 5", replies[1].Text, StringComparison.Ordinal);
        Assert.All(replies, r => Assert.Equal(escalation, r.MetadataPayloadString("escalation_id")));
        Assert.DoesNotContain("Maria", replies[0].Text!, StringComparison.Ordinal);
        var totals = JsonDocument.Parse(await _host.Client.GetStringAsync("/report")).RootElement.GetProperty("totals");
        Assert.Equal(2, totals.GetProperty("hold_violations").GetInt64());
    }

    [Theory]
    [InlineData("\"1764583200\"")]
    [InlineData("null")]
    [InlineData("{}")]
    public async Task APromotionSentWhoseTimestampIsNoNumber_CountsAtItsArrival_AndTheInboxGoesOn(string timestamp)
    {
        // Signed and well-formed but for the body's timestamp: it once threw outside the record's quarantine, so the inbox
        // retried that batch for ever and nothing behind it was processed.
        var (_, ts) = await EscalateAsync();
        _host.Time.Advance(TimeSpan.FromHours(1));
        var body = $$$"""{"event_id":"01HVIOLATION0000000000020","object_type":"email","metric":"sent","timestamp":{{{timestamp}}},"data":{"identifiers":{"id":"cus_1001"},"campaign_id":77}}""";
        using (var response = await _host.Client.SendAsync(Webhooks.Reporting(body, _host.Time.GetUtcNow()))) Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _host.App.DrainAsync(TimeSpan.FromMilliseconds(250));

        Assert.Single(Violations(ts));
        var next = Webhooks.Sample("vip-cart-abandoned.json", j => { j["delivery_id"] = "after-the-odd-timestamp"; j["customer"]!["id"] = "cus_after"; });
        using (var response = await _host.Client.SendAsync(Webhooks.Journey(next))) Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _host.App.DrainAsync(TimeSpan.FromMilliseconds(250));
        var decisions = await _host.Client.GetStringAsync("/decisions?delivery_id=after-the-odd-timestamp");
        Assert.Contains("\"outcome\":", decisions, StringComparison.Ordinal);
        var health = JsonDocument.Parse(await _host.Client.GetStringAsync("/health")).RootElement;
        Assert.Equal(0, health.GetProperty("inbox_pending").GetInt64());
        Assert.Equal(0, health.GetProperty("quarantined").GetInt64());
    }

    [Fact]
    public async Task APromotionAfterTheHoldEnded_IsNoViolation()
    {
        var (escalation, ts) = await EscalateAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        await _host.ClickAsync("C07VIPSAVES", ts, BlockActionReader.LostId, $"{escalation}|price", "U07LEAD");
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        await ReportingAsync("01HVIOLATION0000000000010", "sent", new JsonObject { ["campaign_id"] = "spring-sale" });
        // And past the 72 h hold of another case: none either.
        _host.Time.Advance(TimeSpan.FromHours(72));
        await ReportingAsync("01HVIOLATION0000000000011", "sent", new JsonObject { ["campaign_id"] = 77 });

        Assert.Empty(Violations(ts));
        Assert.Equal(0, JsonDocument.Parse(await _host.Client.GetStringAsync("/report")).RootElement.GetProperty("totals").GetProperty("hold_violations").GetInt64());
    }

    /// <summary>The hold ends on the outcomes hold_ends_on names (here: lost), and only those: after a save it still runs.</summary>
    [Fact]
    public async Task APromotionAfterASave_WhenOnlyALossEndsTheHold_IsStillAViolation()
    {
        var (escalation, ts) = await EscalateAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        await _host.ClickAsync("C07VIPSAVES", ts, BlockActionReader.SavedId, escalation, "U07LEAD");
        _host.Time.Advance(TimeSpan.FromMinutes(30));

        await ReportingAsync("01HVIOLATION0000000000020", "sent", new JsonObject { ["campaign_id"] = "spring-sale" });

        Assert.Single(Violations(ts));
    }
}
