using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Loading;
using YamlDotNet.RepresentationModel;

namespace RetentionPlaybooks.Workspace;

/// <summary>Builds <see cref="WorkspaceSymbols"/> from a schema-checked workspace.yaml.</summary>
internal static class WorkspaceBinder
{
    public static WorkspaceSymbols Bind(YamlFile file, DiagnosticBag diagnostics)
    {
        var root = (YamlMappingNode)file.Root;
        var channels = new Dictionary<string, ChannelSymbol>(StringComparer.Ordinal);
        foreach (var (key, value) in file.Entries(file.Mapping(root, "channels")))
        {
            if (value is not YamlMappingNode map) continue;
            var slack = file.Scalar(map, "slack")?.Value;
            var dm = file.Scalar(map, "dm")?.Value;
            if ((slack is null) == (dm is null))
            {
                diagnostics.ReportChannelTarget(file.Location(key), key.Value!);
            }
            var budget = int.TryParse(file.Scalar(map, "daily_budget")?.Value, out var b) ? b : int.MaxValue;
            var pii = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in file.Sequence(map, "pii")?.Children ?? [])
            {
                if (item is YamlScalarNode s && s.Value is { } v) pii.Add(v);
            }
            channels[key.Value!] = new ChannelSymbol(key.Value!, slack, dm, file.Scalar(map, "purpose")?.Value ?? "", budget, pii, file.Location(key));
        }
        var owners = new Dictionary<string, OwnerSymbol>(StringComparer.Ordinal);
        foreach (var (key, value) in file.Entries(file.Mapping(root, "owners")))
        {
            if (value is not YamlMappingNode map) continue;
            owners[key.Value!] = new OwnerSymbol(key.Value!, file.Scalar(map, "slack_user")?.Value ?? "", file.Scalar(map, "name")?.Value, file.Location(key));
        }
        var cio = file.Mapping(root, "customerio");
        var shop = file.Mapping(root, "shop");
        var links = new LinkSettings(
            file.Scalar(cio, "workspace_id")?.Value,
            file.Scalar(cio, "region")?.Value ?? "us",
            file.Scalar(cio, "profile_url")?.Value ?? LinkSettings.DefaultProfileUrl,
            file.Scalar(shop, "admin_domain")?.Value,
            file.Scalar(shop, "customer_url")?.Value ?? LinkSettings.DefaultShopCustomerUrl,
            file.Scalar(shop, "order_url")?.Value ?? LinkSettings.DefaultShopOrderUrl,
            (file.Sequence(root, "link_domains")?.Children ?? []).OfType<YamlScalarNode>().Select(s => s.Value ?? "").Where(s => s.Length > 0).ToList());
        return new WorkspaceSymbols { Channels = channels, Owners = owners, Links = links };
    }
}
