using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Tests.Slack;
using RetentionPlaybooks.Workspace;
using Xunit;

namespace RetentionPlaybooks.Tests.Pipeline;

/// <summary>
/// The channel budget and the digest's burst count the channel's messages — posts, never escalations rolled into a digest —
/// each exactly at its edge; the daily cap still counts every case; on a channel with a digest the budget and the burst roll
/// escalations in (<see cref="Suppression.RollsIntoDigest"/>), on one without, the budget holds them back.
/// </summary>
public sealed class DigestGuardrailTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly CompiledPlaybook Vip = RenderHarness.Compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment"); // cooldown 7d, daily cap 8
    private static readonly ChannelSymbol Plain = RenderHarness.Compilation.Workspace!.Channels["vip-saves"] with { DailyBudget = 5 };
    private static readonly ChannelSymbol Digesting = Plain with { Digest = new DigestPolicy(TimeSpan.FromMinutes(30), 2, TimeSpan.FromMinutes(10)) };
    private static readonly ChannelSymbol BudgetOnly = Plain with { Digest = new DigestPolicy(TimeSpan.FromMinutes(30)) };

    private readonly InMemoryEscalationHistory _history = new();
    private readonly GuardrailChecker _checker;

    public DigestGuardrailTests() => _checker = new GuardrailChecker(_history);

    private static Escalation Escalation(string customer, DateTimeOffset at, ChannelSymbol channel, bool digested = false) =>
        new("01" + Guid.NewGuid().ToString("N"), Vip.Id, customer, channel, null, new SlackMessage(new RetentionPlaybooks.Slack.BlockKit.BlockKitMessage("C", "t", [])), at) { Digested = digested };

    private ValueTask<Suppression?> Check(string customer, DateTimeOffset now, ChannelSymbol channel) =>
        _checker.CheckAsync(GuardrailEdgeTests.VipWith(), channel, customer, null, now, CancellationToken.None);

    [Fact]
    public async Task Budget_CountsPostsOnly_DigestedEscalationsInTheHistoryOrTheBatchDoNotSpendIt()
    {
        for (var i = 0; i < 4; i++) _history.Record(Escalation($"cus_p{i}", T0.AddHours(-20 + i), BudgetOnly));
        for (var i = 0; i < 6; i++) _history.Record(Escalation($"cus_d{i}", T0.AddHours(-10 + i), BudgetOnly, digested: true));
        for (var i = 0; i < 3; i++) _checker.Add(50 + i, Escalation($"cus_b{i}", T0.AddMinutes(-i), BudgetOnly, digested: true));

        var fourPosts = await Check("cus_x", T0, BudgetOnly);
        _checker.Add(60, Escalation("cus_y", T0, BudgetOnly));
        var fivePosts = await Check("cus_x", T0, BudgetOnly);

        Assert.Null(fourPosts);
        Assert.Equal(SuppressionKind.ChannelBudget, fivePosts?.Kind);
        Assert.Equal("channel budget: 5 message(s) to vip-saves in the last 24 h (daily_budget 5)", fivePosts!.Detail);
        Assert.True(fivePosts.RollsIntoDigest(BudgetOnly));
        Assert.False(fivePosts.RollsIntoDigest(Plain));
        Assert.Equal("channel budget: 5 message(s) to vip-saves in the last 24 h (daily_budget 5); rolled into the digest (every 30m)", fivePosts.DigestReason(BudgetOnly));
    }

    [Fact]
    public async Task Burst_HoldsExactlyWhileTheWindowHoldsTheCount_AndFreesWhenTheFirstLeavesIt()
    {
        _history.Record(Escalation("cus_1", T0, Digesting));
        // Digested ones in the window do not count toward the burst.
        _history.Record(Escalation("cus_3", T0.AddSeconds(30), Digesting, digested: true));
        var oneBefore = await Check("cus_x", T0.AddMinutes(1), Digesting);
        _history.Record(Escalation("cus_2", T0.AddMinutes(1), Digesting));

        var atTheCount = await Check("cus_x", T0.AddMinutes(2), Digesting);
        var atTheWindowsEnd = await Check("cus_x", T0.AddMinutes(10), Digesting);
        var justAfter = await Check("cus_x", T0.AddMinutes(10) + Tick, Digesting);

        Assert.Null(oneBefore);
        Assert.Equal(SuppressionKind.Burst, atTheCount?.Kind);
        Assert.Equal("burst: 2 message(s) to vip-saves in the last 10m (digest after 2 in 10m)", atTheCount!.Detail);
        Assert.True(atTheCount.RollsIntoDigest(Digesting));
        Assert.Equal(SuppressionKind.Burst, atTheWindowsEnd?.Kind);
        Assert.Null(justAfter);
    }

    [Fact]
    public async Task Burst_CountsTheBatchsPostsInTheWindow_NotThoseBeforeIt()
    {
        _checker.Add(1, Escalation("cus_1", T0.AddMinutes(-11), Digesting));
        _checker.Add(2, Escalation("cus_2", T0.AddMinutes(-5), Digesting));
        var one = await Check("cus_x", T0, Digesting);
        _checker.Add(3, Escalation("cus_3", T0.AddMinutes(-1), Digesting));
        var two = await Check("cus_x", T0, Digesting);

        Assert.Null(one);
        Assert.Equal("burst: 2 message(s) to vip-saves in the last 10m (digest after 2 in 10m)", two?.Detail);
    }

    [Fact]
    public async Task Burst_AppliesOnlyWithADigestsAfter()
    {
        for (var i = 0; i < 4; i++) _history.Record(Escalation($"cus_{i}", T0.AddSeconds(i), Plain));

        Assert.Null(await Check("cus_x", T0.AddSeconds(5), BudgetOnly));
        Assert.Null(await Check("cus_x", T0.AddSeconds(5), Plain));
        Assert.Equal(SuppressionKind.Burst, (await Check("cus_x", T0.AddSeconds(5), Digesting))?.Kind);
    }

    [Fact]
    public async Task Budget_IsCheckedBeforeTheBurst()
    {
        for (var i = 0; i < 5; i++) _history.Record(Escalation($"cus_{i}", T0.AddMinutes(-60 + i * 14), Digesting));

        Assert.Equal(SuppressionKind.ChannelBudget, (await Check("cus_x", T0, Digesting))?.Kind);
    }

    [Fact]
    public async Task DailyCap_CountsDigestedCasesToo()
    {
        var capped = GuardrailEdgeTests.VipWith(dailyCap: 2);
        _history.Record(Escalation("cus_1", T0.AddHours(-2), BudgetOnly));
        _history.Record(Escalation("cus_2", T0.AddHours(-1), BudgetOnly, digested: true));

        var held = await _checker.CheckAsync(capped, BudgetOnly, "cus_x", null, T0, CancellationToken.None);

        Assert.Equal(SuppressionKind.DailyCap, held?.Kind);
        Assert.False(held!.RollsIntoDigest(BudgetOnly));
    }

    [Fact]
    public async Task PostsSince_CountsFromTheGivenTimeInclusive_AndPerTarget()
    {
        _history.Record(Escalation("cus_1", T0, Digesting));
        _history.Record(Escalation("cus_2", T0, Digesting, digested: true));
        _history.Record(Escalation("cus_3", T0, RenderHarness.Compilation.Workspace!.Channels["retention-lead-dm"]));

        Assert.Equal(1, await _history.PostsSinceAsync(Digesting.SlackTarget, T0, CancellationToken.None));
        Assert.Equal(0, await _history.PostsSinceAsync(Digesting.SlackTarget, T0 + Tick, CancellationToken.None));
        Assert.Equal(2, await _history.CountSinceAsync(Digesting.SlackTarget, null, T0, CancellationToken.None));
        Assert.Equal(0, await _history.PostsSinceAsync("C-nowhere", T0, CancellationToken.None));
    }
}
