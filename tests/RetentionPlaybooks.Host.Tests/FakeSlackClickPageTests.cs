using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Slack;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The standalone fake Slack's page as a demo's Slack (issue #10 item 10): a posted case message's buttons and Lost menu
/// are forms that send Slack's signed block_actions payload to the app, and the app's answer comes back to the page.
/// The app here is a real HTTP server that records what arrives, so the signature is checked as the host checks it.
/// </summary>
public sealed class FakeSlackClickPageTests : IAsyncLifetime
{
    private const string Secret = "demo-signing-secret-0123456789";
    private readonly ConcurrentQueue<(string Signature, string Timestamp, string Body)> _received = new();
    private WebApplication _app = null!;
    private Uri _appUrl = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            _received.Enqueue((context.Request.Headers["X-Slack-Signature"].ToString(), context.Request.Headers["X-Slack-Request-Timestamp"].ToString(), await reader.ReadToEndAsync()));
            context.Response.StatusCode = 200;
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _appUrl = new Uri(new Uri(address), "/slack/interactivity");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static Task<FakeSlackServer> StartSlackAsync(Uri? interactivityUrl) => FakeSlackServer.StartAsync(new FakeSlackOptions
    {
        Channels = ["C07VIPSAVES"],
        PerChannelRate = null,
        InteractivityUrl = interactivityUrl,
        SigningSecret = interactivityUrl is null ? null : Secret,
    });

    /// <summary>Posts a message with the case's actions, as the host renders them, through the fake's Web API.</summary>
    private static async Task<string> PostCaseAsync(FakeSlackServer slack, HttpClient http)
    {
        var message = new RetentionPlaybooks.Slack.BlockKit.BlockKitMessage("C07VIPSAVES", "VIP cart", [MessageRenderer.CaseActions("01JCASE0000000000000000001", ["price", "other"])]);
        var body = JsonNode.Parse(RetentionPlaybooks.Slack.BlockKit.BlockKitWriter.Serialize(message))!.AsObject();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(slack.ApiBaseUrl, "chat.postMessage"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "xoxb-test");
        using var response = await http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(answer["ok"]!.GetValue<bool>(), answer.ToJsonString());
        return answer["ts"]!.GetValue<string>();
    }

    private static async Task<HttpResponseMessage> ClickAsync(HttpClient http, FakeSlackServer slack, string ts, string actionId, string value, bool select = false)
    {
        var form = new Dictionary<string, string> { ["channel"] = "C07VIPSAVES", ["ts"] = ts, ["action_id"] = actionId, ["value"] = value };
        if (select) form["select"] = "true";
        using var content = new FormUrlEncodedContent(form);
        return await http.PostAsync(new Uri(slack.BaseUrl, "click"), content);
    }

    [Fact]
    public async Task ThePage_DrawsTheCaseButtonsAndMenu_AndAClickReachesTheApp_SignedAsSlackSignsIt()
    {
        await using var slack = await StartSlackAsync(_appUrl);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var ts = await PostCaseAsync(slack, http);

        var page = await http.GetStringAsync(slack.BaseUrl);
        using var clicked = await ClickAsync(http, slack, ts, "rp_lost", "01JCASE0000000000000000001|other", select: true);

        Assert.Contains("""<input type="hidden" name="action_id" value="rp_acknowledge"><input type="hidden" name="value" value="01JCASE0000000000000000001">""", page, StringComparison.Ordinal);
        Assert.Contains("""<option value="01JCASE0000000000000000001|other">""", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, clicked.StatusCode);
        Assert.Equal("/?clicked=200", clicked.Headers.Location!.OriginalString);
        var (signature, timestamp, body) = Assert.Single(_received);
        Assert.Equal(FakeSlackInteractivity.Sign(Secret, timestamp, Encoding.UTF8.GetBytes(body)), signature);
        var payload = JsonNode.Parse(Uri.UnescapeDataString(body["payload=".Length..].Replace('+', ' ')))!;
        var action = payload["actions"]![0]!;
        Assert.Equal(("block_actions", "rp_lost", "01JCASE0000000000000000001|other", ts),
            (payload["type"]!.GetValue<string>(), action["action_id"]!.GetValue<string>(), action["selected_option"]!["value"]!.GetValue<string>(),
             payload["container"]!["message_ts"]!.GetValue<string>()));
    }

    [Fact]
    public async Task WithoutAnApp_ThePageHasNoControls_AndAClickIsRefused()
    {
        await using var slack = await StartSlackAsync(null);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var ts = await PostCaseAsync(slack, http);

        var page = await http.GetStringAsync(slack.BaseUrl);
        using var clicked = await ClickAsync(http, slack, ts, "rp_saved", "01JCASE0000000000000000001");

        Assert.DoesNotContain("<form", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, clicked.StatusCode);
        Assert.Empty(_received);
    }

    [Fact]
    public void TheOptions_WantAnAbsoluteUrlAndTheSecret_ToClick()
    {
        Assert.Contains("SigningSecret is required with InteractivityUrl (the app refuses unsigned clicks)",
            new FakeSlackOptions { InteractivityUrl = new Uri("http://127.0.0.1:5080/slack/interactivity") }.Validate());
        Assert.Contains("InteractivityUrl must be an absolute http(s) URL; got ftp://x/",
            new FakeSlackOptions { InteractivityUrl = new Uri("ftp://x/"), SigningSecret = "s" }.Validate());
    }
}
