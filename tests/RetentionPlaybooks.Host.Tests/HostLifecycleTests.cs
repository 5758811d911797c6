using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

public sealed class HostLifecycleTests
{
    [Fact]
    public void Start_InvalidPlaybooks_RefusesWithTheCompilerDiagnostics()
    {
        using var playbooks = new PlaybookCopy().Replace("vip-cart-abandonment.yaml", "  - default: vip-saves", "  - default: vip-save");

        var ex = Assert.Throws<PlaybookLoadException>(() => new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, TimeProvider.System));

        var error = Assert.Single(ex.Diagnostics, d => d.IsError);
        Assert.Equal("RP0301", error.Code);
        Assert.Contains("vip-cart-abandonment.yaml(19,14): error RP0301: undefined channel \"vip-save\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_InvalidSettings_ReportsEveryProblemTogether()
    {
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Playbooks:Directory"] = RepoPaths.Playbooks,
            ["Slack:BotToken"] = "not-a-bot-token",
            ["Slack:ApiBaseUrl"] = "ftp://slack",
            ["CustomerIo:JourneySecret"] = "short",
            ["Delivery:PerChannelInterval"] = "00:00:00.001",
        }).Build();

        var ex = Assert.Throws<HostConfigurationException>(() => { HostComposition.LoadSettings(config); });

        Assert.Equal(4, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.StartsWith("Slack:BotToken must be a bot token", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("Slack:ApiBaseUrl \"ftp://slack\"", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("CustomerIo:JourneySecret is too short", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("Delivery:PerChannelInterval must be between", StringComparison.Ordinal));
        Assert.DoesNotContain("not-a-bot-token", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Store:Lease", "00:00:09.999", "Store:Lease must be between")]
    [InlineData("Store:Lease", "01:00:00.001", "Store:Lease must be between")]
    [InlineData("Store:Owner", " ", "Store:Owner must name this host")]
    public void Start_LeaseOutOfRangeOrNoOwner_IsRefused(string key, string value, string problem)
    {
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Playbooks:Directory"] = RepoPaths.Playbooks,
            ["CustomerIo:JourneySecret"] = HostApp.JourneySecret,
            [key] = value,
        }).Build();

        var ex = Assert.Throws<HostConfigurationException>(() => { HostComposition.LoadSettings(config); });

        Assert.StartsWith(problem, Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:10")]
    [InlineData("01:00:00")]
    public void Start_LeaseAtItsLimits_IsTaken(string lease)
    {
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Playbooks:Directory"] = RepoPaths.Playbooks,
            ["CustomerIo:JourneySecret"] = HostApp.JourneySecret,
            ["Store:Lease"] = lease,
            ["Store:Owner"] = new string('h', 200),
        }).Build();

        Assert.Equal(TimeSpan.Parse(lease, System.Globalization.CultureInfo.InvariantCulture), HostComposition.LoadSettings(config).Store.Lease);
    }

    [Fact]
    public void Start_InvalidSettings_HostDoesNotStart()
    {
        using var app = new HostApp(settings: new Dictionary<string, string?> { ["Slack:BotToken"] = "not-a-bot-token" });

        Assert.ThrowsAny<InvalidOperationException>(() => app.CreateClient());
    }

    [Fact]
    public void Reload_InvalidChange_KeepsTheLastGoodSet_ValidChangeIsTaken()
    {
        using var playbooks = new PlaybookCopy();
        using var catalog = new PlaybookCatalog(playbooks.Path, NullLogger<PlaybookCatalog>.Instance, TimeProvider.System);
        var original = catalog.Current;

        playbooks.Replace("vip-cart-abandonment.yaml", "sla: 2h", "sla: two hours");
        var rejected = catalog.Reload();

        Assert.False(rejected);
        Assert.Same(original, catalog.Current);
        Assert.Contains(catalog.Rejection!.Diagnostics, d => d.Code == "RP0105");

        playbooks.Replace("vip-cart-abandonment.yaml", "sla: two hours", "sla: 3h");
        var taken = catalog.Reload();

        Assert.True(taken);
        Assert.Null(catalog.Rejection);
        Assert.Equal(TimeSpan.FromHours(3), catalog.Current.Playbooks.Single(p => p.Id == "vip-cart-abandonment").Sla);
    }

    [Fact]
    public async Task AttributeChange_FromIdentifyCalls_TriggersWithThePreviousValue()
    {
        using var playbooks = PlaybookCopy.WithSubscriptionPaused();
        using var app = new HostApp(playbooks.Path);
        using var client = app.CreateClient();

        async Task Identify(string id, string status)
        {
            var body = new JsonObject
            {
                ["type"] = "identify",
                ["messageId"] = id,
                ["userId"] = "cus_77",
                ["timestamp"] = "2026-11-28T13:40:00Z",
                ["traits"] = new JsonObject { ["subscription_status"] = status, ["ltv"] = 420, ["first_name"] = "Ana", ["cio_id"] = "a3f00077" },
            }.ToJsonString();
            using var response = await client.SendAsync(Webhooks.Pipelines(body));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await app.DrainAsync(TimeSpan.FromSeconds(1));
        }

        await Identify("m1", "active");        // first sight: nothing to compare with
        await Identify("m2", "cancel_pending"); // a change, but not active → paused
        await Identify("m3", "active");
        await Identify("m4", "paused");         // active → paused: escalates

        var message = Assert.Single(app.Preview.Messages);
        Assert.Equal("subscription-paused", message.Playbook);
        Assert.Contains("Ana", message.Message.ToJsonString(), StringComparison.Ordinal);
        var store = app.Services.GetRequiredService<IStore>();
        Assert.Empty(await store.Decisions.DecisionsAsync(1, CancellationToken.None));
        Assert.Equal("escalated", Assert.Single(await store.Decisions.DecisionsAsync(4, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Preview_WithoutSlackToken_ShowsDeliveredMessagesOnThePage()
    {
        using var app = new HostApp();
        using var client = app.CreateClient();
        using var response = await client.SendAsync(Webhooks.Journey(Webhooks.Sample("vip-cart-abandoned.json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.DrainAsync(TimeSpan.FromSeconds(1));

        var page = await client.GetStringAsync("/preview");
        var alive = await client.GetStringAsync("/alive");

        Assert.Contains("VIP cart abandoned: $184.00", page, StringComparison.Ordinal);
        Assert.Contains("data-playbook=\"vip-cart-abandonment\"", page, StringComparison.Ordinal);
        Assert.Equal("alive\n", alive);
        Assert.Equal("preview", (await app.HealthAsync()).GetProperty("delivery").GetString());
    }
}
