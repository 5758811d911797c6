using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>
/// A fake Customer.io Track API v1 on a real Kestrel server. In tests: <c>await using var cio = await FakeTrackApi.StartAsync(site, key)</c>
/// binds 127.0.0.1 on a free port; point the client at <see cref="BaseUrl"/>, inject failures, then assert on
/// <see cref="Calls"/>, <see cref="Person"/> and <see cref="Violations"/>.
/// </summary>
internal sealed class FakeTrackApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;

    private FakeTrackApi(WebApplication app, CancellationTokenSource stopping, FakeTrackWorkspace workspace, Uri root)
    {
        _app = app;
        _stopping = stopping;
        Workspace = workspace;
        Root = root;
        BaseUrl = new Uri(root, FakeTrackHttp.ApiPrefix.TrimStart('/'));
    }

    public FakeTrackWorkspace Workspace { get; }

    /// <summary>The server root, e.g. http://127.0.0.1:54321/.</summary>
    public Uri Root { get; }

    /// <summary>The Track API base to configure the client with, e.g. http://127.0.0.1:54321/api/v1/.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts a quiet server on 127.0.0.1 and a free port that accepts exactly these credentials.</summary>
    public static Task<FakeTrackApi> StartAsync(string siteId, string apiKey, FakeTrackApiOptions? options = null, CancellationToken ct = default) =>
        StartAsync(siteId, apiKey, options ?? new FakeTrackApiOptions(), port: 0, ct);

    /// <summary>Starts a server on <paramref name="port"/> (0 for a free one); without credentials, with
    /// <see cref="FakeTrackApiOptions.AcceptAnyCredentials"/> set, any pair is accepted.</summary>
    internal static async Task<FakeTrackApi> StartAsync(string? siteId, string? apiKey, FakeTrackApiOptions options, int port, CancellationToken ct)
    {
        var workspace = new FakeTrackWorkspace(siteId, apiKey, options);
        var stopping = new CancellationTokenSource();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        if (options.Echo is not null) builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);

        var app = builder.Build();
        app.Run(context => FakeTrackHttp.HandleAsync(context, workspace, stopping.Token));
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeTrackApi(app, stopping, workspace, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        // Held-back answers end first (with a 503), or shutdown would wait out every injected delay.
        await _stopping.CancelAsync();
        await _app.StopAsync(TimeSpan.FromSeconds(5));
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    // Shortcuts to the workspace, so tests read as cio.FailNext(...), cio.Person("jane").

    public IReadOnlyList<FakeTrackCall> Calls => Workspace.Calls;

    public IReadOnlyList<FakeTrackCall> Violations => Workspace.Violations;

    public FakeTrackPerson? Person(string id) => Workspace.Person(id);

    public Task WaitForCallsAsync(int count, CancellationToken ct = default) => Workspace.WaitForCallsAsync(count, ct);

    public void FailNext(int count, int status) => Workspace.FailNext(count, status);

    public void RateLimitNext(int count, TimeSpan? retryAfter) => Workspace.RateLimitNext(count, retryAfter);

    public void RateLimitNext(int count, DateTimeOffset retryAt) => Workspace.RateLimitNext(count, retryAt);

    public void DelayNext(int count, TimeSpan delay) => Workspace.DelayNext(count, delay);

    public void ClearFaults() => Workspace.ClearFaults();

    /// <summary>The last body sent for <paramref name="customerId"/>'s attributes, or null.</summary>
    public JsonObject? LastAttributesBody(string customerId) =>
        Calls.LastOrDefault(c => c.Method == "PUT" && c.CustomerId == customerId)?.Body as JsonObject;
}
