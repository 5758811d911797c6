using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Cli;
using RetentionPlaybooks.FakeCustomerIo;
using RetentionPlaybooks.FakeSlack;
using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

/// <summary>
/// <c>playbooks doctor</c> against the fake Slack and the fake Customer.io Track API over HTTP, configured through the host's own
/// keys: a healthy setup passes every live check; a missing channel, a missing scope, a wrong key, a wrong region, a short secret
/// each fail with their fix.
/// </summary>
public sealed class DoctorCommandTests : IAsyncLifetime
{
    private const string Site = "site-123";
    private const string Key = "track-key-456";
    private static readonly string[] Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"];

    private readonly TempPlaybooks _dir = new();
    private readonly Dictionary<string, string?> _env = new()
    {
        ["Slack__BotToken"] = "xoxb-test",
        ["Slack__SigningSecret"] = "slack-signing-secret-0123",
        ["CustomerIo__JourneySecret"] = "journey-secret-0123456789",
        ["CustomerIo__ReportingSigningKey"] = "reporting-key-0123456789",
        ["CustomerIo__PipelinesSecret"] = "pipelines-secret-01234567",
        ["CustomerIo__SiteId"] = Site,
        ["CustomerIo__TrackApiKey"] = Key,
    };
    private FakeSlackServer _slack = null!;
    private FakeTrackApi _track = null!;

    public async Task InitializeAsync()
    {
        _track = await FakeTrackApi.StartAsync(Site, Key);
        _env["CustomerIo__TrackApiBaseUrl"] = _track.BaseUrl.ToString();
        await StartSlackAsync(new FakeSlackOptions { Channels = Channels });
    }

