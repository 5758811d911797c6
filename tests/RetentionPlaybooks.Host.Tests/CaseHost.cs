using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// A host with the fake Slack on one fake clock, for the tests of cases (clicks, SLA clocks, write-back, the report): the
/// shipped playbooks or a copy, the bot token and signing secret set, and the steps those tests share — send a webhook,
/// click as Slack does, let the clock step while a channel's pacing holds something back.
/// </summary>
internal sealed class CaseHost : IAsyncDisposable
{
    public const string Secret = "test-slack-signing-secret-0123456789";

    /// <summary>How far the clock steps while a delivery waits for its channel (one message per second).</summary>
    public static readonly TimeSpan Pacing = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<string, string?> _settings;
    private readonly string? _playbooks;
    private readonly string? _dataDirectory;

    private CaseHost(FakeTimeProvider time, FakeSlackServer slack, string? playbooks, IDictionary<string, string?>? settings, string? dataDirectory)
    {
        Time = time;
        Slack = slack;
        _playbooks = playbooks;
        _dataDirectory = dataDirectory;
        _settings = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Slack:SigningSecret"] = Secret,
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) _settings[k] = v;
        Start();
    }

    public FakeTimeProvider Time { get; }

    public FakeSlackServer Slack { get; }

    public HostApp App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IStore Store => App.Services.GetRequiredService<IStore>();

    public static async Task<CaseHost> StartAsync(string? playbooks = null, IDictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        var time = new FakeTimeProvider(HostApp.Start);
        var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = time, Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = null });
        return new CaseHost(time, slack, playbooks, settings, dataDirectory);
    }

    /// <summary>Starts the host (again, after <see cref="Stop"/>: on the same database when a data directory was given).</summary>
    public void Start()
    {
        App = new HostApp(_playbooks, _settings, Time, _dataDirectory);
        Client = App.CreateClient();
    }

    /// <summary>Stops the host and starts another on the same database (needs a data directory).</summary>
    public void Restart()
    {
        Stop();
        Start();
    }

    public void Stop()
    {
        Client.Dispose();
        App.Dispose();
    }

    /// <summary>Sends a Journey webhook; 202 expected.</summary>
    public async Task SendAsync(string body)
    {
        using var response = await Client.SendAsync(Webhooks.Journey(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Until the inbox and every due delivery are done, the clock stepping only while pacing holds one back.</summary>
    public Task DrainAsync() => App.DrainAsync(Pacing);

    /// <summary>A click as Slack sends it (signed), answered 200, then applied and its deliveries sent.</summary>
    public async Task ClickAsync(string channel, string ts, string actionId, string value, string user, string? actionTs = null)
    {
        var click = new FakeSlackClick(channel, ts, actionId, value, user, IsSelect: actionId is BlockActionReader.LostId or BlockActionReader.CaseMenuId) { ActionTs = actionTs };
        using var response = await Slack.ClickAsync(Client, new Uri(Client.BaseAddress!, "/slack/interactivity"), click, Secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        for (var i = 0; i < 2000 && (await Store.Actions.PendingAsync(1, CancellationToken.None)).Count > 0; i++) await Task.Delay(5);
        await DrainAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        await Slack.DisposeAsync();
    }
}
