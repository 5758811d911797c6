using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Slack.Api;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// <c>playbooks doctor [DIR] [--format text|json|github]</c>: the implementation checklist, run against the live setup with the
/// host's own configuration keys (environment variables <c>Slack__BotToken</c>, <c>Slack__SigningSecret</c>,
/// <c>CustomerIo__JourneySecret</c>, ...): the Slack app authorized with the manifest's scopes, every channel there and
/// postable, every DM user there, the secrets set and long enough, the Track API credentials valid and in the workspace's
/// region; then each channel and playbook against the seed's rules (a purpose and a playbook per channel; gates, owner, SLA,
/// a message with the event, value, customer, next step and the two links, frequency controls, a PII policy per playbook).
/// Each check ✓ or ✗, and for each ✗ the fix. Exit 0 when all hold, 1 otherwise. Never prints a secret or a token.
/// </summary>
internal static class DoctorCommand
{
    /// <summary>The bot scopes the app manifest (src/RetentionPlaybooks.Host/slack-app-manifest.yaml) asks for.</summary>
    internal static readonly string[] ManifestScopes = ["chat:write", "chat:write.public", "channels:history", "groups:history", "im:history", "im:write"];

    private const int MinSecretLength = 16;

    internal sealed record Check(string Area, string Subject, bool Ok, string Detail, string? Fix = null);

