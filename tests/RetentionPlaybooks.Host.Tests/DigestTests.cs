using System.Text.Json.Nodes;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Digests end to end, over HTTP against the fake Slack on one fake clock: past vip-saves' budget (1 here) further escalations
/// roll into one digest message, posted once an interval after the first rolled in — never dropped; each line's menu marks its
/// case, whose status and SLA reminder go in the digest's thread; a digest whose post is in doubt is looked up, not posted twice.
/// </summary>
public sealed class DigestTests : IAsyncDisposable
{
    private readonly PlaybookCopy _playbooks = new PlaybookCopy()
        .Replace("workspace.yaml", "    daily_budget: 25\n", "    daily_budget: 1\n    digest:\n      every: 30m\n");

    private CaseHost _host = null!;

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _playbooks.Dispose();
    }

    private static string Cart(int i, decimal value = 184m) => Webhooks.Sample("vip-cart-abandoned.json", j =>
    {
        j["delivery_id"] = $"digest-{i}";
        j["customer"]!["id"] = $"cus_digest_{i}";
        j["event"]!["data"]!["checkout_id"] = $"chk_digest_{i}";
        j["event"]!["data"]!["cart_value"] = value + i;
    });

    private IReadOnlyList<FakeSlackMessage> VipSaves => _host.Slack.MessagesIn("C07VIPSAVES");

    private async Task<FakeSlackMessage> RollFourAndPostTheDigestAsync()
    {
        _host = await CaseHost.StartAsync(_playbooks.Path);
        for (var i = 0; i < 4; i++) await _host.SendAsync(Cart(i));
        await _host.DrainAsync();
        Assert.Single(VipSaves);
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        await _host.DrainAsync();
        return VipSaves.Single(m => m.Body["metadata"]?["event_type"]?.GetValue<string>() == "retention_digest");
    }

    private static IReadOnlyList<string> LineIds(FakeSlackMessage digest) =>
        digest.Blocks!.Select(b => b!["block_id"]?.GetValue<string>()).OfType<string>().Where(id => id.StartsWith("rp_line_", StringComparison.Ordinal)).Select(id => id["rp_line_".Length..]).ToList();

    [Fact]
    public async Task PastTheBudget_EscalationsRollIntoOneDigest_PostedOnceTheIntervalHasPassed_NoneDropped()
    {
        _host = await CaseHost.StartAsync(_playbooks.Path);
        for (var i = 0; i < 4; i++) await _host.SendAsync(Cart(i));
        await _host.DrainAsync();

        var decisions = new List<DecisionRecord>();
        for (var i = 0; i < 4; i++)
        {
            var found = await _host.Store.Inbox.FindAsync(RetentionPlaybooks.Pipeline.SignalSource.Journey, $"digest-{i}", CancellationToken.None);
            decisions.AddRange(await _host.Store.Decisions.DecisionsAsync(found!.Value.Id, CancellationToken.None));
        }
        Assert.Equal(["escalated", "digested", "digested", "digested"], decisions.Select(d => d.Outcome));
        Assert.Equal("channel budget: 1 message(s) to vip-saves in the last 24 h (daily_budget 1); rolled into the digest (every 30m)", decisions[1].Reason);
        Assert.Single(VipSaves);

        // (The drain steps the clock through pacing waits of a second or so: a minute short of the interval is well before it.)
        _host.Time.Advance(TimeSpan.FromMinutes(29));
        await _host.DrainAsync();
        Assert.Single(VipSaves);
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await _host.DrainAsync();

        Assert.Equal(2, VipSaves.Count);
        var digest = VipSaves[1];
        Assert.Equal("Digest: 3 escalations for vip-saves", digest.Text);
        // Oldest first; these three share their signal's time, so any order of them is right.
        Assert.Equal(decisions.Skip(1).Select(d => d.EscalationId!).Order(StringComparer.Ordinal), LineIds(digest).Order(StringComparer.Ordinal));
        Assert.Contains(digest.Blocks!, b => b!["text"]?["text"]?.GetValue<string>().StartsWith("*VIP cart abandoned: $185.00* · <@U07RETLEAD> · <!date^", StringComparison.Ordinal) == true);
        Assert.DoesNotContain("Maria", digest.Body.ToJsonString(), StringComparison.Ordinal);
        // The report: four cases, two messages (the post and the digest) against the budget.
        var report = System.Text.Json.JsonDocument.Parse(await _host.Client.GetStringAsync("/report?format=json")).RootElement;
        Assert.Equal(4, report.GetProperty("totals").GetProperty("escalated").GetInt64());
        var day = Assert.Single(report.GetProperty("channel_days").EnumerateArray());
        Assert.Equal(("vip-saves", 1, 2), (day.GetProperty("channel").GetString(), day.GetProperty("budget").GetInt32(), day.GetProperty("messages").GetInt64()));
        // Nothing more: one digest for the interval.
        _host.Time.Advance(TimeSpan.FromHours(1));
        await _host.DrainAsync();
        Assert.Single(VipSaves, m => m.Body["metadata"]?["event_type"]?.GetValue<string>() == "retention_digest");
    }

    [Fact]
    public async Task ALinesMenu_MarksItsCase_TheStatusGoesInTheDigestsThread_TheDigestItselfIsNotRewritten()
    {
        var digest = await RollFourAndPostTheDigestAsync();
        var second = LineIds(digest)[1];

        await _host.ClickAsync("C07VIPSAVES", digest.Ts, BlockActionReader.CaseMenuId, $"saved|{second}", "U0SAVER");
        await _host.ClickAsync("C07VIPSAVES", digest.Ts, BlockActionReader.CaseMenuId, $"lost|{second}|price", "U0LATE");

        var state = await _host.Store.Actions.CaseAsync(second, CancellationToken.None);
        Assert.Equal(("saved", "U0SAVER"), (state!.Outcome, state.OutcomeBy));
        var reply = Assert.Single(_host.Slack.Messages, m => m.ThreadTs == digest.Ts);
        Assert.Contains("vip-cart-abandonment", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Saved* by <@U0SAVER>", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Slack.Updates, u => u.Ts == digest.Ts);
        // The second click changed nothing: told so, only to who clicked.
        var told = Assert.Single(_host.Slack.Interactivity.Responses);
        Assert.Contains("already marked *saved*", told.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        // The other cases of the digest are untouched.
        Assert.Null((await _host.Store.Actions.CaseAsync(LineIds(digest)[0], CancellationToken.None))!.Outcome);
    }

    [Fact]
    public async Task ADigestedCasesReminder_GoesInTheDigestsThread_NamingTheCase_AndNotAfterItIsAcknowledged()
    {
        var digest = await RollFourAndPostTheDigestAsync();
        var lines = LineIds(digest);
        await _host.ClickAsync("C07VIPSAVES", digest.Ts, BlockActionReader.CaseMenuId, $"ack|{lines[0]}", "U0ACK");

        // The SLA is 2 h from when each case was raised; the reminder comes at three quarters of it.
        _host.Time.Advance(TimeSpan.FromMinutes(61));
        await _host.DrainAsync();

        var replies = _host.Slack.Messages.Where(m => m.ThreadTs == digest.Ts).ToList();
        var reminders = replies.Where(m => m.Body["metadata"]?["event_type"]?.GetValue<string>() == CaseMessages.ReminderEventType).ToList();
        Assert.Equal(lines.Skip(1).Order(StringComparer.Ordinal), reminders.Select(r => r.MetadataPayloadString("escalation_id")!).Order(StringComparer.Ordinal));
        Assert.All(reminders, r => Assert.Contains("in this digest yet", r.Text, StringComparison.Ordinal));
        Assert.Empty(_host.Slack.Updates);
    }

    [Fact]
    public async Task ADigestWhoseAnswerIsLost_IsLookedUp_NotPostedTwice()
    {
        _host = await CaseHost.StartAsync(_playbooks.Path);
        for (var i = 0; i < 3; i++) await _host.SendAsync(Cart(i));
        await _host.DrainAsync();
        _host.Slack.LoseResponseNext(1, "C07VIPSAVES");

        _host.Time.Advance(TimeSpan.FromMinutes(30));
        await _host.DrainAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(5));
        await _host.DrainAsync();

        var digests = VipSaves.Where(m => m.Body["metadata"]?["event_type"]?.GetValue<string>() == "retention_digest").ToList();
        var digest = Assert.Single(digests);
        Assert.True(_host.Slack.RequestCount("conversations.history") >= 1);
        var cases = await Task.WhenAll(LineIds(digest).Select(id => _host.Store.Actions.CaseAsync(id, CancellationToken.None)));
        Assert.All(cases, c => Assert.Equal(digest.Ts, c!.PostTs));
    }
}
