using RetentionPlaybooks.Slack.Api;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Api;

public sealed class SlackApiClientRateLimitTests
{
    [Fact]
    public async Task PostMessageAsync_TwoPostsInTheSameSecond_SecondIsRateLimitedForOneSecond()
    {
        await using var h = await SlackApiHarness.StartAsync();

        var first = await h.PostAsync(SlackApiHarness.VipSaves);
        var second = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.True(first.IsSuccess);
        Assert.Equal(SlackCallOutcome.RateLimited, second.Outcome);
        Assert.Equal(429, second.HttpStatus);
        Assert.Equal("ratelimited", second.Error);
        Assert.Equal(TimeSpan.FromSeconds(1), second.RetryAfter);
        Assert.Single(h.Slack.Messages);
        Assert.Equal(1, h.Slack.RateLimitedCount);
        Assert.Equal(0, h.Slack.InjectedFailureCount);
    }

    [Fact]
    public async Task PostMessageAsync_AfterWaitingRetryAfter_Succeeds()
    {
        await using var h = await SlackApiHarness.StartAsync();
        await h.PostAsync(SlackApiHarness.VipSaves);
        var limited = await h.PostAsync(SlackApiHarness.VipSaves);

        h.Time.Advance(limited.RetryAfter!.Value);
        var retried = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.True(retried.IsSuccess);
        Assert.Equal(2, h.Slack.Messages.Count);
    }

    [Fact]
    public async Task PostMessageAsync_DifferentChannelsInTheSameSecond_DoNotInterfere()
    {
        await using var h = await SlackApiHarness.StartAsync();

        var vip = await h.PostAsync(SlackApiHarness.VipSaves);
        var subs = await h.PostAsync(SlackApiHarness.Subscriptions);
        var dm = await h.PostAsync("U07RETLEAD");

        Assert.True(vip.IsSuccess);
        Assert.True(subs.IsSuccess);
        Assert.True(dm.IsSuccess);
        Assert.Equal(0, h.Slack.RateLimitedCount);
    }

    [Fact]
    public async Task PostMessageAsync_PacedAtOnePerSecond_NeverRateLimited()
    {
        await using var h = await SlackApiHarness.StartAsync();

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await h.PostAsync(SlackApiHarness.VipSaves)).IsSuccess);
            h.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(5, h.Slack.Messages.Count);
        Assert.Equal(0, h.Slack.RateLimitedCount);
    }

    [Fact]
    public async Task PostMessageAsync_BurstTolerance_AllowsThatManyExtraPosts()
    {
        await using var h = await SlackApiHarness.StartAsync(burst: 2);

        var outcomes = new List<SlackCallOutcome>();
        for (var i = 0; i < 4; i++) outcomes.Add((await h.PostAsync(SlackApiHarness.VipSaves)).Outcome);

        Assert.Equal([SlackCallOutcome.Success, SlackCallOutcome.Success, SlackCallOutcome.Success, SlackCallOutcome.RateLimited], outcomes);
    }

    [Fact]
    public async Task PostMessageAsync_SlowerRate_RetryAfterIsRoundedUpToWholeSeconds()
    {
        await using var h = await SlackApiHarness.StartAsync(perChannelRate: 0.4); // one post every 2.5 s

        await h.PostAsync(SlackApiHarness.VipSaves);
        var limited = await h.PostAsync(SlackApiHarness.VipSaves);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        var stillLimited = await h.PostAsync(SlackApiHarness.VipSaves);
        h.Time.Advance(TimeSpan.FromMilliseconds(500));
        var allowed = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(TimeSpan.FromSeconds(3), limited.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(1), stillLimited.RetryAfter);
        Assert.True(allowed.IsSuccess);
    }

    [Fact]
    public async Task PostMessageAsync_RejectedPosts_DoNotUseUpTheChannelsSlot()
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.FailNext(1, 500);

        var failed = await h.PostAsync(SlackApiHarness.VipSaves);
        var next = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.Transient, failed.Outcome);
        Assert.True(next.IsSuccess);
    }
}
