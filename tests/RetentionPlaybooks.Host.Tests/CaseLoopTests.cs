using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Clicks applied to cases, over HTTP against the fake Slack on one fake clock: the first acknowledgement and the first
/// outcome win, the message is updated in place with who and when against the SLA, and whoever was second is told so
/// only they see it. A retried or doubled click changes nothing twice.
/// </summary>
public sealed class CaseLoopTests : IAsyncLifetime
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

    private IStore Store => _app.Services.GetRequiredService<IStore>();

    /// <summary>A VIP cart escalated and posted; returns its escalation id and message ts.</summary>
    private async Task<(string Escalation, string Ts)> EscalateAsync(int i)
    {
        var body = Webhooks.Sample("vip-cart-abandoned.json", j =>
        {
            j["delivery_id"] = $"case-{i}";
            j["customer"]!["id"] = $"cus_case_{i}";
            j["event"]!["data"]!["checkout_id"] = $"chk_case_{i}";
        });
        using var response = await _client.SendAsync(Webhooks.Journey(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _app.DrainAsync(TimeSpan.FromSeconds(1));
        var message = _slack.Messages.Single(m => m.MetadataPayloadString("escalation_id") is { } id && !_seen.Contains(id));
        var escalation = message.MetadataPayloadString("escalation_id")!;
        _seen.Add(escalation);
        return (escalation, message.Ts);
    }

    private readonly HashSet<string> _seen = [];

    private async Task ClickAsync(FakeSlackClick click)
    {
        using var response = await _slack.ClickAsync(_client, new Uri(_client.BaseAddress!, "/slack/interactivity"), click, Secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Until every stored click is applied and every delivery sent (bounded, real time; the clock moves only when asked).</summary>
    private async Task SettleAsync()
    {
        for (var i = 0; i < 2000; i++)
        {
            if ((await Store.Actions.PendingAsync(1, CancellationToken.None)).Count == 0)
            {
                await _app.DrainAsync(TimeSpan.FromSeconds(1));
                if ((await Store.Actions.PendingAsync(1, CancellationToken.None)).Count == 0) return;
            }
            await Task.Delay(5);
        }
        throw new TimeoutException("clicks were not applied");
    }

    private static FakeSlackClick Button(string ts, string actionId, string escalation, string user) => new("C07VIPSAVES", ts, actionId, escalation, user);

    private static string[] CaseButtons(RetentionPlaybooks.FakeSlack.FakeSlackMessage message) =>
        message.Body["blocks"]!.AsArray().SingleOrDefault(b => b!["block_id"]?.GetValue<string>() == "rp_case")?["elements"]!.AsArray()
            .Select(e => e!["action_id"]!.GetValue<string>()).ToArray() ?? [];

    [Fact]
    public async Task TheMessage_CarriesAcknowledgeSavedAndLost_WithOnlyTheEscalationId_ThenOnlyTheButtonsThatStillMakeSense()
    {
        var (escalation, ts) = await EscalateAsync(5);
        var posted = _slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts);
        var block = posted.Body["blocks"]!.AsArray().Single(b => b!["block_id"]?.GetValue<string>() == "rp_case")!;
        var before = CaseButtons(posted);

        await ClickAsync(Button(ts, BlockActionReader.AcknowledgeId, escalation, "U07LEAD"));
        await SettleAsync();
        var afterAck = CaseButtons(_slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts));
        await ClickAsync(Button(ts, BlockActionReader.SavedId, escalation, "U07LEAD"));
        await SettleAsync();
        var afterSaved = CaseButtons(_slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts));

        Assert.Equal(["rp_acknowledge", "rp_saved", "rp_lost"], before);
        Assert.Equal(escalation, block["elements"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(escalation, block["elements"]![1]!["value"]!.GetValue<string>());
        var options = block["elements"]![2]!["options"]!.AsArray();
        Assert.Equal([$"{escalation}|price", $"{escalation}|product", $"{escalation}|service", $"{escalation}|other"], options.Select(o => o!["value"]!.GetValue<string>()));
        Assert.Equal(["rp_saved", "rp_lost"], afterAck);
        Assert.Empty(afterSaved);
    }

    [Fact]
    public async Task Acknowledge_ThenSaved_UpdateTheMessageInPlace_AndTheSecondAcknowledgerIsToldWhoWasFirst()
    {
        var (escalation, ts) = await EscalateAsync(1);
        _time.Advance(TimeSpan.FromMinutes(5));
        var clickedAt = _time.GetUtcNow();   // the clock stands still until the click is applied

        await ClickAsync(Button(ts, BlockActionReader.AcknowledgeId, escalation, "U07LEAD"));
        await SettleAsync();
        // Exactly two minutes after the acknowledgement, however far the update's pacing moved the clock meanwhile.
        _time.Advance(clickedAt + TimeSpan.FromMinutes(2) - _time.GetUtcNow());
        await ClickAsync(Button(ts, BlockActionReader.AcknowledgeId, escalation, "U07OTHER"));
        await SettleAsync();
        await ClickAsync(Button(ts, BlockActionReader.SavedId, escalation, "U07OTHER"));
        await SettleAsync();

        var updates = _slack.Updates;
        Assert.Equal(2, updates.Count);
        Assert.All(updates, u => Assert.Equal(("C07VIPSAVES", ts), (u.Channel, u.Ts)));
        var message = _slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts);
        var status = message.Body["blocks"]!.AsArray().Last()!;
        Assert.StartsWith("rp_status_", status["block_id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(":white_check_mark: *Saved* by <@U07OTHER> · :eyes: Acknowledged by <@U07LEAD> after 5 min (SLA 2h: met)", status["elements"]![0]!["text"]!.GetValue<string>());
        Assert.EndsWith(" · status: saved", message.Text, StringComparison.Ordinal);
        // The post's other blocks are kept as they were.
        Assert.Single(message.Body["blocks"]!.AsArray(), b => b!["block_id"]?.GetValue<string>()?.StartsWith("rp_status", StringComparison.Ordinal) == true);
        var told = Assert.Single(_slack.Interactivity.Responses);
        Assert.Equal("ephemeral", told.Body["response_type"]!.GetValue<string>());
        Assert.False(told.Body["replace_original"]!.GetValue<bool>());
        Assert.Equal("<@U07LEAD> acknowledged this case 2 min ago; nothing changed.", told.Body["text"]!.GetValue<string>());
        var state = (await Store.Actions.CaseAsync(escalation, CancellationToken.None))!;
        Assert.Equal(("U07LEAD", clickedAt, "saved", "U07OTHER"), (state.AcknowledgedBy, state.AcknowledgedAt, state.Outcome, state.OutcomeBy));
        Assert.InRange(clickedAt - state.CreatedAt, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6));
    }

    [Fact]
    public async Task Lost_WithItsReason_ThenALateSaved_IsToldTheCaseIsClosed()
    {
        var (escalation, ts) = await EscalateAsync(2);
        _time.Advance(TimeSpan.FromHours(3));

        await ClickAsync(new FakeSlackClick("C07VIPSAVES", ts, BlockActionReader.LostId, $"{escalation}|price", "U07LEAD", IsSelect: true));
        await SettleAsync();
        _time.Advance(TimeSpan.FromSeconds(30));
        var lostAt = (await Store.Actions.CaseAsync(escalation, CancellationToken.None))!.OutcomeAt!.Value;
        var ago = (int)(_time.GetUtcNow() - lostAt).TotalSeconds;   // 30 s, and the seconds the update's pacing took
        await ClickAsync(Button(ts, BlockActionReader.SavedId, escalation, "U07OTHER"));
        await SettleAsync();

        var message = _slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts);
        Assert.Equal(":x: *Lost* (price) by <@U07LEAD>", message.Body["blocks"]!.AsArray().Last()!["elements"]![0]!["text"]!.GetValue<string>());
        Assert.Single(_slack.Updates);
        Assert.InRange(ago, 30, 59);
        Assert.Equal($"This case was already marked *lost* (price) by <@U07LEAD> {ago} s ago; nothing changed.", Assert.Single(_slack.Interactivity.Responses).Body["text"]!.GetValue<string>());
        Assert.Equal(("lost", "price", null), ((await Store.Actions.CaseAsync(escalation, CancellationToken.None))! is var s ? (s.Outcome, s.OutcomeReason, s.AcknowledgedBy) : default));
    }

    [Fact]
    public async Task Lost_WithAReasonThePlaybookDoesNotDeclare_OrWithoutOne_ChangesNothing_AndTheClickerIsToldTheReasons()
    {
        var (escalation, ts) = await EscalateAsync(6);

        await ClickAsync(new FakeSlackClick("C07VIPSAVES", ts, BlockActionReader.LostId, $"{escalation}|competitor", "U07LEAD", IsSelect: true));
        await SettleAsync();
        await ClickAsync(new FakeSlackClick("C07VIPSAVES", ts, BlockActionReader.LostId, escalation, "U07LEAD", IsSelect: true));
        await SettleAsync();
        var untouched = (await Store.Actions.CaseAsync(escalation, CancellationToken.None))!;
        await ClickAsync(new FakeSlackClick("C07VIPSAVES", ts, BlockActionReader.LostId, $"{escalation}|service", "U07LEAD", IsSelect: true));
        await SettleAsync();

        Assert.Equal((null, null), (untouched.Outcome, untouched.OutcomeReason));
        Assert.Equal(
            ["Lost needs one of this playbook's reasons (price, product, service, other); nothing changed. Pick it from the menu again.",
             "Lost needs one of this playbook's reasons (price, product, service, other); nothing changed. Pick it from the menu again."],
            _slack.Interactivity.Responses.Select(r => r.Body["text"]!.GetValue<string>()));
        Assert.Equal(
            [nameof(RetentionPlaybooks.Host.Storage.CaseResult.UnknownReason), nameof(RetentionPlaybooks.Host.Storage.CaseResult.UnknownReason), nameof(RetentionPlaybooks.Host.Storage.CaseResult.Applied)],
            (await Store.Actions.AllAsync(10, CancellationToken.None)).Select(a => a.Result));
        Assert.Single(_slack.Updates);
        Assert.Equal(("lost", "service"), ((await Store.Actions.CaseAsync(escalation, CancellationToken.None))! is var s ? (s.Outcome, s.OutcomeReason) : default));
    }

    [Fact]
    public async Task AcknowledgedAfterTheSla_SaysByHowMuchItWasMissed()
    {
        var (escalation, ts) = await EscalateAsync(3);
        _time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(12));

        await ClickAsync(Button(ts, BlockActionReader.AcknowledgeId, escalation, "U07LEAD"));
        await SettleAsync();

        var message = _slack.MessagesIn("C07VIPSAVES").Single(m => m.Ts == ts);
        Assert.Equal(":eyes: Acknowledged by <@U07LEAD> after 2 h 12 min (SLA 2h: missed by 12 min)", message.Body["blocks"]!.AsArray().Last()!["elements"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task ASlackRetry_AndTwoPeopleClickingAtOnce_ChangeTheCaseOnce()
    {
        var (escalation, ts) = await EscalateAsync(4);
        _time.Advance(TimeSpan.FromMinutes(1));

        await ClickAsync(Button(ts, BlockActionReader.SavedId, escalation, "U07LEAD") with { ActionTs = "1795870860.000001" });
        await ClickAsync(Button(ts, BlockActionReader.SavedId, escalation, "U07LEAD") with { ActionTs = "1795870860.000001", RetryNum = 1 });
        var twoAtOnce = new[]
        {
            _slack.ClickAsync(_client, new Uri(_client.BaseAddress!, "/slack/interactivity"), Button(ts, BlockActionReader.SavedId, escalation, "U07A"), Secret),
            _slack.ClickAsync(_client, new Uri(_client.BaseAddress!, "/slack/interactivity"), new FakeSlackClick("C07VIPSAVES", ts, BlockActionReader.LostId, $"{escalation}|price", "U07B", IsSelect: true), Secret),
        };
        foreach (var response in await Task.WhenAll(twoAtOnce))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }
        await SettleAsync();

        Assert.Single(_slack.Updates);
        Assert.Equal(2, _slack.Interactivity.Responses.Count);   // the two who were second; the retry is stored once and told nothing
        var state = (await Store.Actions.CaseAsync(escalation, CancellationToken.None))!;
        Assert.Equal(("saved", "U07LEAD"), (state.Outcome, state.OutcomeBy));
    }

    [Fact]
    public async Task AClickOnAnUnknownEscalation_IsToldSo_AndChangesNothing()
    {
        await ClickAsync(Button("1.1", BlockActionReader.AcknowledgeId, "01JNOTACASE000000000000000", "U07LEAD"));
        await SettleAsync();

        Assert.Empty(_slack.Updates);
        Assert.Equal("This message is not a case this RetentionPlaybooks host knows; nothing changed.", Assert.Single(_slack.Interactivity.Responses).Body["text"]!.GetValue<string>());
    }
}
