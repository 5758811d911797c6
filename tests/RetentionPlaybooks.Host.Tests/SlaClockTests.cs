using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// SLA clocks over HTTP against the fake Slack, on one fake clock: the reminder in the thread at three quarters of the SLA
/// (or the playbook's remind_after), the message marked missed at the SLA, the case escalated to the SLA's target — each at
/// its exact time, once, across a restart; none of them once someone has acknowledged the case. Nothing sleeps: the clock
/// moves only when a test moves it, and the clocks are rows due at their time.
/// </summary>
public sealed class SlaClockTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "rp-sla-" + Guid.NewGuid().ToString("N"));
    private CaseHost _host = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        _host = await CaseHost.StartAsync(dataDirectory: _dataDir);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file the test host still held; the folder is in the temp directory.
        }
    }

    private IStore Store => _host.Store;

    private readonly HashSet<string> _seen = [];

    /// <summary>A VIP cart (SLA 2h, reminder at 90 min by default) escalated and posted: its id, ts and when it was queued.</summary>
    private async Task<(string Escalation, string Ts, DateTimeOffset CreatedAt)> VipCartAsync(int i = 1) =>
        await EscalateAsync(Webhooks.Sample("vip-cart-abandoned.json", j =>
        {
            j["delivery_id"] = $"sla-{i}";
            j["customer"]!["id"] = $"cus_sla_{i}";
            j["event"]!["data"]!["checkout_id"] = $"chk_sla_{i}";
        }), "C07VIPSAVES");

    /// <summary>A late order (post-purchase-risk: SLA 1d, reminder after 4h, escalated to the retention lead by DM).</summary>
    private async Task<(string Escalation, string Ts, DateTimeOffset CreatedAt)> LateOrderAsync() =>
        await EscalateAsync(Webhooks.Sample("delivery-delayed.json"), "C07CXESCAL");

    private async Task<(string Escalation, string Ts, DateTimeOffset CreatedAt)> EscalateAsync(string body, string channel)
    {
        await _host.SendAsync(body);
        await _host.DrainAsync();
        var message = _host.Slack.MessagesIn(channel).Single(m => m.ThreadTs is null && m.MetadataPayloadString("escalation_id") is { } id && !_seen.Contains(id));
        var escalation = message.MetadataPayloadString("escalation_id")!;
        _seen.Add(escalation);
        var post = (await Store.Deliveries.OfEscalationAsync(escalation, CancellationToken.None))[0];
        return (escalation, message.Ts, post.CreatedAt);
    }

    /// <summary>Moves the clock to <paramref name="at"/> and lets whatever is due then go out: the clock moves on in small steps
    /// only while something due waits for its channel's pacing (one message per second).</summary>
    private async Task AtAsync(DateTimeOffset at)
    {
        _host.Time.Advance(at - _host.Time.GetUtcNow());
        await _host.DrainAsync();
    }

    private IReadOnlyList<FakeSlackMessage> RepliesTo(string channel, string ts) => [.. _host.Slack.MessagesIn(channel).Where(m => m.ThreadTs == ts)];

    private static string Status(FakeSlackMessage message) =>
        message.Body["blocks"]!.AsArray().Last(b => b!["block_id"]?.GetValue<string>()?.StartsWith(CaseMessages.StatusBlockPrefix, StringComparison.Ordinal) == true)!["elements"]![0]!["text"]!.GetValue<string>();

    [Fact]
    public async Task Unacknowledged_RemindedInTheThreadAtThreeQuarters_ThenMarkedMissedAtTheSla_EachAtItsTimeAndOnce()
    {
        var (escalation, ts, created) = await VipCartAsync();

        await AtAsync(created + TimeSpan.FromMinutes(90) - TimeSpan.FromMilliseconds(1));
        var beforeReminder = RepliesTo("C07VIPSAVES", ts).Count;
        await AtAsync(created + TimeSpan.FromMinutes(90));
        var reminders = RepliesTo("C07VIPSAVES", ts);
        await AtAsync(created + TimeSpan.FromHours(2) - TimeSpan.FromMilliseconds(1));
        var updatesBeforeSla = _host.Slack.Updates.Count;
        await AtAsync(created + TimeSpan.FromHours(2));
        var updated = _host.Slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts);
        await AtAsync(created + TimeSpan.FromDays(3));

        Assert.Equal(0, beforeReminder);
        var reminder = Assert.Single(reminders);
        Assert.StartsWith(":alarm_clock: <@U07RETLEAD> nobody has acknowledged this case yet; its SLA (2h) ends <!date^", reminder.Text, StringComparison.Ordinal);
        Assert.Contains($"<!date^{(created + TimeSpan.FromHours(2)).ToUnixTimeSeconds()}^", reminder.Text, StringComparison.Ordinal);
        Assert.Equal(escalation, reminder.MetadataPayloadString("escalation_id"));
        Assert.Equal(0, updatesBeforeSla);
        Assert.Equal(":alarm_clock: Not acknowledged within its SLA (2h)", Status(updated));
        Assert.EndsWith(" · status: SLA missed", updated.Text, StringComparison.Ordinal);
        // The buttons stay: the case can still be acknowledged and closed.
        Assert.Contains(updated.Body["blocks"]!.AsArray(), b => b!["block_id"]?.GetValue<string>() == "rp_case");
        // Once each, however long the case stays open.
        Assert.Single(RepliesTo("C07VIPSAVES", ts));
        Assert.Single(_host.Slack.Updates);
        var state = await Store.Actions.CaseAsync(escalation, CancellationToken.None);
        Assert.Equal(created + TimeSpan.FromHours(2), state!.SlaDueAt);
        Assert.Equal(created + TimeSpan.FromHours(2), state.SlaMissedAt);
    }

    [Fact]
    public async Task AcknowledgedBeforeTheReminder_NoReminderNoBreach_TheClocksAreCancelled()
    {
        var (escalation, ts, created) = await VipCartAsync();
        await AtAsync(created + TimeSpan.FromMinutes(89));
        await _host.ClickAsync("C07VIPSAVES", ts, BlockActionReader.AcknowledgeId, escalation, "U07LEAD");

        await AtAsync(created + TimeSpan.FromDays(1));

        Assert.Empty(RepliesTo("C07VIPSAVES", ts));
        var update = Assert.Single(_host.Slack.Updates);   // the acknowledgement's, no breach
        Assert.Equal(":eyes: Acknowledged by <@U07LEAD> after 1 h 29 min (SLA 2h: met)", Status(_host.Slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts)));
        var clocks = (await Store.Deliveries.OfEscalationAsync(escalation, CancellationToken.None)).Where(d => d.Kind is DeliveryKind.ThreadReply || (d.Kind == DeliveryKind.Update && d.State != DeliveryState.Sent)).ToList();
        Assert.Equal(2, clocks.Count);
        Assert.All(clocks, d => Assert.Equal((DeliveryState.Cancelled, "acknowledged"), (d.State, d.LastError)));
        Assert.Null((await Store.Actions.CaseAsync(escalation, CancellationToken.None))!.SlaMissedAt);
        Assert.Equal(0, (await _host.App.HealthAsync()).GetProperty("sla_clocks_scheduled").GetInt64());
    }

    [Fact]
    public async Task AcknowledgedAfterTheReminder_NoBreach_AndClosedWithoutAcknowledging_StopsTheClocksToo()
    {
        var (first, ts1, created1) = await VipCartAsync(1);
        await AtAsync(created1 + TimeSpan.FromMinutes(100));
        await _host.ClickAsync("C07VIPSAVES", ts1, BlockActionReader.AcknowledgeId, first, "U07LEAD");
        var (second, ts2, created2) = await VipCartAsync(2);
        await _host.ClickAsync("C07VIPSAVES", ts2, BlockActionReader.SavedId, second, "U07LEAD");

        await AtAsync(created2 + TimeSpan.FromDays(1));

        Assert.Single(RepliesTo("C07VIPSAVES", ts1));
        Assert.Empty(RepliesTo("C07VIPSAVES", ts2));
        Assert.Equal(":eyes: Acknowledged by <@U07LEAD> after 1 h 40 min (SLA 2h: met)", Status(_host.Slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts1)));
        Assert.Equal(":white_check_mark: *Saved* by <@U07LEAD>", Status(_host.Slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts2)));
        Assert.Equal(2, _host.Slack.Updates.Count);   // one per click, no breach
        Assert.All((await Store.Deliveries.OfEscalationAsync(second, CancellationToken.None)).Where(d => d.Kind == DeliveryKind.ThreadReply),
            d => Assert.Equal((DeliveryState.Cancelled, "closed"), (d.State, d.LastError)));
    }

    [Fact]
    public async Task AcknowledgedAfterTheSla_SaysByHowMuchItWasMissed()
    {
        var (escalation, ts, created) = await VipCartAsync();
        await AtAsync(created + TimeSpan.FromHours(2) + TimeSpan.FromMinutes(25));
        await _host.ClickAsync("C07VIPSAVES", ts, BlockActionReader.AcknowledgeId, escalation, "U07LEAD");

        Assert.Equal(":eyes: Acknowledged by <@U07LEAD> after 2 h 25 min (SLA 2h: missed by 25 min)", Status(_host.Slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts)));
        Assert.Equal(2, _host.Slack.Updates.Count);   // the breach, then the acknowledgement
    }

    [Fact]
    public async Task EscalateTo_AnOwner_AtTheSla_ADirectMessageLinkingTheOriginal_AfterTheDeclaredReminder()
    {
        var (escalation, ts, created) = await LateOrderAsync();

        await AtAsync(created + TimeSpan.FromHours(4) - TimeSpan.FromMilliseconds(1));
        var early = RepliesTo("C07CXESCAL", ts).Count;
        await AtAsync(created + TimeSpan.FromHours(4));
        var reminded = RepliesTo("C07CXESCAL", ts).Count;
        await AtAsync(created + TimeSpan.FromDays(1) - TimeSpan.FromMilliseconds(1));
        var dmsBefore = _host.Slack.MessagesIn("D07RETLEAD").Count;
        await AtAsync(created + TimeSpan.FromDays(1));
        await AtAsync(created + TimeSpan.FromDays(5));

        Assert.Equal((0, 1), (early, reminded));
        Assert.Equal(0, dmsBefore);
        var dm = Assert.Single(_host.Slack.MessagesIn("D07RETLEAD"));
        var text = dm.Body["blocks"]![0]!["text"]!["text"]!.GetValue<string>();
        Assert.Equal($":rotating_light: *SLA missed:* a *post-purchase-risk* case in *cx-escalations* was not acknowledged within 1d (owner <@U07CXLEAD>). "
            + $"<https://fake-workspace.slack.com/archives/C07CXESCAL/p{ts.Replace(".", "", StringComparison.Ordinal)}|Open the case>", text);
        Assert.Equal((CaseMessages.ForwardEventType, escalation), (dm.Metadata!["event_type"]!.GetValue<string>(), dm.MetadataPayloadString("escalation_id")));
        Assert.Equal(":alarm_clock: Not acknowledged within its SLA (1d); escalated to <@U07RETLEAD>", Status(_host.Slack.MessagesIn("C07CXESCAL").Single(m => m.Ts == ts)));
        // No customer data in the escalation: the playbook's and workspace's names only.
        Assert.DoesNotContain("Aiko", dm.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("10482", dm.Body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EscalateTo_AChannel_AtTheSla_APostThereLinkingTheOriginal_OnceAndNotBefore()
    {
        using var playbooks = new PlaybookCopy().Replace("vip-cart-abandonment.yaml", "sla: 2h\n",
            "sla: { within: 2h, remind_after: 30m, escalate_to: { channel: cx-escalations } }\n");
        await using var host = await CaseHost.StartAsync(playbooks.Path);
        await host.SendAsync(Webhooks.Sample("vip-cart-abandoned.json"));
        await host.DrainAsync();
        var post = host.Slack.MessagesIn("C07VIPSAVES").Single(m => m.ThreadTs is null);
        var escalation = post.MetadataPayloadString("escalation_id")!;
        var created = (await host.Store.Deliveries.OfEscalationAsync(escalation, CancellationToken.None))[0].CreatedAt;
        async Task At(DateTimeOffset at)
        {
            host.Time.Advance(at - host.Time.GetUtcNow());
            await host.DrainAsync();
        }

        await At(created + TimeSpan.FromMinutes(30));
        var reminders = host.Slack.MessagesIn("C07VIPSAVES").Count(m => m.ThreadTs == post.Ts);
        await At(created + TimeSpan.FromHours(2) - TimeSpan.FromMilliseconds(1));
        var forwardsBefore = host.Slack.MessagesIn("C07CXESCAL").Count;
        await At(created + TimeSpan.FromHours(2));
        await At(created + TimeSpan.FromDays(3));

        Assert.Equal(1, reminders);
        Assert.Equal(0, forwardsBefore);
        var forward = Assert.Single(host.Slack.MessagesIn("C07CXESCAL"));
        Assert.Null(forward.ThreadTs);
        Assert.Equal($":rotating_light: *SLA missed:* a *vip-cart-abandonment* case in *vip-saves* was not acknowledged within 2h (owner <@U07RETLEAD>). "
            + $"<https://fake-workspace.slack.com/archives/C07VIPSAVES/p{post.Ts.Replace(".", "", StringComparison.Ordinal)}|Open the case>",
            forward.Body["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal((CaseMessages.ForwardEventType, escalation), (forward.Metadata!["event_type"]!.GetValue<string>(), forward.MetadataPayloadString("escalation_id")));
        Assert.Equal(":alarm_clock: Not acknowledged within its SLA (2h); escalated to cx-escalations",
            Status(host.Slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == post.Ts)));
        Assert.Empty(host.Slack.MessagesIn("D07RETLEAD"));
    }

    [Fact]
    public async Task AHostRestart_BeforeAndAfterTheClocksAreDue_FiresEachOnce()
    {
        var (_, ts, created) = await VipCartAsync();
        _host.Stop();
        // Down across the reminder's time: the new host finds it due and sends it once.
        _host.Time.Advance(created + TimeSpan.FromMinutes(100) - _host.Time.GetUtcNow());
        _host.Start();
        await _host.DrainAsync();
        var afterFirstRestart = RepliesTo("C07VIPSAVES", ts).Count;
        _host.Stop();
        _host.Start();
        await AtAsync(created + TimeSpan.FromHours(2));
        _host.Stop();
        _host.Start();
        await AtAsync(created + TimeSpan.FromDays(2));

        Assert.Equal(1, afterFirstRestart);
        Assert.Single(RepliesTo("C07VIPSAVES", ts));
        Assert.Single(_host.Slack.Updates);
    }

    [Fact]
    public async Task AReminderWhoseAnswerWasLost_IsFoundInTheThread_NotSentAgain()
    {
        var (escalation, ts, created) = await VipCartAsync();
        _host.Slack.LoseResponseNext(1, "C07VIPSAVES");

        await AtAsync(created + TimeSpan.FromMinutes(90));
        for (var i = 0; i < 10; i++) await AtAsync(_host.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        Assert.Single(RepliesTo("C07VIPSAVES", ts));
        Assert.True(_host.Slack.RequestCount("conversations.replies") >= 1);
        var reminder = (await Store.Deliveries.OfEscalationAsync(escalation, CancellationToken.None)).Single(d => d.Kind == DeliveryKind.ThreadReply);
        Assert.Equal(DeliveryState.Sent, reminder.State);
    }

    [Fact]
    public async Task WithBusinessHours_TheClocksCountOnlyOpenTime()
    {
        // The test clock starts on Saturday 28 November 2026 (08:42 in New York): the 2h SLA ends on Monday at 11:00, the
        // reminder at 10:30 (New York time, 5 h behind UTC in winter).
        using var playbooks = new PlaybookCopy().Replace("workspace.yaml", "owners:\n",
            "business_hours:\n  time_zone: America/New_York\n  days: [mon, tue, wed, thu, fri]\n  open: \"09:00\"\n  close: \"17:00\"\n\nowners:\n");
        using var app = new HostApp(playbooks.Path, time: new FakeTimeProvider(HostApp.Start)) { Quiet = true };
        using var client = app.CreateClient();
        using var response = await client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));
        await app.DrainAsync();
        var store = app.Services.GetRequiredService<IStore>();
        var post = Assert.Single(app.Preview.Messages);

        var state = await store.Actions.CaseAsync(post.EscalationId, CancellationToken.None);
        var clocks = (await store.Deliveries.OfEscalationAsync(post.EscalationId, CancellationToken.None)).Where(d => d.State == DeliveryState.Pending).ToList();

        var monday = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(monday + TimeSpan.FromHours(16), state!.SlaDueAt);
        Assert.Equal([(DeliveryKind.ThreadReply, monday + TimeSpan.FromHours(15.5)), (DeliveryKind.Update, monday + TimeSpan.FromHours(16))],
            clocks.OrderBy(d => d.DueAt).Select(d => (d.Kind, d.DueAt)));
    }

    [Fact]
    public async Task TheClocks_InHealth_AreScheduledNotPending_SoAnIdleHostIsNotBehind()
    {
        var (_, _, created) = await VipCartAsync();
        await AtAsync(created + TimeSpan.FromMinutes(30));

        var health = await _host.App.HealthAsync();

        Assert.Equal(2, health.GetProperty("sla_clocks_scheduled").GetInt64());
        Assert.Equal(0, health.GetProperty("outbox_pending").GetInt64());
        Assert.Equal(0, health.GetProperty("outbox_oldest_pending_seconds").GetDouble());
        Assert.Equal("ok", health.GetProperty("status").GetString());
    }
}
