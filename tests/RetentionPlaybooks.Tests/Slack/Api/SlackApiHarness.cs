using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Slack.Api;

namespace RetentionPlaybooks.Tests.Slack.Api;

/// <summary>A fake Slack on loopback plus a real client pointed at it. Each test gets its own.</summary>
internal sealed class SlackApiHarness : IAsyncDisposable
{
    public const string Token = "xoxb-test";
    public const string VipSaves = "C07VIPSAVES";
    public const string Subscriptions = "C07SUBSAVES";
    public const string Archived = "C07ARCHIVED";
    public const string WithoutBot = "C07NOBOT";

    private readonly HttpClient _http = new();

    private SlackApiHarness(FakeSlackServer slack, FakeTimeProvider time, SlackApiOptions options)
    {
        Slack = slack;
        Time = time;
        Options = options;
        Client = new SlackApiClient(_http, options);
    }

    public FakeSlackServer Slack { get; }

    public FakeTimeProvider Time { get; }

    public SlackApiOptions Options { get; }

    public SlackApiClient Client { get; }

    public static async Task<SlackApiHarness> StartAsync(
        TimeSpan? clientTimeout = null, string token = Token, int burst = 0, double? perChannelRate = 1)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.Zero));
        var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions
        {
            TimeProvider = time,
            ValidTokens = [Token],
            Channels = [VipSaves, Subscriptions],
            ArchivedChannels = [Archived],
            ChannelsWithoutBot = [WithoutBot],
            PerChannelRate = perChannelRate,
            BurstTolerance = burst,
        });
        var options = new SlackApiOptions
        {
            BaseUrl = slack.ApiBaseUrl,
            BotToken = token,
            Timeout = clientTimeout ?? TimeSpan.FromSeconds(10),
        };
        return new SlackApiHarness(slack, time, options);
    }

    /// <summary>A chat.postMessage body like the renderer's, optionally tagged with escalation metadata.</summary>
    public static JsonObject Message(string channel, string text = "VIP cart abandoned: $180", string? escalationId = null)
    {
        var body = new JsonObject
        {
            ["channel"] = channel,
            ["text"] = text,
            ["unfurl_links"] = false,
            ["unfurl_media"] = false,
            ["blocks"] = new JsonArray(
                new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "VIP cart abandoned" } },
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text } }),
        };
        if (escalationId is not null)
        {
            body["metadata"] = new JsonObject
            {
                ["event_type"] = "retention_escalation",
                ["event_payload"] = new JsonObject { ["escalation_id"] = escalationId },
            };
        }

        return body;
    }

    public static ReadOnlyMemory<byte> Bytes(JsonObject body) => System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());

    public Task<SlackCall<PostedMessage>> PostAsync(JsonObject body, CancellationToken ct = default) =>
        Client.PostMessageAsync(Bytes(body), ct);

    public Task<SlackCall<PostedMessage>> PostAsync(string channel, CancellationToken ct = default) => PostAsync(Message(channel), ct);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Slack.DisposeAsync();
    }
}
