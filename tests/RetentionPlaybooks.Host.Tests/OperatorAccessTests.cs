using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using RetentionPlaybooks.Host.Health;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The operator's pages: with Operator:Token only a bearer of it reads them (401 otherwise); without it only this
/// machine does (403 from elsewhere, and from a proxy forwarding someone else). Webhooks, Slack and /health keep their
/// own rules.
/// </summary>
public sealed class OperatorAccessTests
{
    private const string Token = "operator-token-0123456789abcdef";

    private static readonly string[] Pages = ["/decisions?delivery_id=x", "/dead-letters", "/quarantine", "/preview", "/report", "/report?format=csv", "/dashboard", "/metrics"];

    private static async Task<HttpStatusCode> GetAsync(HostApp app, string path, string? authorization = null, (string, string)? header = null)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (header is { } h) request.Headers.TryAddWithoutValidation(h.Item1, h.Item2);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static HttpStatusCode Served(string page) => page.StartsWith("/decisions", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.OK;

    [Fact]
    public async Task WithAToken_OnlyItsBearerReadsThePages()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["Operator:Token"] = Token }) { RemoteAddress = IPAddress.Loopback };

        foreach (var page in Pages)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(app, page));
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(app, page, "Bearer " + Token[..^1]));
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(app, page, "Bearer " + Token + "0"));
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(app, page, "Basic " + Token));
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(app, page, Token));
            Assert.Equal(Served(page), await GetAsync(app, page, "Bearer " + Token));
            Assert.Equal(Served(page), await GetAsync(app, page, "bearer " + Token));
        }
    }

    [Fact]
    public async Task WithAToken_ARemoteBearerReadsThem_AndA401SaysHow()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["Operator:Token"] = Token }) { RemoteAddress = IPAddress.Parse("203.0.113.9") };
        using var client = app.CreateClient();

        using var refused = await client.GetAsync("/dead-letters");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dead-letters");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var allowed = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Operator__Token", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("203.0.113.9", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("::ffff:10.0.0.5", false)]
    public async Task WithoutAToken_OnlyThisMachineReadsThem(string address, bool allowed)
    {
        using var app = new HostApp { RemoteAddress = IPAddress.Parse(address) };

        foreach (var page in Pages)
        {
            Assert.Equal(allowed ? Served(page) : HttpStatusCode.Forbidden, await GetAsync(app, page));
        }
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.9")]
    [InlineData("Forwarded", "for=203.0.113.9")]
    [InlineData("X-Real-IP", "203.0.113.9")]
    public async Task WithoutAToken_ALocalProxyForwardingSomeoneElse_IsRefused(string header, string value)
    {
        using var app = new HostApp { RemoteAddress = IPAddress.Loopback };

        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(app, "/dead-letters", header: (header, value)));
    }

    [Fact]
    public async Task TheHealthAndTheDoors_KeepTheirOwnRules()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["Operator:Token"] = Token }) { RemoteAddress = IPAddress.Parse("203.0.113.9") };
        using var client = app.CreateClient();

        using var health = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");
        using var webhook = await client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));
        using var click = await client.PostAsync("/slack/interactivity", new StringContent("payload=%7B%7D", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, webhook.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, click.StatusCode);   // unsigned: Slack's own rule, not the operator's
    }

    [Theory]
    [InlineData("Bearer abc", "abc", true)]
    [InlineData("BEARER abc", "abc", true)]
    [InlineData("Bearer abc ", "abc", false)]
    [InlineData("Bearer  abc", "abc", false)]
    [InlineData("Bearer ab", "abc", false)]
    [InlineData("Bearer abcd", "abc", false)]
    [InlineData("Bearerabc", "abc", false)]
    [InlineData("", "abc", false)]
    public void TokenMatches_OnlyTheWholeToken(string header, string token, bool matches) => Assert.Equal(matches, OperatorAccess.TokenMatches(header, token));

    [Fact]
    public void AShortToken_StopsTheHostAtStartUp()
    {
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Playbooks:Directory"] = RepoPaths.Playbooks,
            ["Store:Sqlite"] = Path.Combine(Path.GetTempPath(), "unused.db"),
            ["CustomerIo:JourneySecret"] = HostApp.JourneySecret,
            ["Operator:Token"] = "short",
        }).Build();

        var ex = Assert.Throws<HostConfigurationException>(() => { HostComposition.LoadSettings(config); });
        Assert.Contains(ex.Problems, p => p.StartsWith("Operator:Token is too short", StringComparison.Ordinal));
    }
}
