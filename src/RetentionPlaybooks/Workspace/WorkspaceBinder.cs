using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
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
            channels[key.Value!] = new ChannelSymbol(key.Value!, slack, dm, file.Scalar(map, "purpose")?.Value ?? "", budget, pii, file.Location(key),
                BindDigest(file, file.Mapping(map, "digest"), key.Value!, budget, diagnostics));
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
        var promotions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, kind) in new[] { ("campaigns", "campaign"), ("broadcasts", "broadcast"), ("journeys", "journey") })
        {
            foreach (var item in file.Sequence(file.Mapping(root, "promotions"), key)?.Children ?? [])
            {
                if (item is YamlScalarNode { Value: { Length: > 0 } id }) promotions.Add($"{kind}:{id}");
            }
        }
        return new WorkspaceSymbols { Channels = channels, Owners = owners, Links = links, BusinessHours = BindBusinessHours(file, root, diagnostics), Promotions = promotions };
    }

    /// <summary>
    /// A channel's digest: <c>every</c> between a minute and a day; <c>after</c> a count of at least one within a window of
    /// at most a day (the schema checked the shapes). A burst count at or over the daily budget is a warning: the budget
    /// always rolls escalations in first, so the burst rule would never apply.
    /// </summary>
    private static DigestPolicy? BindDigest(YamlFile file, YamlMappingNode? map, string channel, int budget, DiagnosticBag diagnostics)
    {
        if (map is null || file.IsInvalid(map) || file.Scalar(map, "every") is not { Value: { } everyText } everyNode) return null;
        if (!DurationSyntax.TryParse(everyText, out var every) || every < DigestPolicy.MinEvery || every > DigestPolicy.MaxEvery)
        {
            diagnostics.ReportDigestEvery(file.Location(everyNode), channel, everyText);
            return null;
        }
        if (file.Scalar(map, "after") is not { Value: { } afterText } afterNode || file.IsInvalid(afterNode)) return new DigestPolicy(every);
        var parts = afterText.Split(" in ", 2, StringSplitOptions.None);
        var countOk = int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count >= 1;
        var windowOk = parts.Length == 2 && DurationSyntax.TryParse(parts[1], out var window) && window > TimeSpan.Zero && window <= DigestPolicy.MaxEvery;
        if (!countOk || !windowOk || parts.Length != 2)
        {
            diagnostics.ReportDigestAfter(file.Location(afterNode), channel, afterText);
            return new DigestPolicy(every);
        }
        DurationSyntax.TryParse(parts[1], out window);
        if (count >= budget) diagnostics.ReportDigestAfterOverBudget(file.Location(afterNode), channel, count, budget);
        return new DigestPolicy(every, count, window);
    }

    private static readonly string[] DayKeys = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    /// <summary>business_hours: a known IANA zone, the days, and a window that closes after it opens (the schema checked the shapes).</summary>
    private static BusinessHours? BindBusinessHours(YamlFile file, YamlMappingNode root, DiagnosticBag diagnostics)
    {
        if (file.Mapping(root, "business_hours") is not { } map || file.IsInvalid(map)) return null;
        var zoneNode = file.Scalar(map, "time_zone");
        var openNode = file.Scalar(map, "open");
        var closeNode = file.Scalar(map, "close");
        if (zoneNode?.Value is not { } zoneName || openNode?.Value is not { } openText || closeNode?.Value is not { } closeText) return null;
        TimeZoneInfo? zone = null;
        // Windows ids ("Eastern Standard Time") resolve too on some systems: only IANA names are accepted, so a workspace
        // means the same everywhere.
        if (zoneName.Contains('/', StringComparison.Ordinal) || zoneName == "UTC")
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(zoneName);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                zone = null;
            }
        }
        if (zone is null)
        {
            diagnostics.ReportUnknownTimeZone(file.Location(zoneNode), zoneName, Suggestions.Closest(zoneName, TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id)));
        }
        if (!TryTime(openText, out var open) || !TryTime(closeText, out var close)) return null;
        if (close <= open)
        {
            diagnostics.ReportBusinessHoursEmpty(file.Location(closeNode), openText, closeText);
            return null;
        }
        var days = new HashSet<DayOfWeek>();
        foreach (var item in file.Sequence(map, "days")?.Children ?? [])
        {
            if (item is YamlScalarNode { Value: { } d } && Array.IndexOf(DayKeys, d) is var i and >= 0) days.Add((DayOfWeek)i);
        }
        return zone is null || days.Count == 0 ? null : new BusinessHours(zone, days, open, close);
    }

    /// <summary>"HH:MM" (24:00 is the end of the day).</summary>
    internal static bool TryTime(string text, out TimeSpan time)
    {
        time = default;
        if (text.Length != 5 || text[2] != ':' || !int.TryParse(text.AsSpan(0, 2), out var h) || !int.TryParse(text.AsSpan(3, 2), out var m)) return false;
        if (h > 24 || m > 59 || (h == 24 && m != 0)) return false;
        time = new TimeSpan(h, m, 0);
        return true;
    }
}
