using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Tests.Slack;
using Xunit;

namespace RetentionPlaybooks.Tests.Pipeline;

/// <summary>The guardrail stage on its own, over the in-memory history: each guardrail at its exact edge.</summary>
public sealed class GuardrailCheckerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);
    private static readonly CompiledPlaybook Vip = RenderHarness.Compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment"); // cooldown 7d, daily cap 8
    private static readonly RetentionPlaybooks.Workspace.ChannelSymbol VipSaves = RenderHarness.Compilation.Workspace!.Channels["vip-saves"];            // budget 25

    private readonly InMemoryEscalationHistory _history = new();

    private static Escalation Escalation(string customer, DateTimeOffset at, string? dedupe = null, string playbook = "vip-cart-abandonment", RetentionPlaybooks.Workspace.ChannelSymbol? channel = null) =>
        new("01" + Guid.NewGuid().ToString("N"), playbook, customer, channel ?? VipSaves, dedupe, new SlackMessage(new RetentionPlaybooks.Slack.BlockKit.BlockKitMessage("C", "t", [])), at);

    private ValueTask<Suppression?> Check(string customer, DateTimeOffset now, string? dedupe = null, GuardrailChecker? checker = null) =>
        (checker ?? new GuardrailChecker(_history)).CheckAsync(Vip, VipSaves, customer, dedupe, now, CancellationToken.None);

    [Fact]
    public async Task Cooldown_HoldsUntilExactlyTheCooldownHasPassed()
    {
        _history.Record(Escalation("cus_1", T0));

        var justBefore = await Check("cus_1", T0 + TimeSpan.FromDays(7) - TimeSpan.FromTicks(1));
        var atTheEdge = await Check("cus_1", T0 + TimeSpan.FromDays(7));
        var other = await Check("cus_2", T0 + TimeSpan.FromMinutes(1));

        Assert.Equal(SuppressionKind.Cooldown, justBefore?.Kind);
        Assert.Null(atTheEdge);
        Assert.Null(other);
    }

    [Fact]
    public async Task Cooldown_WithoutACustomerId_DoesNotApply()
    {
        _history.Record(Escalation("", T0));

        Assert.Null(await Check("", T0 + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Dedupe_TheSameKeyOnce_AcrossCustomers_AndAnEmptyKeyNever()
    {
        _history.Record(Escalation("cus_1", T0, dedupe: "cart-1"));

        Assert.Equal(SuppressionKind.Dedupe, (await Check("cus_9", T0 + TimeSpan.FromDays(30), dedupe: "cart-1"))?.Kind);
        Assert.Null(await Check("cus_9", T0 + TimeSpan.FromDays(30), dedupe: "cart-2"));
        Assert.Null(await Check("cus_9", T0 + TimeSpan.FromDays(30), dedupe: ""));
    }

    [Fact]
    public async Task DailyCap_EightInTheLast24Hours_TheNinthHeld_ThenFreed()
    {
        for (var i = 0; i < 8; i++) _history.Record(Escalation($"cus_{i}", T0 + TimeSpan.FromMinutes(i)));

        var ninth = await Check("cus_new", T0 + TimeSpan.FromHours(1));
        var whenTheFirstLeaves = await Check("cus_new", T0 + TimeSpan.FromHours(24) + TimeSpan.FromTicks(1));

        Assert.Equal(SuppressionKind.DailyCap, ninth?.Kind);
        Assert.Equal("daily cap: 8 escalation(s) to vip-saves in the last 24 h (daily_cap 8)", ninth!.Detail);
        Assert.Null(whenTheFirstLeaves);
    }

    [Fact]
    public async Task DailyCap_AtExactly24Hours_StillCounts()
    {
        for (var i = 0; i < 8; i++) _history.Record(Escalation($"cus_{i}", T0));

        Assert.Equal(SuppressionKind.DailyCap, (await Check("cus_new", T0 + TimeSpan.FromHours(24)))?.Kind);
    }

    [Fact]
    public async Task ChannelBudget_CountsEveryPlaybookInTheChannel()
    {
        for (var i = 0; i < 25; i++) _history.Record(Escalation($"cus_{i}", T0, playbook: i % 2 == 0 ? "other-a" : "other-b"));

        var held = await Check("cus_new", T0 + TimeSpan.FromHours(1));

        Assert.Equal(SuppressionKind.ChannelBudget, held?.Kind);
        Assert.Equal("channel budget: 25 message(s) to vip-saves in the last 24 h (daily_budget 25)", held!.Detail);
    }

    [Fact]
    public async Task ChannelBudget_OtherChannelsDoNotCount()
    {
        var other = RenderHarness.Compilation.Workspace!.Channels["cx-escalations"];
        for (var i = 0; i < 40; i++) _history.Record(Escalation($"cus_{i}", T0, playbook: "other", channel: other));

        Assert.Null(await Check("cus_new", T0 + TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task TheBatch_CountsBeforeItIsStored_AndForgetDropsOneSource()
    {
        var checker = new GuardrailChecker(_history);
        checker.Add(1, Escalation("cus_1", T0, dedupe: "cart-1"));
        checker.Add(2, Escalation("cus_2", T0, dedupe: "cart-2"));

        var cooldown = await Check("cus_1", T0 + TimeSpan.FromMinutes(1), checker: checker);
        var dedupe = await Check("cus_3", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-2", checker: checker);
        checker.Forget(1);
        var forgotten = await Check("cus_1", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-1", checker: checker);
        checker.Clear();
        var cleared = await Check("cus_3", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-2", checker: checker);

        Assert.Equal(SuppressionKind.Cooldown, cooldown?.Kind);
        Assert.Equal(SuppressionKind.Dedupe, dedupe?.Kind);
        Assert.Null(forgotten);
        Assert.Null(cleared);
    }

    [Fact]
    public async Task TheBatch_CapCountsOnlyItsEscalationsWithinTheWindow()
    {
        var checker = new GuardrailChecker(_history);
        for (var i = 0; i < 8; i++) checker.Add(i, Escalation($"cus_{i}", T0 - TimeSpan.FromDays(2)));

        Assert.Null(await Check("cus_new", T0, checker: checker));
    }
}

/// <summary>The attribute stage on its own: a watched attribute that changes becomes a trigger; the first sighting does not.</summary>
public sealed class AttributeTrackerTests
{
    private static readonly CompilationResult Paused = SubscriptionPausedPlaybook.Compile();

    private static Signal Identify(string customer, string status) =>
        new(customer, JsonDocument.Parse($$"""{"id": "{{customer}}", "subscription_status": "{{status}}", "plan": "x"}""").RootElement, null, null);

    [Fact]
    public async Task FirstSighting_IsRemembered_AChangeBecomesATrigger_TheSameValueDoesNot()
    {
        var snapshots = new InMemoryAttributeSnapshots();
        var tracker = new AttributeTracker(snapshots, Paused);

        var first = await tracker.ChangesAsync(Identify("cus_1", "active"), CancellationToken.None);
        var same = await tracker.ChangesAsync(Identify("cus_1", "active"), CancellationToken.None);
        var change = Assert.Single(await tracker.ChangesAsync(Identify("cus_1", "paused"), CancellationToken.None));
        var updates = tracker.TakeUpdates();

        Assert.Empty(first);
        Assert.Empty(same);
        Assert.Equal("subscription_status", change.ChangedAttribute);
        Assert.Equal("active", change.ChangedFrom!.Value.GetString());
        Assert.Equal("paused", change.ChangedTo!.Value.GetString());
        // Only the watched attribute is kept (little personal data), latest value last.
        Assert.Equal(("cus_1", "{\"subscription_status\":\"paused\"}"), updates[^1]);
    }

    [Fact]
    public async Task StoredSnapshot_IsTheStartingPoint()
    {
        var snapshots = new InMemoryAttributeSnapshots();
        snapshots.Save("cus_2", "{\"subscription_status\":\"active\"}");
        var tracker = new AttributeTracker(snapshots, Paused);

        var change = Assert.Single(await tracker.ChangesAsync(Identify("cus_2", "paused"), CancellationToken.None));

        Assert.Equal("active", change.ChangedFrom!.Value.GetString());
    }

    [Fact]
    public async Task Abandon_ForgetsWhatTheRecordChanged()
    {
        var snapshots = new InMemoryAttributeSnapshots();
        snapshots.Save("cus_3", "{\"subscription_status\":\"active\"}");
        var tracker = new AttributeTracker(snapshots, Paused);

        await tracker.ChangesAsync(Identify("cus_3", "paused"), CancellationToken.None);
        tracker.Abandon();
        var again = Assert.Single(await tracker.ChangesAsync(Identify("cus_3", "paused"), CancellationToken.None));

        Assert.Equal("active", again.ChangedFrom!.Value.GetString());
        Assert.Single(tracker.TakeUpdates());
    }

    [Fact]
    public async Task NoWatchedAttributes_OrNoCustomerId_NothingIsTracked()
    {
        var tracker = new AttributeTracker(new InMemoryAttributeSnapshots(), RenderHarness.Compilation);
        var watching = new AttributeTracker(new InMemoryAttributeSnapshots(), Paused);

        Assert.Empty(await tracker.ChangesAsync(Identify("cus_4", "paused"), CancellationToken.None));
        Assert.Empty(await watching.ChangesAsync(Identify("", "paused"), CancellationToken.None));
        Assert.Empty(tracker.TakeUpdates());
        Assert.Empty(watching.TakeUpdates());
    }
}