    public static Command Create(CliContext cli)
    {
        var format = CommandSpec.Format("output style: text (a checklist), json (for tools), github (annotations and a step summary)", "text", "json", "github");
        var directory = CommandSpec.Directory();
        var command = new Command("doctor", "Check the live setup against the implementation checklist: Slack, secrets, Customer.io, channels and playbooks.")
        {
            format, directory,
        };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetRequiredValue(directory), parsed.GetRequiredValue(format), cli, ct));
        return command;
    }

    private static async Task<int> RunAsync(string directory, string format, CliContext cli, CancellationToken ct)
    {
        var checks = new List<Check>();
        var compilation = PlaybookCompiler.CompileDirectory(directory);
        var errors = compilation.Diagnostics.Count(d => d.IsError);
        checks.Add(errors == 0
            ? new Check("playbooks", directory, true, $"{compilation.Playbooks.Count} playbook(s) compile")
            : new Check("playbooks", directory, false, $"{errors} compile error(s)", $"run playbooks validate {directory} and fix what it reports"));
        var env = cli.Environment ?? Environment.GetEnvironmentVariable;
        using var http = cli.Http is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        http.Timeout = TimeSpan.FromSeconds(15);
        checks.AddRange(Secrets(env));
        if (compilation.Workspace is { } workspace)
        {
            checks.AddRange(await SlackAsync(compilation, env, http, ct).ConfigureAwait(false));
            checks.AddRange(await CustomerIoAsync(workspace.Links.Region, env, http, ct).ConfigureAwait(false));
            checks.AddRange(Channels(compilation));
            checks.AddRange(compilation.Playbooks.OrderBy(p => p.Id, StringComparer.Ordinal).SelectMany(Playbook));
        }
        switch (format)
        {
            case "json": Json(checks, cli.Stdout); break;
            case "github": GitHub(checks, cli.Stdout); break;
            default: Text(checks, cli.Stdout); break;
        }
        return checks.All(c => c.Ok) ? CommandLine.Ok : CommandLine.Failed;
    }

    private static IEnumerable<Check> Secrets(Func<string, string?> env)
    {
        foreach (var (key, what) in new[]
        {
            ("Slack__SigningSecret", "the Signing Secret on the Slack app's Basic Information page"),
            ("CustomerIo__JourneySecret", "a random secret, also set as the X-Webhook-Secret header of the Journey webhook action"),
            ("CustomerIo__ReportingSigningKey", "the signing key of the reporting webhook (Customer.io: Data & Integrations > Reporting Webhooks)"),
            ("CustomerIo__PipelinesSecret", "the shared secret of the Data Pipelines webhook destination"),
        })
        {
            var value = env(key);
            yield return value switch
            {
                null or "" => new Check("secrets", key, false, "not set", $"set {key} to {what}"),
                { Length: < MinSecretLength } => new Check("secrets", key, false, $"{value.Length} characters, fewer than {MinSecretLength}", $"use at least {MinSecretLength} random characters for {key}"),
                _ => new Check("secrets", key, true, $"set ({value.Length} characters)"),
            };
        }
    }

    private static async Task<IReadOnlyList<Check>> SlackAsync(CompilationResult compilation, Func<string, string?> env, HttpClient http, CancellationToken ct)
    {
        var checks = new List<Check>();
        var token = env("Slack__BotToken");
        if (string.IsNullOrEmpty(token) || !token.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            checks.Add(new Check("slack", "Slack__BotToken", false, string.IsNullOrEmpty(token) ? "not set" : "not a bot token (xoxb-...)",
                "install the app from src/RetentionPlaybooks.Host/slack-app-manifest.yaml and set Slack__BotToken to its Bot User OAuth Token (xoxb-...)"));
            return checks;
        }
        var client = new SlackApiClient(http, new SlackApiOptions { BotToken = token, BaseUrl = env("Slack__ApiBaseUrl") is { Length: > 0 } url ? new Uri(url) : SlackApiOptions.DefaultBaseUrl });
        var auth = await client.AuthTestAsync(ct).ConfigureAwait(false);
        if (auth.Value is not { } who)
        {
            checks.Add(new Check("slack", "auth.test", false, $"Slack refused the token: {auth.Error}", "reinstall the app to the workspace and copy its current Bot User OAuth Token into Slack__BotToken"));
            return checks;
        }
        checks.Add(new Check("slack", "auth.test", true, $"authorized in {who.Team} ({who.TeamId}) as {who.User}"));
        var scopes = who.Scopes ?? new HashSet<string>();
        var missing = ManifestScopes.Where(s => !scopes.Contains(s)).ToList();
        checks.Add(missing.Count == 0
            ? new Check("slack", "scopes", true, string.Join(", ", ManifestScopes))
            : new Check("slack", "scopes", false, who.Scopes is null ? "Slack did not say which scopes the token has" : $"missing {string.Join(", ", missing)}",
                "add the missing scopes under OAuth & Permissions (or recreate the app from slack-app-manifest.yaml), then reinstall it to the workspace"));
        var canJoinPublic = scopes.Contains("chat:write.public");
        foreach (var channel in compilation.Workspace!.Channels.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (channel.IsDirectMessage)
            {
                var user = await client.UsersInfoAsync(channel.DmUser!, ct).ConfigureAwait(false);
                checks.Add(user.Value switch
                {
                    { Deleted: true } => new Check("slack", channel.Name, false, $"the DM user {channel.DmUser} is deactivated", $"point {channel.Name}'s dm: at a current member in workspace.yaml"),
                    { } => new Check("slack", channel.Name, true, $"DM user {channel.DmUser} exists"),
                    _ => new Check("slack", channel.Name, false, $"the DM user {channel.DmUser} was not found ({user.Error})", $"copy the member id (U...) from the user's Slack profile into {channel.Name}'s dm: in workspace.yaml"),
                });
                continue;
            }
            var info = await client.ConversationInfoAsync(channel.SlackChannel!, ct).ConfigureAwait(false);
            checks.Add(info.Value switch
            {
                null => new Check("slack", channel.Name, false, $"channel {channel.SlackChannel} not found ({info.Error})",
                    $"create the channel (or copy its id, C..., from its details) and set {channel.Name}'s slack: in workspace.yaml; invite the bot if it is private"),
                { IsArchived: true } => new Check("slack", channel.Name, false, $"channel {channel.SlackChannel} is archived", "unarchive it, or point the channel at another in workspace.yaml"),
                { IsMember: false } when !canJoinPublic => new Check("slack", channel.Name, false, $"the bot is not in {channel.SlackChannel} and lacks chat:write.public",
                    $"/invite the bot to {channel.SlackChannel}, or grant chat:write.public"),
                { IsMember: var member } => new Check("slack", channel.Name, true, member ? $"{channel.SlackChannel} exists, the bot is a member" : $"{channel.SlackChannel} exists, the bot posts with chat:write.public"),
            });
        }
        return checks;
    }

    private static async Task<IReadOnlyList<Check>> CustomerIoAsync(string region, Func<string, string?> env, HttpClient http, CancellationToken ct)
    {
        var site = env("CustomerIo__SiteId");
        var key = env("CustomerIo__TrackApiKey");
        if (string.IsNullOrEmpty(site) || string.IsNullOrEmpty(key))
        {
            return [new Check("customer.io", "Track API", false, "CustomerIo__SiteId and CustomerIo__TrackApiKey are not both set (no write-back of outcomes and holds)",
                "set both from Customer.io: Settings > Workspace Settings > API Credentials > Track API keys")];
        }
        var baseUrl = env("CustomerIo__TrackApiBaseUrl") is { Length: > 0 } custom ? custom : region == "eu" ? "https://track-eu.customer.io/api/v1/" : "https://track.customer.io/api/v1/";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"), "accounts/region"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{site}:{key}")));
        string? dataCenter;
        try
        {
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            if ((int)response.StatusCode is 401 or 403)
            {
                return [new Check("customer.io", "Track API", false, $"the site id and key were refused (HTTP {(int)response.StatusCode})",
                    "copy the site id and a Track API key of this workspace into CustomerIo__SiteId and CustomerIo__TrackApiKey")];
            }
            if (!response.IsSuccessStatusCode) return [new Check("customer.io", "Track API", false, $"accounts/region answered HTTP {(int)response.StatusCode}", "try again later; check Customer.io's status page")];
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            dataCenter = doc.RootElement.TryGetProperty("data_center", out var dc) && dc.ValueKind == JsonValueKind.String ? dc.GetString() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return [new Check("customer.io", "Track API", false, $"{baseUrl} cannot be reached or did not answer JSON ({ex.GetType().Name})", "check the network, or CustomerIo__TrackApiBaseUrl")];
        }
        var checks = new List<Check> { new("customer.io", "Track API", true, $"credentials accepted (site {site})") };
        checks.Add(string.Equals(dataCenter, region, StringComparison.OrdinalIgnoreCase)
            ? new Check("customer.io", "region", true, $"{region}, as workspace.yaml says")
            : new Check("customer.io", "region", false, $"the workspace is in {dataCenter ?? "an unknown region"}, workspace.yaml says {region}",
                $"set customerio.region: {dataCenter ?? "us|eu"} in workspace.yaml (profile links and the Track API host follow it)"));
        return checks;
    }

    private static IEnumerable<Check> Channels(CompilationResult compilation)
    {
        foreach (var channel in compilation.Workspace!.Channels.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var users = compilation.Playbooks.Where(p => p.Channels.Contains(channel) || p.SlaEscalateTo?.Channel == channel).Select(p => p.Id).ToList();
            if (string.IsNullOrWhiteSpace(channel.Purpose)) yield return new Check("channels", channel.Name, false, "no purpose", $"write {channel.Name}'s purpose: in workspace.yaml (what belongs there, in one line)");
            yield return users.Count == 0
                ? new Check("channels", channel.Name, false, "no playbook posts here", $"route a playbook to {channel.Name}, or remove it from workspace.yaml")
                : new Check("channels", channel.Name, true, $"{channel.Purpose}; used by {string.Join(", ", users)}");
        }
    }

    private static IEnumerable<Check> Playbook(CompiledPlaybook p)
    {
        var reads = p.TemplateFields;
        var missing = new List<(string What, string Fix)>();
        if (p.Gates.Count == 0) missing.Add(("no gates", "add gates: that only a moment worth a human passes"));
        if (p.Trigger.Kind == TriggerKind.Event && !reads.Any(r => r.StartsWith("event.", StringComparison.Ordinal))) missing.Add(("the message does not show the event", "show what happened (an event.* field) in the title or a field"));
        if (p.ValueField is null) missing.Add(("no value", "add value: (e.g. event.cart_value) so the report can count what saves were worth"));
        if (!reads.Any(r => r.StartsWith("customer.", StringComparison.Ordinal))) missing.Add(("the message does not say which customer", "show who it is (e.g. customer.first_name, within the PII policy)"));
        if (p.Message.NextStep is null) missing.Add(("no next step", "add message.next_step: what the owner should do"));
        if (!reads.Contains("links.customerio_profile")) missing.Add(("no link to the Customer.io profile", "add a link with url: \"{{ links.customerio_profile }}\""));
        if (!reads.Any(r => r.StartsWith("links.shop_", StringComparison.Ordinal))) missing.Add(("no link to the shop admin", "add a link with url: \"{{ links.shop_customer }}\" (or links.shop_order)"));
        if (p.Guardrails.IsEmpty) missing.Add(("no frequency controls", "add guardrails: cooldown, dedupe_key or daily_cap"));
        var summary = $"owner {p.Owner.Name}, sla {DurationSyntax.Format(p.Sla)}, {p.Gates.Count} gate(s), pii [{string.Join(", ", p.Pii.Order(StringComparer.Ordinal))}]";
        if (missing.Count == 0)
        {
            yield return new Check("playbook", p.Id, true, summary);
            yield break;
        }
        foreach (var (what, fix) in missing) yield return new Check("playbook", p.Id, false, what, $"{p.File}: {fix}");
    }

    private static void Text(IReadOnlyList<Check> checks, TextWriter stdout)
    {
        foreach (var area in checks.GroupBy(c => c.Area))
        {
            stdout.WriteLine(area.Key);
            foreach (var c in area)
            {
                stdout.WriteLine($"  {(c.Ok ? "✓" : "✗")} {c.Subject}: {c.Detail}");
                if (!c.Ok && c.Fix is not null) stdout.WriteLine($"      fix: {c.Fix}");
            }
        }
        var failed = checks.Count(c => !c.Ok);
        stdout.WriteLine(failed == 0 ? $"all {checks.Count} checks pass" : $"{failed} of {checks.Count} checks fail");
    }

    private static void Json(IReadOnlyList<Check> checks, TextWriter stdout)
    {
        var doc = new
        {
            ok = checks.All(c => c.Ok),
            checks = checks.Select(c => new { area = c.Area, subject = c.Subject, ok = c.Ok, detail = c.Detail, fix = c.Fix }),
        };
        stdout.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void GitHub(IReadOnlyList<Check> checks, TextWriter stdout)
    {
        foreach (var c in checks.Where(c => !c.Ok)) stdout.WriteLine($"::error title=doctor: {c.Area} {c.Subject}::{c.Detail}. Fix: {c.Fix}");
        var md = new StringBuilder("### Doctor\n\n| | area | check | result |\n| --- | --- | --- | --- |\n");
        foreach (var c in checks) md.Append($"| {(c.Ok ? "✓" : "✗")} | {c.Area} | {MarkdownSummary.Cell(c.Subject)} | {MarkdownSummary.Cell(c.Ok ? c.Detail : $"{c.Detail} — fix: {c.Fix}")} |\n");
        GitHubSummary.Append(md.ToString(), stdout);
    }
}