    private async Task StartSlackAsync(FakeSlackOptions options)
    {
        if (_slack is not null) await _slack.DisposeAsync();
        _slack = await FakeSlackServer.StartAsync(options);
        _env["Slack__ApiBaseUrl"] = _slack.ApiBaseUrl.ToString();
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _track.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<(int Exit, string Out, List<JsonElement> Checks)> DoctorAsync()
    {
        var stdout = new StringWriter();
        var exit = await CommandLine.RunAsync(["doctor", "--format", "json", _dir.Path],
            new CliContext(stdout, new StringWriter(), new FakeTimeProvider(CliRunner.Now), TimeSpan.FromSeconds(5), Environment: k => _env.GetValueOrDefault(k)));
        var checks = JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("checks").EnumerateArray().ToList();
        return (exit, stdout.ToString(), checks);
    }

    private static JsonElement Find(List<JsonElement> checks, string area, string subject) =>
        Assert.Single(checks, c => c.GetProperty("area").GetString() == area && c.GetProperty("subject").GetString() == subject);

    private static List<JsonElement> Failed(List<JsonElement> checks) => checks.Where(c => !c.GetProperty("ok").GetBoolean()).ToList();

    [Fact]
    public async Task AHealthySetup_PassesEveryCheck_AndExitsZero()
    {
        var (exit, output, checks) = await DoctorAsync();

        Assert.Empty(Failed(checks));
        Assert.Equal(0, exit);
        Assert.Equal("authorized in Fake Workspace (T0FAKETEAM) as retention-bot", Find(checks, "slack", "auth.test").GetProperty("detail").GetString());
        Assert.True(Find(checks, "slack", "scopes").GetProperty("ok").GetBoolean());
        Assert.True(Find(checks, "slack", "vip-saves").GetProperty("ok").GetBoolean());
        Assert.Equal("DM user U07RETLEAD exists", Find(checks, "slack", "retention-lead-dm").GetProperty("detail").GetString());
        Assert.Equal("us, as workspace.yaml says", Find(checks, "customer.io", "region").GetProperty("detail").GetString());
        Assert.Equal("set (25 characters)", Find(checks, "secrets", "CustomerIo__JourneySecret").GetProperty("detail").GetString());
        foreach (var (key, secret) in _env.Where(e => e.Key is not ("CustomerIo__SiteId" or "Slack__ApiBaseUrl" or "CustomerIo__TrackApiBaseUrl"))) Assert.DoesNotContain(secret!, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlaybookWithoutAValueOrAShopLink_FailsThoseTwoChecks_WithTheirFixes()
    {
        _dir.Replace("winback-exclusions.yaml", "value: customer.ltv\n", "");
        _dir.Replace("winback-exclusions.yaml", "    - label: Shop admin\n      url: \"{{ links.shop_customer }}\"\n", "");

        var (exit, _, checks) = await DoctorAsync();

        var failed = Failed(checks);
        Assert.All(failed, c => Assert.Equal("winback-exclusions", c.GetProperty("subject").GetString()));
        Assert.Equal(["no value", "no link to the shop admin"], failed.Select(c => c.GetProperty("detail").GetString()));
        Assert.StartsWith("winback-exclusions.yaml: add value:", Path.GetFileName(failed[0].GetProperty("fix").GetString()!), StringComparison.Ordinal);
        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task AMissingChannel_IsNamedWithItsFix()
    {
        await StartSlackAsync(new FakeSlackOptions { Channels = Channels.Where(c => c != "C07CXESCAL").ToList() });

        var (_, _, checks) = await DoctorAsync();

        var check = Find(checks, "slack", "cx-escalations");
        Assert.False(check.GetProperty("ok").GetBoolean());
        Assert.Equal("channel C07CXESCAL not found (channel_not_found)", check.GetProperty("detail").GetString());
        Assert.StartsWith("create the channel (or copy its id, C..., from its details) and set cx-escalations's slack: in workspace.yaml", check.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingScope_AndABotOutsideAChannelWithoutChatWritePublic_AreNamed()
    {
        await StartSlackAsync(new FakeSlackOptions { Channels = Channels, ChannelsWithoutBot = ["C07RETOPS"], Scopes = ["chat:write", "channels:history", "groups:history", "im:history", "im:write"] });

        var (_, _, checks) = await DoctorAsync();

        var scopes = Find(checks, "slack", "scopes");
        Assert.Equal("missing chat:write.public", scopes.GetProperty("detail").GetString());
        Assert.Contains("reinstall it to the workspace", scopes.GetProperty("fix").GetString(), StringComparison.Ordinal);
        var ops = Find(checks, "slack", "retention-ops");
        Assert.Equal("the bot is not in C07RETOPS and lacks chat:write.public", ops.GetProperty("detail").GetString());
        Assert.Equal("/invite the bot to C07RETOPS, or grant chat:write.public", ops.GetProperty("fix").GetString());
    }

    [Fact]
    public async Task AMissingOrDeactivatedDmUser_IsNamed()
    {
        await StartSlackAsync(new FakeSlackOptions { Channels = Channels, MissingUsers = ["U07RETLEAD"] });
        var missing = Find((await DoctorAsync()).Checks, "slack", "retention-lead-dm");
        await StartSlackAsync(new FakeSlackOptions { Channels = Channels, DeactivatedUsers = ["U07RETLEAD"] });
        var deactivated = Find((await DoctorAsync()).Checks, "slack", "retention-lead-dm");

        Assert.Equal("the DM user U07RETLEAD was not found (user_not_found)", missing.GetProperty("detail").GetString());
        Assert.Equal("the DM user U07RETLEAD is deactivated", deactivated.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ARefusedSlackToken_StopsTheSlackChecks_WithTheFix()
    {
        _env["Slack__BotToken"] = "xoxb-revoked";

        var (_, _, checks) = await DoctorAsync();

        var auth = Find(checks, "slack", "auth.test");
        Assert.Equal("Slack refused the token: invalid_auth", auth.GetProperty("detail").GetString());
        Assert.DoesNotContain(checks, c => c.GetProperty("subject").GetString() == "vip-saves" && c.GetProperty("area").GetString() == "slack");
    }

    [Fact]
    public async Task AWrongTrackKey_IsRefused_WithTheFix()
    {
        _env["CustomerIo__TrackApiKey"] = "wrong-key";

        var (_, _, checks) = await DoctorAsync();

        var track = Find(checks, "customer.io", "Track API");
        Assert.Equal("the site id and key were refused (HTTP 401)", track.GetProperty("detail").GetString());
        Assert.Equal("copy the site id and a Track API key of this workspace into CustomerIo__SiteId and CustomerIo__TrackApiKey", track.GetProperty("fix").GetString());
    }

    [Fact]
    public async Task AWrongRegion_IsNamed_WithTheLineToWrite()
    {
        await _track.DisposeAsync();
        _track = await FakeTrackApi.StartAsync(Site, Key, new FakeTrackApiOptions { Region = "eu" });
        _env["CustomerIo__TrackApiBaseUrl"] = _track.BaseUrl.ToString();

        var (_, _, checks) = await DoctorAsync();

        var region = Find(checks, "customer.io", "region");
        Assert.Equal("the workspace is in eu, workspace.yaml says us", region.GetProperty("detail").GetString());
        Assert.StartsWith("set customerio.region: eu in workspace.yaml", region.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShortOrMissingSecret_IsNamed_WithoutPrintingIt()
    {
        _env["CustomerIo__JourneySecret"] = "short-secret";
        _env.Remove("CustomerIo__PipelinesSecret");

        var (_, output, checks) = await DoctorAsync();

        Assert.Equal("12 characters, fewer than 16", Find(checks, "secrets", "CustomerIo__JourneySecret").GetProperty("detail").GetString());
        Assert.Equal("not set", Find(checks, "secrets", "CustomerIo__PipelinesSecret").GetProperty("detail").GetString());
        Assert.DoesNotContain("short-secret", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextAndGitHubFormats_ShowTicksCrossesAndFixes()
    {
        await StartSlackAsync(new FakeSlackOptions { Channels = Channels.Where(c => c != "C07CXESCAL").ToList() });
        var text = new StringWriter();
        var github = new StringWriter();
        CliContext Context(StringWriter w) => new(w, new StringWriter(), new FakeTimeProvider(CliRunner.Now), TimeSpan.FromSeconds(5), Environment: k => _env.GetValueOrDefault(k));

        var exit = await CommandLine.RunAsync(["doctor", _dir.Path], Context(text));
        await CommandLine.RunAsync(["doctor", "--format", "github", _dir.Path], Context(github));

        Assert.Equal(1, exit);
        Assert.Contains("  ✓ auth.test: authorized in Fake Workspace", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("  ✗ cx-escalations: channel C07CXESCAL not found (channel_not_found)\n      fix: create the channel", text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Matches(@"\d+ of \d+ checks fail", text.ToString());
        Assert.Contains("::error title=doctor: slack cx-escalations::channel C07CXESCAL not found (channel_not_found). Fix: create the channel", github.ToString(), StringComparison.Ordinal);
    }
}
