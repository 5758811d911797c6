using System.Text.Json.Nodes;
using RetentionPlaybooks.Slack.Api;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Api;

public sealed class SlackApiClientPostMessageTests
{
    [Fact]
    public async Task PostMessageAsync_ValidBody_ReturnsChannelAndTsAndStoresBodyAsSent()
    {
        await using var h = await SlackApiHarness.StartAsync();
        var body = SlackApiHarness.Message(SlackApiHarness.VipSaves, escalationId: "esc-1");

        var call = await h.PostAsync(body);

        Assert.Equal(SlackCallOutcome.Success, call.Outcome);
        Assert.True(call.IsSuccess);
        Assert.Equal(SlackApiHarness.VipSaves, call.Value.Channel);
        Assert.Matches(@"^\d{10}\.\d{6}$", call.Value.Ts);
        Assert.Equal(200, call.HttpStatus);
        Assert.Null(call.Error);
        var stored = Assert.Single(h.Slack.Messages);
        Assert.Equal(call.Value.Ts, stored.Ts);
        Assert.Equal(SlackApiHarness.VipSaves, stored.Channel);
        Assert.True(JsonNode.DeepEquals(body, stored.Body), stored.Body.ToJsonString());
        Assert.Equal("esc-1", stored.MetadataPayloadString("escalation_id"));
        Assert.Equal(h.Time.GetUtcNow(), stored.PostedAt);
    }

    [Fact]
    public async Task PostMessageAsync_SeveralPosts_TsValuesAreUniqueAndIncreasing()
    {
        await using var h = await SlackApiHarness.StartAsync(perChannelRate: null);

        var ts = new List<string>();
        for (var i = 0; i < 5; i++) ts.Add((await h.PostAsync(SlackApiHarness.VipSaves)).Value!.Ts);

        Assert.Equal(5, ts.Distinct().Count());
        Assert.Equal(ts.OrderBy(t => decimal.Parse(t, System.Globalization.CultureInfo.InvariantCulture)), ts);
    }

    [Fact]
    public async Task PostMessageAsync_UserId_PostsToTheDirectMessageChannel()
    {
        await using var h = await SlackApiHarness.StartAsync();

        var call = await h.PostAsync("U07RETLEAD");

        Assert.True(call.IsSuccess);
        Assert.Equal("D07RETLEAD", call.Value.Channel);
    }

