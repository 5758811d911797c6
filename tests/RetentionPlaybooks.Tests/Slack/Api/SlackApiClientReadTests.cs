using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Slack.Api;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Api;

public sealed class SlackApiClientReadTests
{
    [Fact]
    public async Task AuthTestAsync_ValidToken_ReturnsTheBotIdentity()
    {
        await using var h = await SlackApiHarness.StartAsync();

        var call = await h.Client.AuthTestAsync(CancellationToken.None);

        Assert.True(call.IsSuccess);
        Assert.Equal(new AuthTestResult("Fake Workspace", "T0FAKETEAM", "retention-bot", "U0FAKEBOT", "B0FAKEBOT", "https://fake-workspace.slack.com/"),
            call.Value! with { Scopes = null });
        // The token's scopes, from the x-oauth-scopes header (the fake sends the app manifest's).
        Assert.Equal(["channels:history", "chat:write", "chat:write.public", "groups:history", "im:history", "im:write"], call.Value!.Scopes!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AuthTestAsync_InvalidToken_IsPermanent()
    {
        await using var h = await SlackApiHarness.StartAsync(token: "xoxb-nope");

        var call = await h.Client.AuthTestAsync(CancellationToken.None);

        Assert.Equal(SlackCallOutcome.Permanent, call.Outcome);
        Assert.Equal("invalid_auth", call.Error);
    }

    [Theory]
    [InlineData(SlackApiHarness.VipSaves, false, true, false)]
    [InlineData(SlackApiHarness.Archived, true, true, false)]
    [InlineData(SlackApiHarness.WithoutBot, false, false, false)]
    [InlineData("D07RETLEAD", false, true, true)]
    public async Task ConversationInfoAsync_KnownChannel_ReportsArchivedMemberAndIm(string channel, bool archived, bool member, bool im)
    {
        await using var h = await SlackApiHarness.StartAsync();

        var call = await h.Client.ConversationInfoAsync(channel, CancellationToken.None);

        Assert.True(call.IsSuccess);
        Assert.Equal(channel, call.Value.Id);
        Assert.Equal((archived, member, im), (call.Value.IsArchived, call.Value.IsMember, call.Value.IsIm));
    }

    [Fact]
    public async Task ConversationInfoAsync_UnknownChannel_IsPermanentChannelNotFound()
    {
        await using var h = await SlackApiHarness.StartAsync();

        var call = await h.Client.ConversationInfoAsync("C0NOPE", CancellationToken.None);

        Assert.Equal(SlackCallOutcome.Permanent, call.Outcome);
        Assert.Equal("channel_not_found", call.Error);
    }

    [Fact]
    public async Task ConversationsOpenAsync_User_GivesTheDmChannelWhoseHistoryHoldsThePost()
    {
        await using var h = await SlackApiHarness.StartAsync();
        var posted = (await h.PostAsync(SlackApiHarness.Message("U07RETLEAD", escalationId: "esc-dm"))).Value!;

        var opened = await h.Client.ConversationsOpenAsync("U07RETLEAD", CancellationToken.None);
        var byUser = await h.Client.ConversationHistoryAsync("U07RETLEAD", null, 10, includeAllMetadata: true, CancellationToken.None);
        var byChannel = await h.Client.ConversationHistoryAsync(opened.Value!.Id, null, 10, includeAllMetadata: true, CancellationToken.None);

        Assert.Equal(posted.Channel, opened.Value.Id);
        Assert.Equal("channel_not_found", byUser.Error);
        Assert.Equal(posted.Ts, byChannel.Value!.FindByMetadata("retention_escalation", "escalation_id", "esc-dm")?.Ts);
    }

    [Fact]
    public async Task UpdateMessageAsync_PostedMessage_ChangesTheStoredBody()
    {
        await using var h = await SlackApiHarness.StartAsync();
        var posted = (await h.PostAsync(SlackApiHarness.Message(SlackApiHarness.VipSaves, escalationId: "esc-7"))).Value!;
        var update = new JsonObject
        {
            ["channel"] = posted.Channel,
            ["ts"] = posted.Ts,
            ["text"] = "Saved by Dana",
            ["blocks"] = new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = ":white_check_mark: Saved by Dana" } }),
        };

