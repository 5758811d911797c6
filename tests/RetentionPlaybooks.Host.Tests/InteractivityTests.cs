using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>POST /slack/interactivity against clicks the fake Slack signs and sends over HTTP, on one fake clock.</summary>
public sealed class InteractivityTests : IAsyncLifetime
{
    private const string Secret = "test-slack-signing-secret-0123456789";
    private static readonly string[] Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"];
    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private FakeSlackServer _slack = null!;
    private HostApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = _time, Channels = Channels, PerChannelRate = null });
        _app = Start();
        _client = _app.CreateClient();
    }

    private HostApp Start(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = _slack.ApiBaseUrl.ToString(),
            ["Slack:SigningSecret"] = Secret,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        return new HostApp(settings: settings, time: _time);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _app.Dispose();
        await _slack.DisposeAsync();
    }

    private Uri Url => new(_client.BaseAddress!, "/slack/interactivity");

    private static FakeSlackClick Ack(string escalation = "01JESCALATION0000000000001") => new("C07VIPSAVES", "1795870800.000001", BlockActionReader.AcknowledgeId, escalation, "U07LEAD");

    private Task<HttpResponseMessage> ClickAsync(FakeSlackClick click, HttpClient? client = null) => _slack.ClickAsync(client ?? _client, Url, click, Secret);

    private Task<IReadOnlyList<StoredAction>> StoredAsync(HostApp? app = null) =>
        (app ?? _app).Services.GetRequiredService<IStore>().Actions.AllAsync(100, CancellationToken.None);

    private async Task<HttpResponseMessage> PostSignedAsync(string form, string? contentType = "application/x-www-form-urlencoded")
    {
        var body = Encoding.UTF8.GetBytes(form);
        var at = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", at);
        request.Headers.Add("X-Slack-Signature", FakeSlackInteractivity.Sign(Secret, at, body));
        return await _client.SendAsync(request);
    }

    private static async Task<(HttpStatusCode Status, string? Type, string? Detail)> ProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0) return (response.StatusCode, null, null);
        using var doc = JsonDocument.Parse(text);
        return (response.StatusCode, doc.RootElement.GetProperty("type").GetString()!.Split('/')[^1], doc.RootElement.GetProperty("detail").GetString());
    }

    private static async Task<(HttpStatusCode Status, string? Type)> KindAsync(HttpResponseMessage response)
    {
        var (status, type, _) = await ProblemAsync(response);
        return (status, type);
    }

    [Fact]
    public async Task Click_SignedFromThisWorkspace_IsStoredThenAnswered200()
    {
        using var response = await ClickAsync(Ack());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = Assert.Single(await StoredAsync());
        Assert.Equal((CaseAction.Acknowledge, "01JESCALATION0000000000001", "U07LEAD", "T0FAKETEAM", null), (stored.Action.Action, stored.Action.EscalationId, stored.Action.UserId, stored.Action.TeamId, stored.Action.Reason));
        Assert.StartsWith(_slack.BaseUrl + "actions/T0FAKETEAM/", stored.Action.ResponseUrl, StringComparison.Ordinal);
        Assert.Equal(HostApp.Start, stored.ReceivedAt);
    }

    [Fact]
    public async Task LostWithAReason_FromTheSelect_IsStoredWithTheReason()
    {
        using var response = await ClickAsync(new FakeSlackClick("C07VIPSAVES", "1.1", BlockActionReader.LostId, "01JESCALATION0000000000001|price", IsSelect: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = Assert.Single(await StoredAsync());
        Assert.Equal((CaseAction.Lost, "01JESCALATION0000000000001", "price"), (stored.Action.Action, stored.Action.EscalationId, stored.Action.Reason));
    }

    [Fact]
    public async Task SlackRetry_OfTheSameClick_IsAnswered200_AndStoredOnce_ASecondClickIsItsOwn()
    {
        using var first = await ClickAsync(Ack() with { ActionTs = "1795870800.000100" });
        using var retry = await ClickAsync(Ack() with { ActionTs = "1795870800.000100", RetryNum = 1 });
        using var again = await ClickAsync(Ack() with { ActionTs = "1795870801.000200" });

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], new[] { first.StatusCode, retry.StatusCode, again.StatusCode });
        Assert.Equal(["1795870800.000100", "1795870801.000200"], (await StoredAsync()).Select(a => a.Action.ActionTs));
    }

    [Fact]
    public async Task Unsigned_WrongSecret_OrNotV0_Are401_AndNothingIsStored()
    {
        var (body, headers, _, _) = _slack.Interactivity.Build(Ack(), Secret);
        async Task<(HttpStatusCode, string?, string?)> Send(Action<HttpRequestMessage> change)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
            foreach (var (k, v) in headers) request.Headers.TryAddWithoutValidation(k, v);
            change(request);
            using var response = await _client.SendAsync(request);
            return await ProblemAsync(response);
        }

        var unsigned = await Send(r => r.Headers.Remove("X-Slack-Signature"));
        var noTimestamp = await Send(r => r.Headers.Remove("X-Slack-Request-Timestamp"));
        var notV0 = await Send(r => { r.Headers.Remove("X-Slack-Signature"); r.Headers.Add("X-Slack-Signature", headers["X-Slack-Signature"].Replace("v0=", "v1=", StringComparison.Ordinal)); });
        var prefixOnly = await Send(r => { r.Headers.Remove("X-Slack-Signature"); r.Headers.Add("X-Slack-Signature", "v0="); });
        var otherTimestamp = await Send(r => { r.Headers.Remove("X-Slack-Request-Timestamp"); r.Headers.Add("X-Slack-Request-Timestamp", (HostApp.Start.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)); });
        var notSeconds = await Send(r => { r.Headers.Remove("X-Slack-Request-Timestamp"); r.Headers.Add("X-Slack-Request-Timestamp", "1.5e9"); });
        using var wrongSecret = await ClickAsync(Ack() with { SigningSecret = "another-secret-0123456789abcdef" });

        // Each refusal names the header to fix (the problem's detail is what an operator reads in Slack's request log).
        Assert.Equal((HttpStatusCode.Unauthorized, "missing-credential", "the request has no X-Slack-Signature header"), unsigned);
        Assert.Equal((HttpStatusCode.Unauthorized, "missing-credential", "the request has no X-Slack-Request-Timestamp header"), noTimestamp);
        Assert.Equal((HttpStatusCode.Unauthorized, "bad-timestamp", "X-Slack-Request-Timestamp \"1.5e9\" is not unix seconds"), notSeconds);
        Assert.Equal((HttpStatusCode.Unauthorized, "bad-credential", "the X-Slack-Signature header does not match"), notV0);
        Assert.Equal((HttpStatusCode.Unauthorized, "bad-credential"), (prefixOnly.Item1, prefixOnly.Item2));
        Assert.Equal((HttpStatusCode.Unauthorized, "bad-credential"), (otherTimestamp.Item1, otherTimestamp.Item2)); // the timestamp is signed too
        Assert.Equal((HttpStatusCode.Unauthorized, "bad-credential"), await KindAsync(wrongSecret));
        Assert.Empty(await StoredAsync());
    }

    [Theory]
    [InlineData(-300, HttpStatusCode.OK)]
    [InlineData(-301, HttpStatusCode.Unauthorized)]
    [InlineData(300, HttpStatusCode.OK)]
    [InlineData(301, HttpStatusCode.Unauthorized)]
    public async Task Timestamp_WithinFiveMinutesEitherWay_IsTaken_OneSecondMoreIsStale(int seconds, HttpStatusCode expected)
    {
        using var response = await ClickAsync(Ack() with { SignedAt = HostApp.Start.AddSeconds(seconds) });

        var (status, type, detail) = await ProblemAsync(response);
        Assert.Equal(expected, status);
        if (expected == HttpStatusCode.Unauthorized) Assert.Equal(("stale-timestamp", $"X-Slack-Request-Timestamp {HostApp.Start.AddSeconds(seconds).ToUnixTimeSeconds()} is more than 300 s from the current time"), (type, detail));
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task AnotherWorkspace_Is403_AndNothingIsStored()
    {
        using var response = await ClickAsync(Ack() with { TeamId = "T0OTHERTEAM" });

        var (status, type, detail) = await ProblemAsync(response);
        Assert.Equal((HttpStatusCode.Forbidden, "other-workspace"), (status, type));
        Assert.Contains("\"T0OTHERTEAM\"", detail, StringComparison.Ordinal);
        Assert.Empty(await StoredAsync());
    }

    [Theory]
    [InlineData("payload=not-json", "\"payload\" is not JSON")]
    [InlineData("other=1", "the form has no single \"payload\" field")]
    [InlineData("payload=%7B%7D&payload=%7B%7D", "the form has no single \"payload\" field")]
    [InlineData("payload=%5B%5D", "\"payload\" is not a JSON object")]
    [InlineData("payload=%7B%22team%22%3A%7B%22id%22%3A%22T0FAKETEAM%22%7D%7D", "\"payload\" has no \"type\"")]
    [InlineData("payload=%7B%22type%22%3A%22block_actions%22%2C%22team%22%3A%7B%22id%22%3A%22T0FAKETEAM%22%7D%2C%22actions%22%3A%5B%5D%7D", "the payload has no user.id")]
    [InlineData("payload=%7B%22type%22%3A%22block_actions%22%2C%22team%22%3A%7B%22id%22%3A%22T0FAKETEAM%22%7D%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%7D", "the payload has no \"actions\" array")]
    [InlineData("payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%2C%22actions%22%3A%5B%5D%7D", "the payload has no team.id")]
    [InlineData("payload=%7B%22type%22%3A%22block_actions%22%2C%22team%22%3A%7B%22id%22%3A%22T0FAKETEAM%22%7D%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%2C%22actions%22%3A%5B%7B%22action_id%22%3A%22rp_saved%22%2C%22action_ts%22%3A%221.1%22%2C%22value%22%3A%22%3C%21channel%3E%22%7D%5D%7D", "the rp_saved action's value is not an escalation id")]
    [InlineData("payload=%7B%22type%22%3A%22block_actions%22%2C%22team%22%3A%7B%22id%22%3A%22T0FAKETEAM%22%7D%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%2C%22actions%22%3A%5B%7B%22action_id%22%3A%22rp_saved%22%2C%22value%22%3A%22E1%22%7D%5D%7D", "the rp_saved action has no action_ts")]
    [InlineData("payload=%7B%22type%22%3A%22block_actions%22%2C%22team%22%3A%7B%22id%22%3A%22T0FAKETEAM%22%7D%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%2C%22actions%22%3A%5B%7B%22action_id%22%3A%22rp_lost%22%2C%22action_ts%22%3A%221.1%22%2C%22value%22%3A%22E1%7Cno+way%22%7D%5D%7D", "the rp_lost action's reason is not a reason key")]
    [InlineData("payload=%7B%22type%22%3A%22block_actions%22%2C%22team%22%3A%7B%22id%22%3A%22T0F%5Cud800%22%7D%7D", "\"payload\" holds text that is not valid Unicode")]
    public async Task Malformed_SignedButNotWhatSlackSends_Is400WithTheReason_AndNothingIsStored(string form, string reason)
    {
        using var response = await PostSignedAsync(form);

        Assert.Equal((HttpStatusCode.BadRequest, "bad-action", reason), await ProblemAsync(response));
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task NotAForm_Is415_TooLarge_Is413()
    {
        using var json = await PostSignedAsync("{}", "application/json");
        using var large = await PostSignedAsync("payload=" + new string('x', 1024 * 1024));

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "unsupported-media-type"), await KindAsync(json));
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "body-too-large"), await KindAsync(large));
    }

    [Theory]
    [InlineData(4095, HttpStatusCode.BadRequest)]
    [InlineData(4096, HttpStatusCode.BadRequest)]
    [InlineData(4097, HttpStatusCode.RequestEntityTooLarge)]
    public async Task TheBodyLimit_AtItIsRead_OneByteOverIs413(int bytes, HttpStatusCode expected)
    {
        using var app = Start(new Dictionary<string, string?> { ["Slack:MaxInteractionBytes"] = "4096" });
        using var client = app.CreateClient();
        var body = Encoding.UTF8.GetBytes("payload=" + new string('x', bytes - "payload=".Length));
        var at = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(client.BaseAddress!, "/slack/interactivity")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", at);
        request.Headers.Add("X-Slack-Signature", FakeSlackInteractivity.Sign(Secret, at, body));

        using var response = await client.SendAsync(request);

        // Read and judged (not JSON: 400), or refused unread for its size.
        Assert.Equal(expected, response.StatusCode);
        Assert.Empty(await StoredAsync(app));
    }

    [Fact]
    public async Task AnotherWorkspacesShortcut_Is403_ATeamlessOne_Is200_NeitherIsStored()
    {
        // No click in it, but the team is still checked: another workspace's request is refused whatever it holds.
        using var other = await PostSignedAsync("payload=" + Uri.EscapeDataString("""{"type":"shortcut","team":{"id":"T0OTHERTEAM"},"callback_id":"x"}"""));
        // Without a team (Slack's enterprise-wide shortcuts) and without a click there is nothing to check or keep.
        using var teamless = await PostSignedAsync("payload=" + Uri.EscapeDataString("""{"type":"shortcut","callback_id":"x"}"""));

        Assert.Equal((HttpStatusCode.Forbidden, "other-workspace"), await KindAsync(other));
        Assert.Equal(HttpStatusCode.OK, teamless.StatusCode);
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task OtherInteractionsAndOtherAppsElements_AreAnswered200_AndIgnored()
    {
        var shortcut = Uri.EscapeDataString("""{"type":"shortcut","team":{"id":"T0FAKETEAM"},"callback_id":"x"}""");
        var foreign = Uri.EscapeDataString("""{"type":"block_actions","team":{"id":"T0FAKETEAM"},"user":{"id":"U1"},"actions":[{"action_id":"someone_elses","action_ts":"1.1","value":"<!channel>"}]}""");

        using var a = await PostSignedAsync("payload=" + shortcut);
        using var b = await PostSignedAsync("payload=" + foreign);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (a.StatusCode, b.StatusCode));
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task NoSigningSecret_RefusesEveryClick_401()
    {
        using var app = Start(new Dictionary<string, string?> { ["Slack:SigningSecret"] = null });
        using var client = app.CreateClient();

        using var response = await _slack.ClickAsync(client, new Uri(client.BaseAddress!, "/slack/interactivity"), Ack(), Secret);

        Assert.Equal((HttpStatusCode.Unauthorized, "interactivity-off"), await KindAsync(response));
        Assert.Empty(await StoredAsync(app));
    }

    [Fact]
    public async Task TheBotTokensWorkspace_IsLearnedAtStartUp_SoNoClickWaitsForAuthTest()
    {
        var before = _slack.RequestCount("auth.test");   // the start-up report's check
        for (var i = 0; i < 3; i++)
        {
            using var response = await ClickAsync(Ack($"01JESCALATION000000000000{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, before);
        Assert.Equal(0, _slack.RequestCount("auth.test") - before);
    }

    [Fact]
    public async Task ABotTokenSlackRefuses_LeavesTheWorkspaceUnknown_TheClickWaits503_SayingWhy()
    {
        using var app = Start(new Dictionary<string, string?> { ["Slack:BotToken"] = "xoxb-revoked" });
        using var client = app.CreateClient();

        using var response = await _slack.ClickAsync(client, new Uri(client.BaseAddress!, "/slack/interactivity"), Ack(), Secret);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "workspace-unknown", "auth.test failed (invalid_auth); the workspace is checked again on the next request"),
            await ProblemAsync(response));
        Assert.Equal("5", response.Headers.RetryAfter?.ToString());
        Assert.Empty(await StoredAsync(app));
    }

    [Fact]
    public async Task WithoutABotToken_TheWorkspaceIsSlackTeamId_OrTheClickWaits503()
    {
        using var unknown = Start(new Dictionary<string, string?> { ["Slack:BotToken"] = null });
        using var known = Start(new Dictionary<string, string?> { ["Slack:BotToken"] = null, ["Slack:TeamId"] = "T0FAKETEAM" });
        using var unknownClient = unknown.CreateClient();
        using var knownClient = known.CreateClient();

        using var waits = await _slack.ClickAsync(unknownClient, new Uri(unknownClient.BaseAddress!, "/slack/interactivity"), Ack(), Secret);
        using var taken = await _slack.ClickAsync(knownClient, new Uri(knownClient.BaseAddress!, "/slack/interactivity"), Ack(), Secret);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "workspace-unknown"), await KindAsync(waits));
        Assert.Contains("no Slack bot token is set", await waits.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("5", waits.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Single(await StoredAsync(known));
    }

    [Theory]
    [InlineData("https://hooks.slack.com/actions/T1/2/x", true)]
    [InlineData("http://hooks.slack.com/actions/T1/2/x", false)]
    [InlineData("https://hooks.slack.com.evil.example/actions", false)]
    [InlineData("https://evil.example/actions", false)]
    [InlineData("not a url", false)]
    [InlineData("http://127.0.0.1:5199/actions/T1/2/x", true)]   // the configured Slack API's host (a fake Slack)
    [InlineData("http://127.0.0.1:5198/actions/T1/2/x", false)]
    [InlineData("https://127.0.0.1:5199/actions/T1/2/x", false)]  // the API's host and port, another scheme
    [InlineData("http://localhost:5199/actions/T1/2/x", false)]   // the API's port and scheme, another host
    public void ResponseUrl_OnlySlacksHooks_OrTheConfiguredApisHost(string url, bool allowed)
    {
        Assert.Equal(allowed, InteractivityEndpoints.ResponseUrlAllowed(url, new Configuration.SlackOptions { ApiBaseUrl = "http://127.0.0.1:5199/api/" }));
    }
}
