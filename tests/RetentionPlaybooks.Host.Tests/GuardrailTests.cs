using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Guardrails through the whole pipeline, delivered to the preview sink, each decision recorded.</summary>
public sealed class GuardrailTests
{
    // Without a timestamp, a signal is evaluated at the time it was received: the fake clock's time.
    private static string Cart(int delivery, string customer, string checkout) => Webhooks.Sample("vip-cart-abandoned.json", j =>
    {
        j.Remove("timestamp");
        j["delivery_id"] = $"d-{delivery}";
        j["customer"]!["id"] = customer;
        j["event"]!["data"]!["checkout_id"] = checkout;
    });

    /// <summary>
    /// Posts the bodies, waits until the inbox has processed them without moving the clock (so every decision is
    /// taken at the current fake time), drains the outbox, and returns the decisions about these deliveries.
    /// </summary>
    private static async Task<IReadOnlyList<DecisionRecord>> RunAsync(HostApp app, IEnumerable<string> bodies)
    {
        using var client = app.CreateClient();
        var ids = new List<string>();
        foreach (var body in bodies)
        {
            using var response = await client.SendAsync(Webhooks.Journey(body));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add(System.Text.Json.Nodes.JsonNode.Parse(body)!["delivery_id"]!.GetValue<string>());
        }
        await app.WaitUntilAsync(h => h.GetProperty("inbox_pending").GetInt64() == 0);
        await app.DrainAsync(TimeSpan.FromSeconds(1));
        var store = app.Services.GetRequiredService<IStore>();
        var decisions = new List<DecisionRecord>();
        foreach (var id in ids)
        {
            var inbox = await store.Inbox.FindAsync(SignalSource.Journey, id, CancellationToken.None);
            decisions.AddRange(await store.Decisions.DecisionsAsync(inbox!.Value.Id, CancellationToken.None));
        }
        return decisions;
    }

    private static async Task<DateTimeOffset> CreatedAtAsync(HostApp app, DecisionRecord escalated) =>
        (await app.Services.GetRequiredService<IStore>().Deliveries.GetAsync(escalated.EscalationId!, CancellationToken.None))!.CreatedAt;

    [Fact]
    public async Task Cooldown_SameCustomer_SuppressedUntilTheCooldownHasPassed_ThenEscalatesAgain()
    {
        using var app = new HostApp();
        var first = Assert.Single(await RunAsync(app, [Cart(1, "cus_a", "chk_1")]));
        var at = await CreatedAtAsync(app, first);
        // The case's SLA clocks fire and drain first, so their pacing does not move the clock past the boundaries below.
        app.Time.SetUtcNow(at + TimeSpan.FromHours(3));
        await app.DrainAsync(TimeSpan.FromSeconds(1));

        app.Time.SetUtcNow(at + TimeSpan.FromDays(7) - TimeSpan.FromMilliseconds(1));
        var during = Assert.Single(await RunAsync(app, [Cart(2, "cus_a", "chk_2")]));
        app.Time.SetUtcNow(at + TimeSpan.FromDays(7));
        var after = Assert.Single(await RunAsync(app, [Cart(3, "cus_a", "chk_3")]));
        var other = Assert.Single(await RunAsync(app, [Cart(4, "cus_b", "chk_4")]));

        Assert.Equal("escalated", first.Outcome);
        Assert.Equal("suppressed", during.Outcome);
        Assert.StartsWith("cooldown: this customer was escalated", during.Reason, StringComparison.Ordinal);
        Assert.EndsWith("(cooldown 1w)", during.Reason, StringComparison.Ordinal);
        Assert.Equal("escalated", after.Outcome);
        Assert.Equal("escalated", other.Outcome);
    }

