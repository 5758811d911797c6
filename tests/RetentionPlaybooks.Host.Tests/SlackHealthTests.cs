using System.Net;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeSlack;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>/health's Slack check: auth.test's verdict on the bot token and the last call's outcome, as the host last saw
/// them — never by calling Slack for /health.</summary>
public sealed class SlackHealthTests
{
    private static async Task<(HostApp App, FakeSlackServer Slack)> StartAsync(string token = "xoxb-test")
    {
        var time = new FakeTimeProvider(HostApp.Start);
        var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = time, Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = 1 });
        var app = new HostApp(settings: new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = token,
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
        }, time: time);
        return (app, slack);
    }

    private static int Requests(FakeSlackServer slack) => slack.Workspace.RequestsByMethod.Values.Sum();

    [Fact]
    public async Task AGoodToken_IsOk_AndTheLastCallIsShown_WithoutCallingSlackForHealth()
    {
        var (app, slack) = await StartAsync();
        await using var _ = slack;
        using var __ = app;
        var first = await app.HealthAsync();
        var calls = Requests(slack);
        for (var i = 0; i < 5; i++) await app.HealthAsync();

        Assert.Equal("ok", first.GetProperty("status").GetString());
        Assert.Equal("slack", first.GetProperty("delivery").GetString());
        Assert.Equal("ok", first.GetProperty("slack_auth").GetString());
        Assert.Equal("auth.test", first.GetProperty("slack_last_call").GetString());
        Assert.Equal(calls, Requests(slack));

        slack.RateLimitNext(1, TimeSpan.FromSeconds(30));
        using var client = app.CreateClient();
        using (var r = await client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json", j => j["delivery_id"] = "sh-1")))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        var limited = await app.WaitUntilAsync(h => h.TryGetProperty("slack_last_call_outcome", out var o) && o.GetString() == "rate_limited");
        Assert.Equal("chat.postMessage", limited.GetProperty("slack_last_call").GetString());
        Assert.Equal("ratelimited", limited.GetProperty("slack_last_error").GetString());

        var drained = await app.DrainAsync(TimeSpan.FromSeconds(1));
        Assert.Equal("success", drained.GetProperty("slack_last_call_outcome").GetString());
        Assert.Equal("ok", drained.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ATokenSlackRefuses_DegradesHealth_SayingWhy()
    {
        var (app, slack) = await StartAsync("xoxb-revoked");
        await using var _ = slack;
        using var __ = app;
        var health = await app.HealthAsync();

        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal("invalid_auth", health.GetProperty("slack_auth").GetString());
        Assert.Contains(health.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("slack: Slack refused the bot token (auth.test: invalid_auth)", StringComparison.Ordinal));
        Assert.DoesNotContain("xoxb-revoked", health.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePreviewSink_IsNoSlackProblem()
    {
        using var app = new HostApp();
        var health = await app.HealthAsync();

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("preview", health.GetProperty("delivery").GetString());
        Assert.Equal("preview", health.GetProperty("slack_auth").GetString());
    }
}
