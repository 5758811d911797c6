using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using RetentionPlaybooks.Cli.Commands;
using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

public sealed class DemoCommandTests
{
    private static readonly string Samples = Path.Combine(RepoPaths.Playbooks, "samples");

    [Fact]
    public async Task Demo_HostAccepts_PostsEverySampleWithTheSecretAndAFreshDeliveryId()
    {
        using var host = new StubHost(202);

        var (exit, output, _) = await RunAsync("--url", host.Url, "--samples", Samples, "--secret", "s3cret");

        Assert.Equal(0, exit);
        var posts = host.Requests.Where(r => r.Path == "/webhooks/customerio/journey").ToList();
        Assert.Equal(Directory.GetFiles(Samples, "*.json").Length, posts.Count);
        Assert.All(posts, p =>
        {
            Assert.Equal("POST", p.Method);
            Assert.Equal("s3cret", p.Secret);
            Assert.StartsWith("application/json", p.ContentType, StringComparison.Ordinal);
            Assert.StartsWith("demo-", DeliveryId(p.Body), StringComparison.Ordinal);
        });
        Assert.Equal(posts.Count, posts.Select(p => DeliveryId(p.Body)).Distinct().Count());
        Assert.DoesNotContain(posts, p => DeliveryId(p.Body).StartsWith("RPDEMO-", StringComparison.Ordinal));
        Assert.Contains(host.Requests, r => r.Path == "/health");
        Assert.Contains("-> 202", output, StringComparison.Ordinal);
        Assert.Contains($"{host.Url}/preview", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_GuardrailHoldsASample_NamesTheGuardrailAndLinksTheDecisions()
    {
        using var host = new StubHost(202);

        var (exit, output, _) = await RunAsync("--url", host.Url, "--samples", Samples);

        Assert.Equal(0, exit);
        var id = host.Requests.Select(r => r.Body).Where(b => b.Length > 0).Select(DeliveryId).Single(d => d.EndsWith("-vip-cart-abandoned", StringComparison.Ordinal));
        Assert.Contains($"  vip-cart-abandoned: {host.Url}/decisions?delivery_id={id}\n", output, StringComparison.Ordinal);
        Assert.Contains("    vip-cart-abandonment: held by guardrail \"cooldown\" (this customer was escalated 5m ago (cooldown 7d)); nothing was sent to vip-saves", output, StringComparison.Ordinal);
        Assert.Contains("    post-purchase-risk: escalated to cx-escalations", output, StringComparison.Ordinal);
        Assert.Equal(Directory.GetFiles(Samples, "*.json").Length, host.Requests.Count(r => r.Path == "/decisions"));
    }

    [Fact]
    public async Task Demo_RunTwice_SendsDifferentDeliveryIds()
    {
        using var host = new StubHost(202);

        await RunAsync("--url", host.Url, "--samples", Samples);
        await RunAsync("--url", host.Url, "--samples", Samples);

        var ids = host.Requests.Where(r => r.Method == "POST").Select(r => DeliveryId(r.Body)).ToList();
        Assert.Equal(2 * Directory.GetFiles(Samples, "*.json").Length, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Demo_NoSecretOption_SendsTheDevelopmentSecret()
    {
        using var host = new StubHost(202);

        await RunAsync("--url", host.Url, "--samples", Samples);

        Assert.All(host.Requests.Where(r => r.Method == "POST"), r => Assert.Equal(DemoCommand.DevelopmentSecret, r.Secret));
    }

    [Fact]
    public async Task Demo_HostAnswers401_ExitsOneAndNamesTheSecret()
    {
        using var host = new StubHost(401);

        var (exit, _, error) = await RunAsync("--url", host.Url, "--samples", Samples, "--secret", "wrong");

        Assert.Equal(1, exit);
        Assert.Contains("answered 401", error, StringComparison.Ordinal);
        Assert.Contains("--secret", error, StringComparison.Ordinal);
        Assert.Single(host.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Demo_NothingListening_ExitsOneWithCannotReach()
    {
        // A port held bound (not listening) for the whole test, so no other test's listener can take it meanwhile.
        using var reserved = ReservePort();
        var url = $"http://127.0.0.1:{((IPEndPoint)reserved.LocalEndPoint!).Port}";

        var (exit, _, error) = await RunAsync("--url", url, "--samples", Samples);

        Assert.Equal(1, exit);
        Assert.Contains("cannot reach the host", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_OutboxNeverDrains_StopsWaitingAtTheTimeoutAndStillSucceeds()
    {
        using var host = new StubHost(202, drained: false);

        var (exit, output, _) = await RunAsync("--url", host.Url, "--samples", Samples);

        Assert.Equal(0, exit);
        Assert.Contains("still 3 to process and 1 to deliver", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--url")]
    [InlineData("--url", "not a url")]
    [InlineData("--samples", "/no/such/dir")]
    [InlineData("extra")]
    public void Demo_UsageErrors_ExitTwo(params string[] args)
    {
        var (exit, _, error) = CliRunner.Run(["demo", .. args]);

        Assert.Equal(2, exit);
        Assert.Contains("playbooks demo:", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await DemoCommand.RunAsync(args, stdout, stderr, TimeProvider.System, TimeSpan.FromMilliseconds(600));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string DeliveryId(string body)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("delivery_id").GetString()!;
    }

    /// <summary>A loopback port bound but never listening: a connection to it is refused, and no one else can bind it while held.</summary>
    private static Socket ReservePort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>A port the system handed out and took back: free now, but another process may take it before we bind it.</summary>
    private static int ReleasedPort()
    {
        using var socket = ReservePort();
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private sealed record Recorded(string Method, string Path, string? Secret, string? ContentType, string Body);

    /// <summary>A stand-in for the host on a free loopback port: records every request, answers the journey endpoint with a fixed status.</summary>
    private sealed class StubHost : IDisposable
    {
        /// <summary>HttpListener cannot bind port 0, so a released port is tried, and another on a bind failure (someone took it between).</summary>
        private const int BindAttempts = 10;

        private readonly HttpListener _listener;
        private readonly int _status;
        private readonly bool _drained;
        private readonly Task _loop;

        public StubHost(int status, bool drained = true)
        {
            _status = status;
            _drained = drained;
            (_listener, Url) = Bind();
            _loop = Task.Run(LoopAsync);
        }

        public string Url { get; }

        private static (HttpListener Listener, string Url) Bind()
        {
            for (var attempt = 1; ; attempt++)
            {
                var url = $"http://127.0.0.1:{ReleasedPort()}";
                var listener = new HttpListener();
                listener.Prefixes.Add(url + "/");
                try
                {
                    listener.Start();
                    return (listener, url);
                }
                catch (HttpListenerException) when (attempt < BindAttempts)
                {
                    listener.Close();
                }
            }
        }

        public ConcurrentQueue<Recorded> Requests { get; } = new();

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                var request = context.Request;
                using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var path = request.Url!.AbsolutePath;
                Requests.Enqueue(new Recorded(request.HttpMethod, path, request.Headers["X-Webhook-Secret"], request.ContentType, body));
                var (status, json) = path switch
                {
                    "/health" when _drained => (200, """{"inbox_pending":0,"outbox_pending":0,"sent":4}"""),
                    "/health" => (200, """{"inbox_pending":3,"outbox_pending":1,"sent":0}"""),
                    "/decisions" when request.QueryString["delivery_id"]?.EndsWith("-vip-cart-abandoned", StringComparison.Ordinal) == true => (200, """
                        {"delivery_id":"x","source":"journey","processed":true,"decisions":[
                          {"playbook":"vip-cart-abandonment","outcome":"suppressed","reason":"cooldown: this customer was escalated 5m ago (cooldown 7d)","channel":"vip-saves","escalation_id":null}]}
                        """),
                    "/decisions" => (200, """
                        {"delivery_id":"x","source":"journey","processed":true,"decisions":[
                          {"playbook":"post-purchase-risk","outcome":"escalated","reason":"escalates to cx-escalations (default route)","channel":"cx-escalations","escalation_id":7}]}
                        """),
                    _ when _status == 202 => (202, """{"status":"accepted","accepted":1,"duplicates":0}"""),
                    _ => (_status, """{"title":"Bad credential"}"""),
                };
                var bytes = Encoding.UTF8.GetBytes(json);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }
    }
}