    [Fact]
    public async Task Cooldown_LateSignals_AreJudgedAtTheirOwnTime_AgainstTheStoredHistory()
    {
        // Two carts of one customer a day apart in their own time, delivered ten days apart (a backlog, a replay): the
        // second is within the first's 7-day cooldown, as it was when it happened.
        using var app = new HostApp();
        var t0 = HostApp.Start - TimeSpan.FromDays(20);
        string At(int delivery, DateTimeOffset at) => Webhooks.Sample("vip-cart-abandoned.json", j =>
        {
            j["delivery_id"] = $"late-{delivery}";
            j["customer"]!["id"] = "cus_late";
            j["event"]!["data"]!["checkout_id"] = $"chk_late_{delivery}";
            j["timestamp"] = at.ToUnixTimeSeconds();
        });
        var first = Assert.Single(await RunAsync(app, [At(1, t0)]));
        app.Time.Advance(TimeSpan.FromDays(10));
        var second = Assert.Single(await RunAsync(app, [At(2, t0 + TimeSpan.FromDays(1))]));
        var third = Assert.Single(await RunAsync(app, [At(3, t0 + TimeSpan.FromDays(8))]));

        Assert.Equal("escalated", first.Outcome);
        Assert.Equal("suppressed", second.Outcome);
        Assert.Equal("cooldown: this customer was escalated 1 day ago (cooldown 1w)", second.Reason);
        Assert.Equal("escalated", third.Outcome);
    }

    [Fact]
    public async Task DailyCap_CountsTheLast24HoursExactly()
    {
        using var app = new HostApp();
        var day = await RunAsync(app, Enumerable.Range(1, 8).Select(i => Cart(i, $"cus_{i}", $"chk_{i}")));
        var latest = (await Task.WhenAll(day.Select(d => CreatedAtAsync(app, d)))).Max();
        var earliest = (await Task.WhenAll(day.Select(d => CreatedAtAsync(app, d)))).Min();
        Assert.Equal(earliest, latest);
        // The day's SLA clocks (reminders, breaches) fire and drain first, so their pacing does not move the clock past the boundary below.
        app.Time.SetUtcNow(latest + TimeSpan.FromHours(3));
        await app.DrainAsync(TimeSpan.FromSeconds(1));

        app.Time.SetUtcNow(latest + TimeSpan.FromHours(24));
        var atTheBoundary = Assert.Single(await RunAsync(app, [Cart(9, "cus_9", "chk_9")]));
        app.Time.SetUtcNow(latest + TimeSpan.FromHours(24) + TimeSpan.FromMilliseconds(1));
        var after = Assert.Single(await RunAsync(app, [Cart(10, "cus_10", "chk_10")]));

        Assert.All(day, d => Assert.Equal("escalated", d.Outcome));
        Assert.Equal("suppressed", atTheBoundary.Outcome);
        Assert.Equal("daily cap: 8 escalation(s) to vip-saves in the last 24 h (daily_cap 8)", atTheBoundary.Reason);
        Assert.Equal("escalated", after.Outcome);
    }

    [Fact]
    public async Task ChannelBudget_FreesAfter24Hours_AndCountsOtherPlaybooksInTheChannel()
    {
        using var playbooks = new PlaybookCopy().Replace("workspace.yaml", "daily_budget: 25", "daily_budget: 2");
        using var app = new HostApp(playbooks.Path);
        var first = await RunAsync(app, [Cart(1, "cus_1", "chk_1"), Cart(2, "cus_2", "chk_2")]);
        var at = await CreatedAtAsync(app, first[1]);

        var full = Assert.Single(await RunAsync(app, [Cart(3, "cus_3", "chk_3")]));
        app.Time.SetUtcNow(at + TimeSpan.FromHours(24) + TimeSpan.FromMilliseconds(1));
        var freed = Assert.Single(await RunAsync(app, [Cart(4, "cus_4", "chk_4")]));

        Assert.Equal("suppressed", full.Outcome);
        Assert.StartsWith("channel budget: 2 message(s) to vip-saves", full.Reason, StringComparison.Ordinal);
        Assert.Equal("escalated", freed.Outcome);
    }

