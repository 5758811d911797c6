using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Interactivity;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Inhibition over HTTP against the fake Slack (the shipped winback audit is inhibited by the cancel-save for 14 days): while
/// a customer's cancel-save case is open, their winback signal is decided <c>inhibited</c>, naming the case, and nothing is
/// posted, and the report counts it; once the case is marked Saved or Lost, the next winback signal escalates.
/// </summary>
public sealed class InhibitionTests : IAsyncLifetime
{
    private const string Secret = "test-slack-signing-secret-0123456789";
    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private FakeSlackServer _slack = null!;
    private HostApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = _time, Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"], PerChannelRate = null });
        _app = new HostApp(settings: new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = _slack.ApiBaseUrl.ToString(),
            ["Slack:SigningSecret"] = Secret,
        }, time: _time);
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _app.Dispose();
        await _slack.DisposeAsync();
    }

    private async Task SendAsync(string sample, string deliveryId, string customer)
    {
        var body = Webhooks.Sample(sample, j =>
        {
            j["delivery_id"] = deliveryId;
            j["customer"]!["id"] = customer;
        });
        using var response = await _client.SendAsync(Webhooks.Journey(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _app.DrainAsync(TimeSpan.FromSeconds(1));
    }

    private async Task<JsonElement> DecisionAsync(string deliveryId) =>
        Assert.Single(JsonDocument.Parse(await _client.GetStringAsync($"/decisions?delivery_id={deliveryId}")).RootElement.GetProperty("decisions").EnumerateArray());

    /// <summary>Until every stored click is applied and every delivery sent (bounded, real time).</summary>
    private async Task SettleAsync()
    {
        var store = (RetentionPlaybooks.Host.Storage.IStore)_app.Services.GetService(typeof(RetentionPlaybooks.Host.Storage.IStore))!;
        for (var i = 0; i < 2000; i++)
        {
            if ((await store.Actions.PendingAsync(1, CancellationToken.None)).Count == 0)
            {
                await _app.DrainAsync(TimeSpan.FromSeconds(1));
                if ((await store.Actions.PendingAsync(1, CancellationToken.None)).Count == 0) return;
            }
            await Task.Delay(5);
        }
        throw new TimeoutException("clicks were not applied");
    }

    [Theory]
    [InlineData("saved")]
    [InlineData("lost")]
    public async Task AnOpenCancelSaveCase_InhibitsTheCustomersWinbackAudit_UntilItsOutcomeIsMarked(string outcome)
    {
        await SendAsync("subscription-cancel-requested.json", "cancel-1", "cus_x");
        var cancel = _slack.MessagesIn("C07SUBSAVES").Single();
        var caseId = cancel.MetadataPayloadString("escalation_id")!;
        _time.Advance(TimeSpan.FromHours(2));

        await SendAsync("winback-segment-entered.json", "winback-1", "cus_x");
        await SendAsync("winback-segment-entered.json", "winback-other", "cus_y");
        var inhibited = await DecisionAsync("winback-1");
        var postedWhileOpen = _slack.MessagesIn("C07RETOPS").Count;

        await _slack.ClickAsync(_client, new Uri(_client.BaseAddress!, "/slack/interactivity"), outcome == "saved"
            ? new FakeSlackClick("C07SUBSAVES", cancel.Ts, BlockActionReader.SavedId, caseId, "U07LEAD")
            : new FakeSlackClick("C07SUBSAVES", cancel.Ts, BlockActionReader.LostId, $"{caseId}|price", "U07LEAD", IsSelect: true), Secret);
        await SettleAsync();
        await SendAsync("winback-segment-entered.json", "winback-2", "cus_x");
        var afterOutcome = await DecisionAsync("winback-2");
        var totals = JsonDocument.Parse(await _client.GetStringAsync("/report")).RootElement.GetProperty("totals");

        Assert.Equal(("winback-exclusions", "inhibited", "retention-ops"), (inhibited.GetProperty("playbook").GetString(), inhibited.GetProperty("outcome").GetString(), inhibited.GetProperty("channel").GetString()));
        Assert.StartsWith($"inhibited: case {caseId} of subscription-cancel-save is open (escalated 2 h ago", inhibited.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(!inhibited.TryGetProperty("escalation_id", out var none) || none.ValueKind == JsonValueKind.Null);
        Assert.Equal("escalated", (await DecisionAsync("winback-other")).GetProperty("outcome").GetString());
        Assert.Equal(1, postedWhileOpen);   // the other customer's audit only
        Assert.Equal(outcome, (await ((RetentionPlaybooks.Host.Storage.IStore)_app.Services.GetService(typeof(RetentionPlaybooks.Host.Storage.IStore))!).Actions.CaseAsync(caseId, CancellationToken.None))!.Outcome);
        Assert.Equal("escalated", afterOutcome.GetProperty("outcome").GetString());
        var posted = _slack.MessagesIn("C07RETOPS").Single(m => m.MetadataPayloadString("escalation_id") == afterOutcome.GetProperty("escalation_id").GetString());
        Assert.Contains("Held out of winback", posted.Text, StringComparison.Ordinal);
        Assert.Equal((1, 3), (totals.GetProperty("inhibited").GetInt64(), totals.GetProperty("escalated").GetInt64()));
    }
}
