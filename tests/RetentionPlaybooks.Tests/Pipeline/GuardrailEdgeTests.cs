using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Tests.Slack;
using RetentionPlaybooks.Workspace;
using Xunit;

namespace RetentionPlaybooks.Tests.Pipeline;

/// <summary>
/// The guardrail stage at each edge, with the batch (escalations not yet stored) and the history apart and together:
/// exactly at a limit, one under, one over; which escalations count (this playbook, this channel, this window) and which
/// do not; the order the guardrails are checked in; the figures each suppression states.
/// </summary>
public sealed class GuardrailEdgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly CompiledPlaybook Vip = RenderHarness.Compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment"); // cooldown 7d, daily cap 8
    private static readonly ChannelSymbol VipSaves = RenderHarness.Compilation.Workspace!.Channels["vip-saves"];                      // budget 25
    private static readonly ChannelSymbol LeadDm = RenderHarness.Compilation.Workspace!.Channels["retention-lead-dm"];

    private readonly InMemoryEscalationHistory _history = new();
    private readonly GuardrailChecker _checker;

    public GuardrailEdgeTests() => _checker = new GuardrailChecker(_history);

    private static Escalation Escalation(string customer, DateTimeOffset at, string? dedupe = null, string playbook = "vip-cart-abandonment", ChannelSymbol? channel = null) =>
        new("01" + Guid.NewGuid().ToString("N"), playbook, customer, channel ?? VipSaves, dedupe, new SlackMessage(new RetentionPlaybooks.Slack.BlockKit.BlockKitMessage("C", "t", [])), at);

    /// <summary>The VIP playbook with other guardrails (the same triggers, gates and routes).</summary>
    internal static CompiledPlaybook VipWith(TimeSpan? cooldown = null, int? dailyCap = null) => new()
    {
        Id = Vip.Id,
        File = Vip.File,
        Description = Vip.Description,
        Enabled = Vip.Enabled,
        Trigger = Vip.Trigger,
        Gates = Vip.Gates,
        Excludes = Vip.Excludes,
        Routes = Vip.Routes,
        Owner = Vip.Owner,
        Sla = Vip.Sla,
        Guardrails = new Guardrails(cooldown, null, dailyCap),
        HoldPromotions = Vip.HoldPromotions,
        Pii = Vip.Pii,
        Message = Vip.Message,
    };

    private ValueTask<Suppression?> Check(string customer, DateTimeOffset now, string? dedupe = null, CompiledPlaybook? playbook = null, ChannelSymbol? channel = null) =>
        _checker.CheckAsync(playbook ?? Vip, channel ?? VipSaves, customer, dedupe, now, CancellationToken.None);

    private void AddToBatch(int count, Func<int, Escalation> escalation)
    {
        for (var i = 0; i < count; i++) _checker.Add(100 + i, escalation(i));
    }

    private void AddToHistory(int count, Func<int, Escalation> escalation)
    {
        for (var i = 0; i < count; i++) _history.Record(escalation(i));
    }

    // ---- cooldown ----

    [Fact]
    public async Task Cooldown_FromTheBatch_HoldsUntilExactlyTheCooldownHasPassed()
    {
        _checker.Add(1, Escalation("cus_1", T0));

        var justBefore = await Check("cus_1", T0 + TimeSpan.FromDays(7) - Tick);
        var atTheEdge = await Check("cus_1", T0 + TimeSpan.FromDays(7));
        var after = await Check("cus_1", T0 + TimeSpan.FromDays(7) + Tick);

        Assert.Equal(SuppressionKind.Cooldown, justBefore?.Kind);
        Assert.Equal("cooldown: this customer was escalated 6 days ago (cooldown 1w)", justBefore!.Detail);
        Assert.Null(atTheEdge);
        Assert.Null(after);
    }

    [Fact]
    public async Task Cooldown_FromTheHistory_StatesHowLongAgo()
    {
        _history.Record(Escalation("cus_1", T0));

        var held = await Check("cus_1", T0 + TimeSpan.FromHours(3));

        Assert.Equal(SuppressionKind.Cooldown, held?.Kind);
        Assert.Equal("cooldown: this customer was escalated 3 h ago (cooldown 1w)", held!.Detail);
    }

    [Fact]
    public async Task Cooldown_TheBatchsLatestEscalationWins_OverAnOlderOneInTheHistory()
    {
        _history.Record(Escalation("cus_1", T0 - TimeSpan.FromDays(8)));
        _checker.Add(1, Escalation("cus_1", T0 - TimeSpan.FromHours(1)));

        var held = await Check("cus_1", T0);

        Assert.Equal("cooldown: this customer was escalated 1 h ago (cooldown 1w)", held?.Detail);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cooldown_TheLatestOfSeveralInTheBatch_InEitherOrder(bool latestFirst)
    {
        var older = Escalation("cus_1", T0 - TimeSpan.FromDays(8));
        var latest = Escalation("cus_1", T0 - TimeSpan.FromHours(2));
        _checker.Add(1, latestFirst ? latest : older);
        _checker.Add(2, latestFirst ? older : latest);

        var held = await Check("cus_1", T0);

        Assert.Equal("cooldown: this customer was escalated 2 h ago (cooldown 1w)", held?.Detail);
    }

    [Fact]
    public async Task Cooldown_TheBatchsEscalationsOfOtherPlaybooksOrOtherCustomers_DoNotCount()
    {
        _checker.Add(1, Escalation("cus_1", T0, playbook: "post-purchase-risk"));
        _checker.Add(2, Escalation("cus_2", T0));

        Assert.Null(await Check("cus_1", T0 + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Cooldown_WithoutACustomerId_DoesNotApply_EvenToTheBatch()
    {
        // An escalation of the batch with no customer id: "" must not be treated as one customer.
        _checker.Add(1, Escalation("", T0));

        Assert.Null(await Check("", T0 + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Cooldown_NotConfigured_NeverHolds()
    {
        _history.Record(Escalation("cus_1", T0));
        _checker.Add(1, Escalation("cus_1", T0));

        Assert.Null(await Check("cus_1", T0 + TimeSpan.FromMinutes(1), playbook: VipWith(cooldown: null, dailyCap: 8)));
    }

    // ---- dedupe ----

    [Fact]
    public async Task Dedupe_FromTheBatch_OnlyTheSamePlaybooksKey_StatedInTheDetail()
    {
        _checker.Add(1, Escalation("cus_1", T0, dedupe: "cart-1", playbook: "post-purchase-risk"));
        _checker.Add(2, Escalation("cus_2", T0, dedupe: "cart-9"));

        var otherPlaybooksKey = await Check("cus_3", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-1");
        var ownKey = await Check("cus_3", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-9");
        var freshKey = await Check("cus_3", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-5");

        Assert.Null(otherPlaybooksKey);
        Assert.Equal(SuppressionKind.Dedupe, ownKey?.Kind);
        Assert.Equal("duplicate: dedupe key \"cart-9\" already escalated", ownKey!.Detail);
        Assert.Null(freshKey);
    }

    [Fact]
    public async Task Dedupe_FromTheHistory_StatedInTheDetail()
    {
        _history.Record(Escalation("cus_1", T0 - TimeSpan.FromDays(90), dedupe: "cart-7"));

        var held = await Check("cus_2", T0, dedupe: "cart-7");

        Assert.Equal("duplicate: dedupe key \"cart-7\" already escalated", held?.Detail);
    }

    [Fact]
    public async Task Dedupe_AnEmptyKey_NeverHolds_EvenWhenTheBatchHasOne()
    {
        _checker.Add(1, Escalation("cus_1", T0, dedupe: ""));

        Assert.Null(await Check("cus_2", T0 + TimeSpan.FromMinutes(1), dedupe: ""));
        Assert.Null(await Check("cus_2", T0 + TimeSpan.FromMinutes(1), dedupe: null));
    }

    // ---- daily cap ----

    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    [InlineData(9, true)]
    public async Task DailyCap_FromTheBatch_HoldsFromExactlyTheCap(int inTheBatch, bool held)
    {
        AddToBatch(inTheBatch, i => Escalation($"cus_{i}", T0));

        var result = await Check("cus_new", T0 + TimeSpan.FromHours(1));

        if (held) Assert.Equal($"daily cap: {inTheBatch} escalation(s) to vip-saves in the last 24 h (daily_cap 8)", result?.Detail);
        else Assert.Null(result);
    }

    [Fact]
    public async Task DailyCap_FromTheBatch_AnEscalationExactly24HoursAgoCounts_OneTickOlderDoesNot()
    {
        AddToBatch(8, i => Escalation($"cus_{i}", T0));

        var atTheEdge = await Check("cus_new", T0 + Day);
        var past = await Check("cus_new", T0 + Day + Tick);

        Assert.Equal(SuppressionKind.DailyCap, atTheEdge?.Kind);
        Assert.Null(past);
    }

    [Fact]
    public async Task DailyCap_TheBatchAndTheHistoryAddUp()
    {
        AddToHistory(4, i => Escalation($"cus_h{i}", T0));
        AddToBatch(3, i => Escalation($"cus_b{i}", T0));

        var seven = await Check("cus_new", T0 + TimeSpan.FromHours(1));
        _checker.Add(50, Escalation("cus_b3", T0));
        var eight = await Check("cus_new", T0 + TimeSpan.FromHours(1));

        Assert.Null(seven);
        Assert.Equal("daily cap: 8 escalation(s) to vip-saves in the last 24 h (daily_cap 8)", eight?.Detail);
    }

    [Fact]
    public async Task DailyCap_TheBatchsEscalationsOfOtherPlaybooksInTheChannel_DoNotCount()
    {
        AddToBatch(8, i => Escalation($"cus_{i}", T0, playbook: "post-purchase-risk"));

        Assert.Null(await Check("cus_new", T0 + TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task DailyCap_TheBatchsEscalationsOfThisPlaybookToAnotherChannel_DoNotCount()
    {
        AddToBatch(8, i => Escalation($"cus_{i}", T0, channel: LeadDm));

        Assert.Null(await Check("cus_new", T0 + TimeSpan.FromHours(1)));
        // ...and they do count against the daily cap when the escalation goes to that channel.
        Assert.Equal(SuppressionKind.DailyCap, (await Check("cus_new", T0 + TimeSpan.FromHours(1), channel: LeadDm))?.Kind);
    }

    [Fact]
    public async Task DailyCap_NotConfigured_NeverHolds()
    {
        AddToHistory(10, i => Escalation($"cus_{i}", T0));

        Assert.Null(await Check("cus_new", T0 + TimeSpan.FromHours(1), playbook: VipWith(cooldown: TimeSpan.FromDays(7), dailyCap: null)));
    }

    // ---- channel budget ----

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public async Task ChannelBudget_FromTheBatch_HoldsFromExactlyTheBudget_CountingEveryPlaybook(int inTheBatch, bool held)
    {
        var small = VipSaves with { DailyBudget = 3 };
        AddToBatch(inTheBatch, i => Escalation($"cus_{i}", T0, playbook: i % 2 == 0 ? "other-a" : "other-b", channel: small));

        var result = await Check("cus_new", T0 + TimeSpan.FromHours(1), channel: small);

        if (held)
        {
            Assert.Equal(SuppressionKind.ChannelBudget, result?.Kind);
            Assert.Equal($"channel budget: {inTheBatch} message(s) to vip-saves in the last 24 h (daily_budget 3)", result!.Detail);
        }
        else
        {
            Assert.Null(result);
        }
    }

    [Fact]
    public async Task ChannelBudget_FromTheBatch_AnEscalationExactly24HoursAgoCounts_OneTickOlderDoesNot()
    {
        var small = VipSaves with { DailyBudget = 3 };
        AddToBatch(3, i => Escalation($"cus_{i}", T0, playbook: "other", channel: small));

        var atTheEdge = await Check("cus_new", T0 + Day, channel: small);
        var past = await Check("cus_new", T0 + Day + Tick, channel: small);

        Assert.Equal(SuppressionKind.ChannelBudget, atTheEdge?.Kind);
        Assert.Null(past);
    }

    [Fact]
    public async Task ChannelBudget_TheBatchsEscalationsToOtherChannels_DoNotCount()
    {
        var small = VipSaves with { DailyBudget = 3 };
        AddToBatch(5, i => Escalation($"cus_{i}", T0, playbook: "other", channel: LeadDm));

        Assert.Null(await Check("cus_new", T0 + TimeSpan.FromHours(1), channel: small));
    }

    [Fact]
    public async Task ChannelBudget_TheBatchAndTheHistoryAddUp()
    {
        var small = VipSaves with { DailyBudget = 3 };
        _history.Record(Escalation("cus_h", T0, playbook: "other", channel: small));
        _checker.Add(1, Escalation("cus_b", T0, playbook: "other", channel: small));

        var two = await Check("cus_new", T0 + TimeSpan.FromHours(1), channel: small);
        _checker.Add(2, Escalation("cus_c", T0, playbook: "other", channel: small));
        var three = await Check("cus_new", T0 + TimeSpan.FromHours(1), channel: small);

        Assert.Null(two);
        Assert.Equal("channel budget: 3 message(s) to vip-saves in the last 24 h (daily_budget 3)", three?.Detail);
    }

    [Fact]
    public async Task ChannelBudget_FromTheHistory_OneUnderTheBudget_GoesAhead()
    {
        AddToHistory(24, i => Escalation($"cus_{i}", T0, playbook: "other"));

        Assert.Null(await Check("cus_new", T0 + TimeSpan.FromHours(1)));
    }

    // ---- order ----

    [Fact]
    public async Task Order_CooldownFirst_ThenDedupe_ThenDailyCap_ThenChannelBudget()
    {
        var small = VipSaves with { DailyBudget = 8 };
        AddToBatch(8, i => Escalation($"cus_{i}", T0, dedupe: $"cart-{i}", channel: small));

        var all = await Check("cus_0", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-1", channel: small);
        var dedupeCapBudget = await Check("cus_new", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-1", channel: small);
        var capBudget = await Check("cus_new", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-new", channel: small);
        var budgetOnly = await Check("cus_new", T0 + TimeSpan.FromMinutes(1), dedupe: "cart-new", channel: small, playbook: VipWith(cooldown: TimeSpan.FromDays(7), dailyCap: null));

        Assert.Equal(SuppressionKind.Cooldown, all?.Kind);
        Assert.Equal(SuppressionKind.Dedupe, dedupeCapBudget?.Kind);
        Assert.Equal(SuppressionKind.DailyCap, capBudget?.Kind);
        Assert.Equal(SuppressionKind.ChannelBudget, budgetOnly?.Kind);
    }
}
