using System.Text;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.Api;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>The real Slack sender against the fake Slack over HTTP: what each answer means for a send, and the in-doubt lookup.</summary>
public sealed class SlackApiSenderTests : IAsyncDisposable
{
    private static readonly string[] Channels = ["C07VIPSAVES"];

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = new(HostApp.Start);
    private FakeSlackServer? _slack;
    private HttpClient? _http;

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_slack is not null) await _slack.DisposeAsync();
    }

    private async Task<SlackApiSender> SenderAsync(bool acceptAnyChannel = false, bool hasMoreWithoutCursor = false)
    {
        _slack = await FakeSlackServer.StartAsync(new FakeSlackOptions
        {
            TimeProvider = _time, Channels = Channels, AcceptAnyChannel = acceptAnyChannel, PerChannelRate = null, HasMoreWithoutCursor = hasMoreWithoutCursor,
        });
        _http = new HttpClient();
        return new SlackApiSender(new SlackApiClient(_http, new SlackApiOptions { BaseUrl = _slack.ApiBaseUrl, BotToken = "xoxb-test" }, _time));
    }

    private DeliveryItem Item(string id, string target = "C07VIPSAVES") => new(id, id, DeliveryKind.Post, "vip-cart-abandonment", "vip-saves", target,
        Encoding.UTF8.GetBytes("{\"channel\":\"" + target + "\",\"text\":\"t\",\"metadata\":{\"event_type\":\"" + MessageRenderer.MetadataEventType
            + "\",\"event_payload\":{\"escalation_id\":\"" + id + "\",\"playbook\":\"vip-cart-abandonment\"}}}"),
        DeliveryState.Pending, 0, _time.GetUtcNow(), _time.GetUtcNow(), null, null, null);

    [Fact]
    public async Task Send_Posted_GivesTheChannelAndTs()
    {
        var sender = await SenderAsync();

        var result = await sender.SendAsync(Item("E1"), CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.Equal("C07VIPSAVES", result.Channel);
        Assert.Single(_slack!.MessagesIn("C07VIPSAVES"));
        Assert.Equal(result.Ts, _slack.MessagesIn("C07VIPSAVES")[0].Ts);
    }

    [Fact]
    public async Task Send_HttpError_IsTransient_NotInDoubt()
    {
        var sender = await SenderAsync();
        _slack!.FailNext(1, 500);

        var result = await sender.SendAsync(Item("E1"), CancellationToken.None);

        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.False(result.InDoubt);   // Slack answered 500: it did not post
    }

    [Fact]
    public async Task Send_LostResponse_IsTransient_InDoubt()
    {
        var sender = await SenderAsync();
        _slack!.LoseResponseNext(1);

        var result = await sender.SendAsync(Item("E1"), CancellationToken.None);

        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.True(result.InDoubt);    // it may have posted
    }

    [Fact]
    public async Task Send_RateLimited_CarriesRetryAfter()
    {
        var sender = await SenderAsync();
        _slack!.RateLimitNext(1, TimeSpan.FromSeconds(7));

        var result = await sender.SendAsync(Item("E1"), CancellationToken.None);

        Assert.Equal(SendOutcome.RateLimited, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Equal("ratelimited", result.Error);
    }

    [Fact]
    public async Task Send_SlackError_IsPermanent_WithTheError()
    {
        var sender = await SenderAsync();
        _slack!.ErrorNext(1, "channel_not_found");

        var result = await sender.SendAsync(Item("E1"), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Equal("channel_not_found", result.Error);
    }

    [Fact]
    public async Task Find_NothingPosted_IsNotPosted_AfterReadingTheWholeHistory()
    {
        var sender = await SenderAsync();
        _slack!.PostByOthers("C07VIPSAVES", 3);

        var found = await sender.FindAsync(Item("E1"), CancellationToken.None);

        Assert.False(found.Posted);
        Assert.Equal(1, _slack.RequestCount("conversations.history"));
    }

    [Fact]
    public async Task Find_PostedThenBuriedUnderOtherMessages_IsFoundOnALaterPage()
    {
        var sender = await SenderAsync();
        var item = Item("E1");
        var posted = await sender.SendAsync(item, CancellationToken.None);
        _slack!.PostByOthers("C07VIPSAVES", SlackApiSender.PageSize + 50);

        var found = await sender.FindAsync(item, CancellationToken.None);

        Assert.True(found.Posted);
        Assert.Equal(posted.Ts, found.Ts);
        Assert.Equal(2, _slack.RequestCount("conversations.history"));
    }

    [Fact]
    public async Task Find_ADirectMessage_OpensTheConversationFirst()
    {
        var sender = await SenderAsync(acceptAnyChannel: true);
        var item = Item("E2", target: "U07RETLEAD");
        var posted = await sender.SendAsync(item, CancellationToken.None);

        var found = await sender.FindAsync(item, CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, posted.Outcome);
        Assert.True(found.Posted, found.Error);
        Assert.Equal(posted.Ts, found.Ts);
        Assert.Equal(1, _slack!.RequestCount("conversations.open"));
    }

    [Fact]
    public async Task Find_WhenTheDmCannotBeOpened_CannotTell_AndAPermanentErrorNeverRetries()
    {
        var sender = await SenderAsync(acceptAnyChannel: true);
        _slack!.SetMethodError("conversations.open", "missing_scope");

        var found = await sender.FindAsync(Item("E3", target: "U07RETLEAD"), CancellationToken.None);

        Assert.Null(found.Posted);
        Assert.False(found.CanRetry);
        Assert.Equal("missing_scope", found.Error);
        Assert.Equal(0, _slack.RequestCount("conversations.history"));
    }

    [Fact]
    public async Task Find_HistoryUnreachable_CannotTellYet_AndMayRetry()
    {
        var sender = await SenderAsync();
        _slack!.Outage(true);

        var found = await sender.FindAsync(Item("E4"), CancellationToken.None);

        Assert.Null(found.Posted);
        Assert.True(found.CanRetry);
    }

    private static DeliveryItem Follow(DeliveryItem post, DeliveryKind kind, string text, string? channel, string? ts) =>
        post with { Id = post.Id + "-" + kind, Kind = kind, Body = Encoding.UTF8.GetBytes("{\"text\":\"" + text + "\"}"), PostChannel = channel, PostTs = ts };

    [Fact]
    public async Task Update_ChangesThePostedMessage_WhereItLanded_WithChatUpdate()
    {
        var sender = await SenderAsync();
        var post = Item("E1");
        var posted = await sender.SendAsync(post, CancellationToken.None);

        var result = await sender.SendAsync(Follow(post, DeliveryKind.Update, "acknowledged", posted.Channel, posted.Ts), CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        var update = Assert.Single(_slack!.Updates);
        Assert.Equal(("C07VIPSAVES", posted.Ts), (update.Channel, update.Ts));
        var message = Assert.Single(_slack.MessagesIn("C07VIPSAVES"));
        Assert.Equal("acknowledged", message.Text);
        Assert.Equal(1, _slack.RequestCount("chat.postMessage"));
    }

    [Fact]
    public async Task ThreadReply_IsPostedInThePostsThread()
    {
        var sender = await SenderAsync();
        var post = Item("E1");
        var posted = await sender.SendAsync(post, CancellationToken.None);

        var result = await sender.SendAsync(Follow(post, DeliveryKind.ThreadReply, "reminder", posted.Channel, posted.Ts), CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        var messages = _slack!.MessagesIn("C07VIPSAVES");
        Assert.Equal(2, messages.Count);
        var reply = messages.Single(m => m.Ts == result.Ts);
        Assert.Equal(posted.Ts, reply.Body["thread_ts"]!.GetValue<string>());
        Assert.Equal("reminder", reply.Text);
    }

    [Theory]
    [InlineData(nameof(DeliveryKind.Update))]
    [InlineData(nameof(DeliveryKind.ThreadReply))]
    [InlineData(nameof(DeliveryKind.Forward))]
    public async Task UpdateReplyOrForward_BeforeThePostLanded_WaitsWithoutCallingSlack(string kind)
    {
        var sender = await SenderAsync();

        var result = await sender.SendAsync(Follow(Item("E1"), Enum.Parse<DeliveryKind>(kind), "x", null, null), CancellationToken.None);

        Assert.Equal((SendOutcome.Transient, false, "waiting for the escalation's message to be posted first"), (result.Outcome, result.InDoubt, result.Error));
        Assert.Equal(0, _slack!.RequestCount("chat.update") + _slack.RequestCount("chat.postMessage") + _slack.RequestCount("chat.getPermalink"));
    }

    /// <summary>A forward whose permalink cannot be had posts nothing: it is retried, never in doubt.</summary>
    [Fact]
    public async Task Forward_PermalinkUnreachable_IsTransient_NotInDoubt_AndPostsNothing()
    {
        var sender = await SenderAsync();
        var post = Item("E1");
        var posted = await sender.SendAsync(post, CancellationToken.None);
        _slack!.Outage(true);

        var result = await sender.SendAsync(Follow(post, DeliveryKind.Forward, "x", posted.Channel, posted.Ts), CancellationToken.None);

        Assert.Equal((SendOutcome.Transient, false), (result.Outcome, result.InDoubt));
        Assert.Equal(1, _slack.RequestCount("chat.getPermalink"));
        Assert.Equal(1, _slack.RequestCount("chat.postMessage"));
    }

    [Fact]
    public async Task Find_Update_IsAlwaysNotThere_SoItIsSentAgain_WithoutCallingSlack()
    {
        var sender = await SenderAsync();

        var found = await sender.FindAsync(Follow(Item("E1"), DeliveryKind.Update, "x", "C07VIPSAVES", "1.1"), CancellationToken.None);

        Assert.False(found.Posted);
        Assert.Equal(0, _slack!.RequestCount("conversations.history"));
    }

    [Fact]
    public async Task Find_ThreadReply_CannotBeCheckedYet_AndNeverWillBe_SoItIsNotResent()
    {
        var sender = await SenderAsync();

        var found = await sender.FindAsync(Follow(Item("E1"), DeliveryKind.ThreadReply, "x", "C07VIPSAVES", "1.1"), CancellationToken.None);

        Assert.Equal((null, false, "a thread reply without metadata cannot be looked up"), (found.Posted, found.CanRetry, found.Error));
        Assert.Equal(0, _slack!.RequestCount("conversations.history") + _slack.RequestCount("conversations.replies"));
    }

    private static DeliveryItem Reply(DeliveryItem post, string id, byte[] body, string? channel, string? ts) =>
        post with { Id = id, Kind = DeliveryKind.ThreadReply, Body = body, PostChannel = channel, PostTs = ts };

    private static byte[] Reminder(string escalation) => Encoding.UTF8.GetBytes(
        "{\"text\":\"r\",\"metadata\":{\"event_type\":\"" + RetentionPlaybooks.Host.Interactivity.CaseMessages.ReminderEventType + "\",\"event_payload\":{\"escalation_id\":\"" + escalation + "\"}}}");

    [Fact]
    public async Task Find_AHoldViolationReply_IsFoundByItsOwnDeliveryId_NotByAnotherReplyOfTheSameCase()
    {
        var sender = await SenderAsync();
        var post = Item("E1");
        var posted = await sender.SendAsync(post, CancellationToken.None);
        byte[] Violation(string id) => RetentionPlaybooks.Host.Interactivity.CaseMessages.HoldViolation(id, "E1", "promo", HostApp.Start, HostApp.Start.AddDays(3));
        var sent = await sender.SendAsync(Reply(post, "V1", Violation("V1"), posted.Channel, posted.Ts), CancellationToken.None);

        var first = await sender.FindAsync(Reply(post, "V1", Violation("V1"), posted.Channel, posted.Ts), CancellationToken.None);
        var second = await sender.FindAsync(Reply(post, "V2", Violation("V2"), posted.Channel, posted.Ts), CancellationToken.None);

        Assert.Equal((true, "C07VIPSAVES", sent.Ts), (first.Posted, first.Channel, first.Ts));
        Assert.Equal((false, true), (second.Posted, second.Error is null));   // the thread read to its end: not posted, resend
        Assert.Equal(2, _slack!.RequestCount("conversations.replies"));
    }

    [Fact]
    public async Task Find_AReminder_IsFoundByItsEscalation_AnotherCasesIsNot()
    {
        var sender = await SenderAsync();
        var post = Item("E1");
        var posted = await sender.SendAsync(post, CancellationToken.None);
        var sent = await sender.SendAsync(Reply(post, "R1", Reminder("E1"), posted.Channel, posted.Ts), CancellationToken.None);

        var found = await sender.FindAsync(Reply(post, "R1", Reminder("E1"), posted.Channel, posted.Ts), CancellationToken.None);
        var other = await sender.FindAsync(Reply(post, "R2", Reminder("E2"), posted.Channel, posted.Ts) with { EscalationId = "E2" }, CancellationToken.None);

        Assert.Equal((true, sent.Ts), (found.Posted, found.Ts));
        Assert.False(other.Posted);
    }

    [Fact]
    public async Task Find_AReplyBeforeItsPostLanded_IsNotPosted_WithoutCallingSlack()
    {
        var sender = await SenderAsync();

        var found = await sender.FindAsync(Reply(Item("E1"), "R1", Reminder("E1"), null, null), CancellationToken.None);

        Assert.Equal((false, null), (found.Posted, found.Error));
        Assert.Equal(0, _slack!.RequestCount("conversations.replies"));
    }

    [Fact]
    public async Task Find_AReply_WhenSlackIsUnreachable_CannotTellYet_AndMayRetry()
    {
        var sender = await SenderAsync();
        _slack!.Outage(true);

        var found = await sender.FindAsync(Reply(Item("E1"), "R1", Reminder("E1"), "C07VIPSAVES", "1.1"), CancellationToken.None);

        Assert.Equal((null, true), (found.Posted, found.CanRetry));
    }

    [Fact]
    public void Delivers_TheSlackKinds_NotCustomerIo()
    {
        var sender = new SlackApiSender(null!);

        Assert.Equal([true, true, true, false], new[] { DeliveryKind.Post, DeliveryKind.Update, DeliveryKind.ThreadReply, DeliveryKind.CustomerIo }.Select(sender.Delivers));
    }

    /// <summary>Any HTTP error status, from 400 on, is an answer without a post: never in doubt, whatever the outcome.</summary>
    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(502)]
    public async Task Send_HttpErrorStatusFrom400_NotInDoubt(int status)
    {
        var sender = await SenderAsync();
        _slack!.FailNext(1, status);

        var result = await sender.SendAsync(Item("E1"), CancellationToken.None);

        Assert.NotEqual(SendOutcome.Sent, result.Outcome);
        Assert.False(result.InDoubt);
        Assert.Empty(_slack.MessagesIn("C07VIPSAVES"));
    }

    [Fact]
    public async Task Send_200WithoutJson_IsTransient_InDoubt_408IsTransient_NotInDoubt()
    {
        var sender = await SenderAsync();
        _slack!.NotJsonNext(1);
        var html = await sender.SendAsync(Item("E1"), CancellationToken.None);
        _slack.FailNext(1, 408);
        var timeout = await sender.SendAsync(Item("E2"), CancellationToken.None);

        Assert.Equal((SendOutcome.Transient, true), (html.Outcome, html.InDoubt));      // answered 200: it may have posted
        Assert.Equal((SendOutcome.Transient, false), (timeout.Outcome, timeout.InDoubt)); // an HTTP error status: it did not
    }

    /// <summary>The lookup reads back to five minutes before the escalation was created (clock skew), inclusive, and no further.</summary>
    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public async Task Find_LooksBackExactlyFiveMinutesBeforeTheEscalationWasCreated(int millisecondsLater, bool found)
    {
        var sender = await SenderAsync();
        var item = Item("E1");
        var posted = await sender.SendAsync(item, CancellationToken.None);   // ts = the fake clock's now, to the microsecond

        var result = await sender.FindAsync(item with { CreatedAt = HostApp.Start + TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(millisecondsLater) }, CancellationToken.None);

        Assert.Equal($"{HostApp.Start.ToUnixTimeSeconds()}.000000", posted.Ts);
        Assert.Equal(found, result.Posted);
    }

    [Fact]
    public async Task Find_MoreThan20000MessagesSinceTheEscalation_CannotTell_AndNeverResends()
    {
        var sender = await SenderAsync();
        var item = Item("E1");
        await sender.SendAsync(item, CancellationToken.None);
        _slack!.PostByOthers("C07VIPSAVES", SlackApiSender.PageSize * SlackApiSender.MaxPages);

        var result = await sender.FindAsync(item, CancellationToken.None);

        Assert.Equal((null, false), (result.Posted, result.CanRetry));
        Assert.Equal("more than 20000 messages since the escalation was created; not looked further", result.Error);
        Assert.Equal(SlackApiSender.MaxPages, _slack.RequestCount("conversations.history"));
    }

    [Fact]
    public async Task Find_TheLastMessageOfTheLastPage_IsStillFound()
    {
        var sender = await SenderAsync();
        var item = Item("E1");
        var posted = await sender.SendAsync(item, CancellationToken.None);
        _slack!.PostByOthers("C07VIPSAVES", SlackApiSender.PageSize * SlackApiSender.MaxPages - 1);

        var result = await sender.FindAsync(item, CancellationToken.None);

        Assert.Equal((true, posted.Ts), (result.Posted, result.Ts));
        Assert.Equal(SlackApiSender.MaxPages, _slack.RequestCount("conversations.history"));
    }

    /// <summary>A thread read to its page limit: the reply on the last page is found, one more page is never read.</summary>
    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public async Task Find_AReplyInAThreadOfMoreThan20000_IsCannotTell_AtTheLastPageStillFound(int more, bool found)
    {
        var sender = await SenderAsync();
        var post = Item("E1");
        var posted = await sender.SendAsync(post, CancellationToken.None);
        // The thread's page holds its parent first: the parent and the others fill the pages but for the reminder's place.
        _slack!.PostByOthers("C07VIPSAVES", SlackApiSender.PageSize * SlackApiSender.MaxPages - 2 + more, posted.Ts);
        var reminder = Reply(post, "R1", Reminder("E1"), posted.Channel, posted.Ts);
        var sent = await sender.SendAsync(reminder, CancellationToken.None);

        var result = await sender.FindAsync(reminder, CancellationToken.None);

        Assert.Equal(found ? (true, sent.Ts, null) : (null, null, "more than 20000 replies in the thread; not looked further"), (result.Posted, result.Ts, result.Error));
        if (!found) Assert.False(result.CanRetry);   // never "not posted", never retried: a resend would risk a duplicate
        Assert.Equal(SlackApiSender.MaxPages, _slack.RequestCount("conversations.replies"));
    }

    [Fact]
    public async Task Find_HistorySaysHasMoreWithoutACursor_CannotTellYet_MayRetry_AndNeverReadsTheFirstPageAgainAndAgain()
    {
        var sender = await SenderAsync(hasMoreWithoutCursor: true);
        var item = Item("E1");
        await sender.SendAsync(item, CancellationToken.None);
        _slack!.PostByOthers("C07VIPSAVES", SlackApiSender.PageSize + 1);

        var result = await sender.FindAsync(item, CancellationToken.None);

        Assert.Equal((null, true), (result.Posted, result.CanRetry));
        Assert.Equal("conversations.history said has_more without a next_cursor", result.Error);
        Assert.Equal(1, _slack.RequestCount("conversations.history"));
    }

    [Fact]
    public async Task Find_AHistoryOfExactlyOnePage_WithTheGlitch_IsStillAnAnswer()
    {
        // has_more is false on the last page: no cursor is needed, the glitch does not apply.
        var sender = await SenderAsync(hasMoreWithoutCursor: true);
        _slack!.PostByOthers("C07VIPSAVES", SlackApiSender.PageSize - 1);

        var result = await sender.FindAsync(Item("E9"), CancellationToken.None);

        Assert.Equal((false, null), (result.Posted, result.Error));
    }

    [Fact]
    public async Task Find_AReplyInALongThread_RepliesSayHasMoreWithoutACursor_CannotTellYet_MayRetry()
    {
        var sender = await SenderAsync(hasMoreWithoutCursor: true);
        var post = Item("E1");
        var posted = await sender.SendAsync(post, CancellationToken.None);
        for (var i = 0; i < SlackApiSender.PageSize + 1; i++)
        {
            var violation = RetentionPlaybooks.Host.Interactivity.CaseMessages.HoldViolation($"V{i}", "E1", "promo", HostApp.Start, HostApp.Start.AddDays(3));
            await sender.SendAsync(Reply(post, $"V{i}", violation, posted.Channel, posted.Ts), CancellationToken.None);
        }

        var result = await sender.FindAsync(Reply(post, "R1", Reminder("E1"), posted.Channel, posted.Ts), CancellationToken.None);

        Assert.Equal((null, true), (result.Posted, result.CanRetry));
        Assert.Equal("conversations.replies said has_more without a next_cursor", result.Error);
    }

    [Fact]
    public async Task Find_ADirectMessageToAnEnterpriseGridUser_W_OpensTheConversationFirst()
    {
        var sender = await SenderAsync(acceptAnyChannel: true);
        var item = Item("E5", target: "W07GRIDUSER");
        var posted = await sender.SendAsync(item, CancellationToken.None);

        var found = await sender.FindAsync(item, CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, posted.Outcome);
        Assert.True(found.Posted, found.Error);
        Assert.Equal((posted.Channel, posted.Ts), (found.Channel, found.Ts));
        Assert.Equal(1, _slack!.RequestCount("conversations.open"));
    }
}
