using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>
/// A fake Slack Web API on a real Kestrel server. In tests: <c>await using var slack = await FakeSlackServer.StartAsync(options)</c>
/// binds 127.0.0.1 on a free port; point the client at <see cref="ApiBaseUrl"/>, inject failures, then assert on what was posted.
/// </summary>
internal sealed class FakeSlackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSlackServer(WebApplication app, FakeSlackWorkspace workspace, FakeSlackInteractivity interactivity, Uri baseUrl)
    {
        _app = app;
        Workspace = workspace;
        Interactivity = interactivity;
        BaseUrl = baseUrl;
        ApiBaseUrl = new Uri(baseUrl, "api/");
    }

    /// <summary>Signed clicks to an app, and the app's posts to response_url.</summary>
    public FakeSlackInteractivity Interactivity { get; }

    /// <summary>Clicks an element of a posted message: POSTs a signed block_actions payload to <paramref name="requestUrl"/>.</summary>
    public Task<HttpResponseMessage> ClickAsync(HttpClient http, Uri requestUrl, FakeSlackClick click, string signingSecret, CancellationToken ct = default) =>
        Interactivity.SendAsync(http, requestUrl, click, signingSecret, ct);

    public FakeSlackWorkspace Workspace { get; }

    /// <summary>The server root, e.g. http://127.0.0.1:54321/ (GET lists posted messages).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The Web API base to configure the client with, e.g. http://127.0.0.1:54321/api/.</summary>
    public Uri ApiBaseUrl { get; }

    /// <summary>Starts a quiet server on 127.0.0.1 and a free port.</summary>
    public static Task<FakeSlackServer> StartAsync(FakeSlackOptions? options = null, CancellationToken ct = default) =>
        StartAsync(options ?? new FakeSlackOptions(), args: null, ct);

    /// <summary>Starts a server; with <paramref name="args"/> (standalone) it honours --urls and logs warnings to the console.</summary>
    internal static async Task<FakeSlackServer> StartAsync(FakeSlackOptions options, string[]? args, CancellationToken ct)
    {
        var workspace = new FakeSlackWorkspace(options);
        Uri? root = null;
        var interactivity = new FakeSlackInteractivity(options, workspace, () => root!);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args ?? [] });
        builder.WebHost.UseKestrelCore();
        if (args is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.Configuration.AddCommandLine(args);
            builder.WebHost.UseUrls(builder.Configuration["urls"] is { Length: > 0 } urls ? urls : "http://127.0.0.1:5199");
            builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        }

        var app = builder.Build();
        app.Run(context => FakeSlackHttp.HandleAsync(context, workspace, interactivity));
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        root = baseUrl;
        return new FakeSlackServer(app, workspace, interactivity, baseUrl);
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(5));
        await _app.DisposeAsync();
    }

    // Shortcuts to the workspace, so tests read as slack.FailNext(...), slack.Messages.

    public IReadOnlyList<FakeSlackMessage> Messages => Workspace.Messages;

    public IReadOnlyList<FakeSlackUpdate> Updates => Workspace.Updates;

    public IReadOnlyDictionary<string, int> RequestsByMethod => Workspace.RequestsByMethod;

    public int RateLimitedCount => Workspace.RateLimitedCount;

    public int InjectedFailureCount => Workspace.InjectedFailureCount;

    public int RequestCount(string method) => Workspace.RequestCount(method);

    public IReadOnlyList<FakeSlackMessage> MessagesIn(string channel) => Workspace.MessagesIn(channel);

    public Task<IReadOnlyList<FakeSlackMessage>> WaitForMessagesAsync(int count, CancellationToken ct) => Workspace.WaitForMessagesAsync(count, ct);

    public Task WaitForRequestsAsync(string method, int count, CancellationToken ct) => Workspace.WaitForRequestsAsync(method, count, ct);

    public void FailNext(int count, int httpStatus, string? channel = null) => Workspace.FailNext(count, httpStatus, channel);

    public void RateLimitNext(int count, TimeSpan retryAfter, string? channel = null) => Workspace.RateLimitNext(count, retryAfter, channel);

    public void ErrorNext(int count, string slackError, string? channel = null) => Workspace.ErrorNext(count, slackError, channel);

    public void NotJsonNext(int count, string? channel = null) => Workspace.NotJsonNext(count, channel);

    public void DelayNext(int count, TimeSpan delay, string? channel = null) => Workspace.DelayNext(count, delay, channel);

    public void LoseResponseNext(int count, string? channel = null) => Workspace.LoseResponseNext(count, channel);

    public void SetPermanentError(string channel, string? error) => Workspace.SetPermanentError(channel, error);

    public void Outage(bool on) => Workspace.Outage(on);

    public void SetMethodError(string method, string? error) => Workspace.SetMethodError(method, error);

    public void RateLimitMethodNext(string method, int count, TimeSpan retryAfter) => Workspace.RateLimitMethodNext(method, count, retryAfter);

    public void PostByOthers(string channel, int count, string? threadTs = null) => Workspace.PostByOthers(channel, count, threadTs);

    public void ClearFailures() => Workspace.ClearFailures();

    /// <summary>The stored body of the message at <paramref name="channel"/>/<paramref name="ts"/>, or null.</summary>
    public JsonObject? Body(string channel, string ts) => Workspace.MessagesIn(channel).FirstOrDefault(m => m.Ts == ts)?.Body;
}