    [Theory]
    [InlineData("xoxb-wrong", "invalid_auth")]
    public async Task PostMessageAsync_UnknownToken_IsPermanent(string token, string error)
    {
        await using var h = await SlackApiHarness.StartAsync(token: token);

        var call = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.Permanent, call.Outcome);
        Assert.Equal(error, call.Error);
        Assert.Equal(200, call.HttpStatus);
        Assert.Empty(h.Slack.Messages);
    }

    [Fact]
    public async Task PostMessageAsync_NoBearerToken_FakeAnswersNotAuthed()
    {
        await using var h = await SlackApiHarness.StartAsync();
        using var http = new HttpClient();
        using var content = new ByteArrayContent(SlackApiHarness.Bytes(SlackApiHarness.Message(SlackApiHarness.VipSaves)).ToArray());
        content.Headers.ContentType = new("application/json");

        using var response = await http.PostAsync(new Uri(h.Slack.ApiBaseUrl, "chat.postMessage"), content);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.False(json["ok"]!.GetValue<bool>());
        Assert.Equal("not_authed", json["error"]!.GetValue<string>());
        Assert.Empty(h.Slack.Messages);
    }

    [Theory]
    [InlineData("C07UNKNOWN", "channel_not_found")]
    [InlineData(SlackApiHarness.WithoutBot, "not_in_channel")]
    [InlineData(SlackApiHarness.Archived, "is_archived")]
    public async Task PostMessageAsync_ChannelProblem_IsPermanent(string channel, string error)
    {
        await using var h = await SlackApiHarness.StartAsync();

        var call = await h.PostAsync(channel);

        Assert.Equal(SlackCallOutcome.Permanent, call.Outcome);
        Assert.Equal(error, call.Error);
        Assert.Null(call.Value);
        Assert.Null(call.RetryAfter);
    }

    [Fact]
    public async Task PostMessageAsync_RateLimitNext_IsRateLimitedWithRetryAfterFromTheHeader()
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.RateLimitNext(1, TimeSpan.FromSeconds(30));

        var call = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.RateLimited, call.Outcome);
        Assert.Equal(429, call.HttpStatus);
        Assert.Equal("ratelimited", call.Error);
        Assert.Equal(TimeSpan.FromSeconds(30), call.RetryAfter);
        Assert.Empty(h.Slack.Messages);
        Assert.Equal(1, h.Slack.RateLimitedCount);
        Assert.Equal(1, h.Slack.InjectedFailureCount);
    }

    [Fact]
    public async Task PostMessageAsync_RatelimitedErrorWithoutHeader_DefaultsRetryAfterToOneSecond()
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.ErrorNext(1, "ratelimited");

        var call = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.RateLimited, call.Outcome);
        Assert.Equal(200, call.HttpStatus);
        Assert.Equal(SlackApiClient.DefaultRetryAfter, call.RetryAfter);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task PostMessageAsync_ServerError_IsTransientAndNothingIsPosted(int status)
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.FailNext(1, status);

        var failed = await h.PostAsync(SlackApiHarness.VipSaves);
        var next = await h.PostAsync(SlackApiHarness.Subscriptions);

        Assert.Equal(SlackCallOutcome.Transient, failed.Outcome);
        Assert.Equal(status, failed.HttpStatus);
        Assert.Equal($"http_{status}", failed.Error);
        Assert.True(next.IsSuccess);
        Assert.Equal([SlackApiHarness.Subscriptions], h.Slack.Messages.Select(m => m.Channel));
    }

    [Fact]
    public async Task PostMessageAsync_Outage_IsTransientUntilItEnds()
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.Outage(true);

        var during = await h.PostAsync(SlackApiHarness.VipSaves);
        var auth = await h.Client.AuthTestAsync(CancellationToken.None);
        h.Slack.Outage(false);
        var after = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.Transient, during.Outcome);
        Assert.Equal(503, during.HttpStatus);
        Assert.Equal(SlackCallOutcome.Transient, auth.Outcome);
        Assert.True(after.IsSuccess);
        Assert.Equal(2, h.Slack.InjectedFailureCount);
    }

    [Theory]
    [InlineData("internal_error")]
    [InlineData("fatal_error")]
    [InlineData("request_timeout")]
    [InlineData("service_unavailable")]
    public async Task PostMessageAsync_RetryableSlackError_IsTransient(string error)
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.ErrorNext(1, error);

        var call = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.Transient, call.Outcome);
        Assert.Equal(error, call.Error);
        Assert.Equal(200, call.HttpStatus);
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("not_in_channel")]
    [InlineData("token_revoked")]
    [InlineData("missing_scope")]
    [InlineData("account_inactive")]
    [InlineData("some_future_error")]
    public async Task PostMessageAsync_OtherSlackError_IsPermanent(string error)
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.ErrorNext(1, error);

        var call = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.Permanent, call.Outcome);
        Assert.Equal(error, call.Error);
    }

    [Fact]
    public async Task PostMessageAsync_ErrorNextForOneChannel_LeavesOtherChannelsAlone()
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.ErrorNext(1, "internal_error", SlackApiHarness.Subscriptions);

        var other = await h.PostAsync(SlackApiHarness.VipSaves);
        var target = await h.PostAsync(SlackApiHarness.Subscriptions);

        Assert.True(other.IsSuccess);
        Assert.Equal(SlackCallOutcome.Transient, target.Outcome);
    }

    [Fact]
    public async Task PostMessageAsync_PermanentErrorSet_FailsEveryPostUntilCleared()
    {
        await using var h = await SlackApiHarness.StartAsync(perChannelRate: null);
        h.Slack.SetPermanentError(SlackApiHarness.VipSaves, "token_revoked");

        var first = await h.PostAsync(SlackApiHarness.VipSaves);
        var second = await h.PostAsync(SlackApiHarness.VipSaves);
        h.Slack.SetPermanentError(SlackApiHarness.VipSaves, null);
        var cleared = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.Permanent, first.Outcome);
        Assert.Equal("token_revoked", second.Error);
        Assert.True(cleared.IsSuccess);
    }

    [Fact]
    public async Task PostMessageAsync_NonJsonAnswer_IsTransient()
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.NotJsonNext(1);

        var call = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.Transient, call.Outcome);
        Assert.Equal(200, call.HttpStatus);
        Assert.StartsWith("invalid_response", call.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostMessageAsync_SlowAnswer_TimesOutAsTransientThoughSlackPostedIt()
    {
        await using var h = await SlackApiHarness.StartAsync(clientTimeout: TimeSpan.FromMilliseconds(300));
        h.Slack.DelayNext(1, TimeSpan.FromSeconds(20));

        var call = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.Equal(SlackCallOutcome.Transient, call.Outcome);
        Assert.StartsWith("timeout", call.Error, StringComparison.Ordinal);
        Assert.Null(call.HttpStatus);
        Assert.Single(h.Slack.Messages); // in doubt: posted, answer never arrived
    }

    [Fact]
    public async Task PostMessageAsync_DelayShorterThanTimeout_Succeeds()
    {
        await using var h = await SlackApiHarness.StartAsync(clientTimeout: TimeSpan.FromSeconds(10));
        h.Slack.DelayNext(1, TimeSpan.FromMilliseconds(50));

        var call = await h.PostAsync(SlackApiHarness.VipSaves);

        Assert.True(call.IsSuccess);
    }

    [Fact]
    public async Task PostMessageAsync_ResponseLost_IsTransientButTheMessageWasStored()
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.LoseResponseNext(1);

        var call = await h.PostAsync(SlackApiHarness.Message(SlackApiHarness.VipSaves, escalationId: "esc-lost"));

        Assert.Equal(SlackCallOutcome.Transient, call.Outcome);
        Assert.StartsWith("connection_failed", call.Error, StringComparison.Ordinal);
        var stored = Assert.Single(h.Slack.Messages);
        Assert.Equal("esc-lost", stored.MetadataPayloadString("escalation_id"));
    }

    [Fact]
    public async Task PostMessageAsync_ServerGone_IsTransientConnectionFailure()
    {
        var h = await SlackApiHarness.StartAsync();
        var client = new SlackApiClient(new HttpClient(), h.Options);
        await h.DisposeAsync();

        var call = await client.PostMessageAsync(SlackApiHarness.Bytes(SlackApiHarness.Message(SlackApiHarness.VipSaves)), CancellationToken.None);

        Assert.Equal(SlackCallOutcome.Transient, call.Outcome);
        Assert.StartsWith("connection_failed", call.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostMessageAsync_CallerCancelsWhileWaiting_ThrowsOperationCanceled()
    {
        await using var h = await SlackApiHarness.StartAsync();
        h.Slack.DelayNext(1, TimeSpan.FromSeconds(20));
        using var cts = new CancellationTokenSource();

        var call = h.PostAsync(SlackApiHarness.VipSaves, cts.Token);
        await h.Slack.WaitForRequestsAsync("chat.postMessage", 1, CancellationToken.None);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task PostMessageAsync_AlreadyCancelled_ThrowsWithoutCallingSlack()
    {
        await using var h = await SlackApiHarness.StartAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.PostAsync(SlackApiHarness.VipSaves, new CancellationToken(canceled: true)));

        Assert.Equal(0, h.Slack.RequestCount("chat.postMessage"));
    }
}