        var call = await h.Client.UpdateMessageAsync(SlackApiHarness.Bytes(update), CancellationToken.None);

        Assert.True(call.IsSuccess);
        Assert.Equal(posted, call.Value);
        var stored = Assert.Single(h.Slack.Messages);
        Assert.Equal("Saved by Dana", stored.Text);
        Assert.Single(stored.Blocks!);
        Assert.Equal("esc-7", stored.MetadataPayloadString("escalation_id")); // kept: the update did not send metadata
        Assert.NotNull(stored.EditedAt);
        var recorded = Assert.Single(h.Slack.Updates);
        Assert.Equal(posted.Ts, recorded.Ts);
    }

    [Fact]
    public async Task UpdateMessageAsync_UnknownTs_IsPermanentMessageNotFound()
    {
        await using var h = await SlackApiHarness.StartAsync();
        var update = new JsonObject { ["channel"] = SlackApiHarness.VipSaves, ["ts"] = "1.000001", ["text"] = "x" };

        var call = await h.Client.UpdateMessageAsync(SlackApiHarness.Bytes(update), CancellationToken.None);

        Assert.Equal(SlackCallOutcome.Permanent, call.Outcome);
        Assert.Equal("message_not_found", call.Error);
    }

    [Fact]
    public async Task ConversationHistoryAsync_WithMetadata_FindsTheInDoubtEscalationNewestFirst()
    {
        await using var h = await SlackApiHarness.StartAsync();
        var before = h.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + ".000000";
        var ts = new List<string>();
        foreach (var id in (string[])["esc-1", "esc-2", "esc-3"])
        {
            ts.Add((await h.PostAsync(SlackApiHarness.Message(SlackApiHarness.VipSaves, escalationId: id))).Value!.Ts);
            h.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var call = await h.Client.ConversationHistoryAsync(SlackApiHarness.VipSaves, before, 100, includeAllMetadata: true, CancellationToken.None);

        Assert.True(call.IsSuccess);
        Assert.Equal(Enumerable.Reverse(ts), call.Value.Messages.Select(m => m.Ts));
        Assert.False(call.Value.HasMore);
        var found = call.Value.FindByMetadata("retention_escalation", "escalation_id", "esc-2");
        Assert.Equal(ts[1], found?.Ts);
        Assert.Equal("B0FAKEBOT", found?.BotId);
        Assert.Null(call.Value.FindByMetadata("retention_escalation", "escalation_id", "esc-9"));
    }

    [Fact]
    public async Task ConversationHistoryAsync_WithoutMetadataFlag_OmitsMetadata()
    {
        await using var h = await SlackApiHarness.StartAsync();
        await h.PostAsync(SlackApiHarness.Message(SlackApiHarness.VipSaves, escalationId: "esc-1"));

        var call = await h.Client.ConversationHistoryAsync(SlackApiHarness.VipSaves, null, 10, includeAllMetadata: false, CancellationToken.None);

        Assert.Null(Assert.Single(call.Value!.Messages).Metadata);
    }

    [Fact]
    public async Task ConversationHistoryAsync_OldestAndLimit_ReturnsNewestFromOldestOnAndSaysThereAreMore()
    {
        await using var h = await SlackApiHarness.StartAsync();
        var ts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ts.Add((await h.PostAsync(SlackApiHarness.VipSaves)).Value!.Ts);
            h.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var page = await h.Client.ConversationHistoryAsync(SlackApiHarness.VipSaves, ts[1], 2, includeAllMetadata: false, CancellationToken.None);
        var fromOldest = await h.Client.ConversationHistoryAsync(SlackApiHarness.VipSaves, ts[1], 10, includeAllMetadata: false, CancellationToken.None);

        Assert.Equal([ts[3], ts[2]], page.Value!.Messages.Select(m => m.Ts));
        Assert.True(page.Value.HasMore);
        Assert.NotNull(page.Value.NextCursor);
        Assert.Equal([ts[3], ts[2], ts[1]], fromOldest.Value!.Messages.Select(m => m.Ts)); // oldest is inclusive
        Assert.False(fromOldest.Value.HasMore);
    }

    [Fact]
    public async Task Fake_FormEncodedPost_IsAcceptedAndStoredLikeJson()
    {
        await using var h = await SlackApiHarness.StartAsync();
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = SlackApiHarness.Token,
            ["channel"] = SlackApiHarness.VipSaves,
            ["text"] = "from a form",
            ["blocks"] = """[{"type":"section","text":{"type":"mrkdwn","text":"from a form"}}]""",
        });

        using var response = await http.PostAsync(new Uri(h.Slack.ApiBaseUrl, "chat.postMessage"), form);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(json["ok"]!.GetValue<bool>(), json.ToJsonString());
        var stored = Assert.Single(h.Slack.Messages);
        Assert.Equal("from a form", stored.Text);
        Assert.IsType<JsonArray>(stored.Body["blocks"]);
        Assert.False(stored.Body.ContainsKey("token"));
    }

    [Theory]
    [InlineData("""{"channel":"C07VIPSAVES"}""", "no_text")]
    [InlineData("""{"channel":"C07VIPSAVES","text":"x","blocks":"not an array"}""", "invalid_blocks_format")]
    [InlineData("""{"channel":"C07VIPSAVES","text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]}""", "invalid_blocks")]
    [InlineData("""{"channel":"C07VIPSAVES","text":"x","blocks":[{"type":"carousel"}]}""", "invalid_blocks")]
    [InlineData("""{"channel":"C07VIPSAVES","text":"x","metadata":{"event_type":"retention_escalation"}}""", "invalid_metadata_format")]
    [InlineData("""{"text":"x"}""", "channel_not_found")]
    public async Task PostMessageAsync_BodySlackRejects_IsPermanentWithSlacksError(string body, string error)
    {
        await using var h = await SlackApiHarness.StartAsync();

        var call = await h.Client.PostMessageAsync(Encoding.UTF8.GetBytes(body), CancellationToken.None);

        Assert.Equal(SlackCallOutcome.Permanent, call.Outcome);
        Assert.Equal(error, call.Error);
        Assert.Empty(h.Slack.Messages);
    }

    [Fact]
    public async Task PostMessageAsync_TooManyBlocksOrLongHeader_IsInvalidBlocks()
    {
        await using var h = await SlackApiHarness.StartAsync(perChannelRate: null);
        var tooMany = SlackApiHarness.Message(SlackApiHarness.VipSaves);
        tooMany["blocks"] = new JsonArray([.. Enumerable.Range(0, 51).Select(_ => (JsonNode?)new JsonObject { ["type"] = "divider" })]);
        var longHeader = SlackApiHarness.Message(SlackApiHarness.VipSaves);
        longHeader["blocks"]![0]!["text"]!["text"] = new string('x', 151);
        var tooLong = SlackApiHarness.Message(SlackApiHarness.VipSaves, text: new string('x', 40_001));

        var blocks = await h.PostAsync(tooMany);
        var header = await h.PostAsync(longHeader);
        var text = await h.PostAsync(tooLong);

        Assert.Equal(("invalid_blocks", SlackCallOutcome.Permanent), (blocks.Error, blocks.Outcome));
        Assert.Equal("invalid_blocks", header.Error);
        Assert.Equal("msg_too_long", text.Error);
    }

    [Fact]
    public async Task Fake_GetRoot_ListsPostedMessagesAsHtml()
    {
        await using var h = await SlackApiHarness.StartAsync();
        await h.PostAsync(SlackApiHarness.Message(SlackApiHarness.VipSaves, text: "Dana <b>saves</b>"));
        using var http = new HttpClient();

        var html = await http.GetStringAsync(h.Slack.BaseUrl);

        Assert.Contains("Dana &lt;b&gt;saves&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains(SlackApiHarness.VipSaves, html, StringComparison.Ordinal);
    }
}
