using System.Net;

namespace RetentionPlaybooks.Host.Tests;

public sealed class NetworkAllowlistTests
{
    private static readonly Dictionary<string, string?> Allowlist = new() { ["CustomerIo:AllowedNetworks"] = "203.0.113.0/24, 2001:db8::/32" };

    [Theory]
    [InlineData("203.0.113.7", HttpStatusCode.Accepted)]
    [InlineData("::ffff:203.0.113.9", HttpStatusCode.Accepted)]
    [InlineData("2001:db8::1", HttpStatusCode.Accepted)]
    [InlineData("198.51.100.4", HttpStatusCode.Forbidden)]
    public async Task Webhook_FromAddress_OnlyAllowedNetworksGetIn(string address, HttpStatusCode expected)
    {
        using var app = new HostApp(settings: Allowlist) { RemoteAddress = IPAddress.Parse(address) };
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.Accepted ? 1 : 0, (await app.HealthAsync()).GetProperty("inbox_total").GetInt64());
    }

    [Fact]
    public void Settings_BadCidr_IsReportedAtStartUp()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["CustomerIo:AllowedNetworks"] = "203.0.113.0/24, not-a-network" });

        Assert.ThrowsAny<InvalidOperationException>(() => app.CreateClient());
    }
}