    [Fact]
    public async Task DedupeKey_SameCheckoutFromAnotherDelivery_EscalatesOnce()
    {
        using var app = new HostApp();

        var decisions = await RunAsync(app, [Cart(1, "cus_a", "chk_same"), Cart(2, "cus_b", "chk_same")]);

        Assert.Equal(["escalated", "suppressed"], decisions.Select(d => d.Outcome));
        Assert.Equal("duplicate: dedupe key \"cart-chk_same\" already escalated", decisions[1].Reason);
        Assert.Single(app.Preview.Messages);
    }

    [Fact]
    public async Task DailyCap_NinthCartOfTheDay_IsSuppressed()
    {
        using var app = new HostApp();

        var decisions = await RunAsync(app, Enumerable.Range(1, 9).Select(i => Cart(i, $"cus_{i}", $"chk_{i}")));

        Assert.Equal(8, decisions.Count(d => d.Outcome == "escalated"));
        var capped = Assert.Single(decisions, d => d.Outcome == "suppressed");
        Assert.Equal("daily cap: 8 escalation(s) to vip-saves in the last 24 h (daily_cap 8)", capped.Reason);
    }

    [Fact]
    public async Task ChannelBudget_SharedAcrossPlaybooks_StopsTheChannelAtItsBudget()
    {
        using var playbooks = new PlaybookCopy().Replace("workspace.yaml", "daily_budget: 25", "daily_budget: 2");
        using var app = new HostApp(playbooks.Path);

        var decisions = await RunAsync(app, Enumerable.Range(1, 3).Select(i => Cart(i, $"cus_{i}", $"chk_{i}")));

        Assert.Equal(["escalated", "escalated", "suppressed"], decisions.Select(d => d.Outcome));
        Assert.Equal("channel budget: 2 message(s) to vip-saves in the last 24 h (daily_budget 2)", decisions[2].Reason);
    }

    [Fact]
    public async Task Decisions_ByDeliveryId_ExplainWhatHappened()
    {
        using var app = new HostApp();
        await RunAsync(app,
        [
            Cart(1, "cus_a", "chk_1"),
            Webhooks.Sample("vip-cart-abandoned.json", j => { j["delivery_id"] = "small"; j["event"]!["data"]!["cart_value"] = 12; }),
            Webhooks.Sample("vip-cart-abandoned.json", j => { j["delivery_id"] = "other-event"; j["event"]!["name"] = "page_viewed"; }),
        ]);
        using var client = app.CreateClient();

        var escalated = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/decisions?delivery_id=d-1")).RootElement;
        var skipped = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/decisions?delivery_id=small")).RootElement;
        using var unknown = await client.GetAsync("/decisions?delivery_id=never-sent");
        var untriggered = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/decisions?delivery_id=other-event")).RootElement;

        Assert.True(escalated.GetProperty("processed").GetBoolean());
        var decision = Assert.Single(escalated.GetProperty("decisions").EnumerateArray());
        Assert.Equal("escalated", decision.GetProperty("outcome").GetString());
        Assert.Equal("vip-saves", decision.GetProperty("channel").GetString());
        Assert.Equal("skipped", skipped.GetProperty("decisions")[0].GetProperty("outcome").GetString());
        Assert.Contains("event.cart_value = 12", skipped.GetProperty("decisions")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var none = Assert.Single(untriggered.GetProperty("decisions").EnumerateArray());
        Assert.Equal("no_trigger", none.GetProperty("outcome").GetString());
        Assert.Equal("no playbook is triggered by the event \"page_viewed\"", none.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Exclusion_OpenSupportCase_IsRecordedAsExcluded()
    {
        using var app = new HostApp();
        var body = Webhooks.Sample("vip-cart-abandoned.json", j => j["customer"]!["open_support_case"] = true);

        var decision = Assert.Single(await RunAsync(app, [body]));

        Assert.Equal("excluded", decision.Outcome);
        Assert.StartsWith("excluded by \"customer.open_support_case\"", decision.Reason, StringComparison.Ordinal);
        Assert.Empty(app.Preview.Messages);
    }
}
