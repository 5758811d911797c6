using RetentionPlaybooks.Workspace;
using Xunit;

namespace RetentionPlaybooks.Tests.Workspace;

/// <summary>
/// The link allow-list: a payload must not be able to turn a look-alike refund page into a button. Only http(s), and
/// only Customer.io (the region's host, the profile pattern's host), the shop admin and the declared domains, with
/// their subdomains.
/// </summary>
public sealed class LinkSettingsTests
{
    private static LinkSettings Links(string region = "us", string? shop = "acme.myshopify.com", string profile = LinkSettings.DefaultProfileUrl, params string[] domains) =>
        new("ws1", region, profile, shop, LinkSettings.DefaultShopCustomerUrl, LinkSettings.DefaultShopOrderUrl, domains);

    [Theory]
    [InlineData("https://fly.customer.io/workspaces/1/journeys/people/abc/activity", true)]
    [InlineData("http://fly.customer.io/x", true)]                         // http is allowed as well as https
    [InlineData("https://FLY.Customer.IO/x", true)]                        // hosts compare without case
    [InlineData("https://eu.fly.customer.io/x", true)]                     // a subdomain of an allowed host
    [InlineData("https://acme.myshopify.com/admin/orders/1", true)]
    [InlineData("https://help.acme.example/refunds", true)]                // a declared domain's subdomain
    [InlineData("https://acme.example/refunds", true)]                     // the declared domain itself
    [InlineData("https://evilfly.customer.io/x", false)]                   // ends with the host, but not after a dot
    [InlineData("https://fly.customer.io.evil.example/x", false)]          // starts with it
    [InlineData("https://evil.example/?u=https://fly.customer.io", false)] // mentions it
    [InlineData("https://fly-eu.customer.io/x", false)]                    // the other region's host
    [InlineData("https://xacme.example/", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("ftp://fly.customer.io/x", false)]
    [InlineData("mailto:ops@acme.example", false)]
    [InlineData("/admin/orders/1", false)]                                 // relative
    [InlineData("fly.customer.io/x", false)]                               // no scheme
    [InlineData("", false)]
    [InlineData("https://", false)]
    public void IsAllowedUrl_OnlyHttpToTheAllowedHostsAndTheirSubdomains(string url, bool allowed)
    {
        Assert.Equal(allowed, Links(domains: "acme.example").IsAllowedUrl(url));
    }

    [Fact]
    public void IsAllowedUrl_EuRegion_AllowsTheEuHostOnly()
    {
        var links = Links(region: "eu");

        Assert.True(links.IsAllowedUrl("https://fly-eu.customer.io/x"));
        Assert.False(links.IsAllowedUrl("https://fly.customer.io/x"));
    }

    [Fact]
    public void IsAllowedUrl_NoShop_NoShopLinks_ButCustomerIoStays()
    {
        var links = Links(shop: null);

        Assert.False(links.IsAllowedUrl("https://acme.myshopify.com/admin/orders/1"));
        Assert.True(links.IsAllowedUrl("https://fly.customer.io/x"));
    }

    [Fact]
    public void IsAllowedUrl_TheProfilePatternsOwnHost_IsAllowed()
    {
        var links = Links(profile: "https://cio.acme.example/people/{cio_id}");

        Assert.True(links.IsAllowedUrl("https://cio.acme.example/people/1"));
        Assert.True(links.IsAllowedUrl("https://fly.customer.io/x"));   // the region's host stays allowed
        Assert.False(links.IsAllowedUrl("https://acme.example/"));
    }

    [Fact]
    public void IsAllowedUrl_InternationalisedHost_ComparedInItsAsciiForm()
    {
        var links = Links(domains: "xn--bcher-kva.example");

        Assert.True(links.IsAllowedUrl("https://bücher.example/x"));
        Assert.True(links.IsAllowedUrl("https://xn--bcher-kva.example/x"));
        Assert.False(links.IsAllowedUrl("https://bucher.example/x"));
    }

    [Theory]
    [InlineData(null, "c1", null)]
    [InlineData("ws1", null, null)]
    [InlineData("ws1", "", null)]
    [InlineData("ws1", "a/b c", "https://fly.customer.io/workspaces/ws1/journeys/people/a%2Fb%20c/activity")]
    public void CustomerIoProfile_NeedsTheWorkspaceAndTheId_AndEscapesTheId(string? workspace, string? cioId, string? expected)
    {
        var links = new LinkSettings(workspace, "us", LinkSettings.DefaultProfileUrl, null, LinkSettings.DefaultShopCustomerUrl, LinkSettings.DefaultShopOrderUrl, []);

        Assert.Equal(expected, links.CustomerIoProfile(cioId));
    }

    [Fact]
    public void ShopLinks_EscapeTheId_AndNeedTheShop()
    {
        Assert.Equal("https://acme.myshopify.com/admin/orders/1%2F2", Links().ShopOrder("1/2"));
        Assert.Equal("https://acme.myshopify.com/admin/customers/7", Links().ShopCustomer("7"));
        Assert.Null(Links(shop: null).ShopOrder("1"));
        Assert.Null(Links().ShopCustomer(""));
    }
}
