namespace RetentionPlaybooks.Workspace;

/// <summary>Everything workspace.yaml declares: channels, owners and the bases for links.</summary>
internal sealed class WorkspaceSymbols
{
    public required IReadOnlyDictionary<string, ChannelSymbol> Channels { get; init; }

    public required IReadOnlyDictionary<string, OwnerSymbol> Owners { get; init; }

    public required LinkSettings Links { get; init; }

    /// <summary>Customer.io campaign, broadcast and journey ids that send promotions ("campaign:12", "broadcast:7",
    /// "journey:3"): their messages sent during a hold are hold violations.</summary>
    public IReadOnlySet<string> Promotions { get; init; } = new HashSet<string>();

    /// <summary>The open hours SLAs count in; null: every hour counts.</summary>
    public BusinessHours? BusinessHours { get; init; }
}

/// <summary>How to build links to the Customer.io profile and the shop admin.</summary>
internal sealed record LinkSettings(
    string? CustomerIoWorkspaceId,
    string Region,
    string ProfileUrlPattern,
    string? ShopDomain,
    string ShopCustomerUrlPattern,
    string ShopOrderUrlPattern,
    IReadOnlyList<string> LinkDomains)
{
    /// <summary>
    /// Whether a link may become a button: http(s) only, and only to Customer.io, the shop admin, or a domain the
    /// workspace lists — so a payload cannot slip a look-alike refund page into an escalation.
    /// </summary>
    public bool IsAllowedUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)) return false;
        var host = uri.IdnHost;
        foreach (var domain in AllowedDomains)
        {
            if (HostMatches(host, domain)) return true;
        }
        return false;
    }

    /// <summary>Customer.io (its region's host and the profile pattern's), the shop admin, and the declared link domains.</summary>
    private string[] AllowedDomains => _allowedDomains ??= ComputeAllowedDomains();

    private string[]? _allowedDomains;

    private string[] ComputeAllowedDomains()
    {
        var domains = new List<string> { CustomerIoHost };
        if (Uri.TryCreate(ProfileUrlPattern.Replace("{host}", CustomerIoHost, StringComparison.Ordinal), UriKind.Absolute, out var profile)) domains.Add(profile.IdnHost);
        if (ShopDomain is not null) domains.Add(ShopDomain);
        domains.AddRange(LinkDomains);
        return [.. domains.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The Customer.io app's host in the workspace's region (the other region's is not a link of this workspace).</summary>
    private string CustomerIoHost => Region == "eu" ? "fly-eu.customer.io" : "fly.customer.io";

    private static bool HostMatches(string host, string domain) =>
        host.Equals(domain, StringComparison.OrdinalIgnoreCase)
        || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);

    public const string DefaultProfileUrl = "https://{host}/workspaces/{workspace_id}/journeys/people/{cio_id}/activity";
    public const string DefaultShopCustomerUrl = "https://{domain}/admin/customers/{id}";
    public const string DefaultShopOrderUrl = "https://{domain}/admin/orders/{id}";

    /// <summary>The Customer.io profile page of a person, or null when the workspace or the person's cio_id is unknown.</summary>
    public string? CustomerIoProfile(string? cioId)
    {
        if (CustomerIoWorkspaceId is null || string.IsNullOrEmpty(cioId)) return null;
        return ProfileUrlPattern.Replace("{host}", CustomerIoHost, StringComparison.Ordinal)
            .Replace("{workspace_id}", Uri.EscapeDataString(CustomerIoWorkspaceId), StringComparison.Ordinal)
            .Replace("{cio_id}", Uri.EscapeDataString(cioId), StringComparison.Ordinal);
    }

    public string? ShopCustomer(string? id) => Shop(ShopCustomerUrlPattern, id);

    public string? ShopOrder(string? id) => Shop(ShopOrderUrlPattern, id);

    private string? Shop(string pattern, string? id) =>
        ShopDomain is null || string.IsNullOrEmpty(id)
            ? null
            : pattern.Replace("{domain}", ShopDomain, StringComparison.Ordinal)
                .Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal);
}
