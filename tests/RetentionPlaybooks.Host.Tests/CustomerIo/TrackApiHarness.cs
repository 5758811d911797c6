using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeCustomerIo;
using RetentionPlaybooks.Host.CustomerIo;

namespace RetentionPlaybooks.Host.Tests.CustomerIo;

/// <summary>A fake Track API on loopback plus a real client pointed at it. Each test gets its own.</summary>
internal sealed class TrackApiHarness : IAsyncDisposable
{
    public const string SiteId = "site-7f3a";
    public const string ApiKey = "trk-4c1d9e0b7a55f2e8";

    /// <summary>A valid ULID, fixed so failures read the same every run.</summary>
    public const string EventId = "01KB6MGR80AAAAAAAAAAAAAAAA";

    public static readonly DateTimeOffset Now = new(2026, 11, 28, 13, 42, 0, TimeSpan.Zero);

    private TrackApiHarness(FakeTrackApi api, HttpClient http, TrackApiOptions options, FakeTimeProvider time, TimeProvider clientTime)
    {
        Api = api;
        Http = http;
        Options = options;
        Time = time;
        Client = new TrackApiClient(http, options, clientTime);
    }

    public FakeTrackApi Api { get; }

    public HttpClient Http { get; }

    public TrackApiOptions Options { get; }

    /// <summary>The fake's clock, and the client's when a test asks for it (HTTP-date Retry-After).</summary>
    public FakeTimeProvider Time { get; }

    public TrackApiClient Client { get; }

    /// <param name="clientKey">The key the client sends; the fake accepts only <see cref="ApiKey"/>.</param>
    /// <param name="fakeClockForClient">Give the client the fake clock (its timeouts then never fire on their own).</param>
    public static async Task<TrackApiHarness> StartAsync(
        TimeSpan? timeout = null, string clientKey = ApiKey, bool fakeClockForClient = false, string region = "us", Uri? baseUrl = null)
    {
        var time = new FakeTimeProvider(Now);
        var api = await FakeTrackApi.StartAsync(SiteId, ApiKey, new FakeTrackApiOptions { TimeProvider = time, Region = region });
        var options = new TrackApiOptions
        {
            SiteId = SiteId,
            TrackApiKey = clientKey,
            BaseUrl = baseUrl ?? api.BaseUrl,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        };
        return new TrackApiHarness(api, new HttpClient(), options, time, fakeClockForClient ? time : TimeProvider.System);
    }

    public Task<TrackCall> SendAsync(TrackRequest request) => Client.SendAsync(request, CancellationToken.None);

    public static TrackRequest Hold(string customerId = "cust-1") =>
        TrackRequest.Attributes(customerId, new JsonObject { ["retention_hold_until"] = 1_796_478_120, ["retention_hold_playbook"] = "vip-cart-abandonment" });

    public static TrackRequest Escalated(string customerId = "cust-1", string id = EventId) =>
        TrackRequest.Event(customerId, "retention_escalated", id, Now, new JsonObject { ["playbook"] = "vip-cart-abandonment" });

    /// <summary>
    /// A loopback socket bound for the life of the test process and never listening: a connection to its port is refused, and
    /// no listener elsewhere in the run can be handed that port meanwhile (a port handed out and taken back could be).
    /// </summary>
    private static readonly Socket Unused = BindUnused();

    private static Socket BindUnused()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>An http URL on 127.0.0.1 where nothing listens: a port held bound, not listening, for the whole run.</summary>
    public static Uri UnusedBaseUrl() => new($"http://127.0.0.1:{((IPEndPoint)Unused.LocalEndPoint!).Port}/api/v1/");

    /// <summary>A guard against a hang, not a timed assertion.</summary>
    public static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
    }
}
