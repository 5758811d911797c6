using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Tests.Cli;
using RetentionPlaybooks.Tests.Slack;
using Xunit;

namespace RetentionPlaybooks.Tests.Pipeline;

/// <summary>
/// The inhibition stage on its own over the in-memory history (the shipped winback audit, inhibited by the cancel-save for
/// 14 days): an open case holds it back and is named, a case with an outcome, one older than the window, another customer's
/// or another playbook's does not; the window's edge; then through the whole pipeline, across batches and within one.
/// </summary>
public sealed class InhibitionCheckerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 16, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Within = TimeSpan.FromDays(14);
    private static readonly CompiledPlaybook Winback = RenderHarness.Compilation.Playbooks.Single(p => p.Id == "winback-exclusions");
    private static readonly CompiledPlaybook Vip = RenderHarness.Compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment");

    private readonly InMemoryEscalationHistory _history = new();

    private static Escalation Case(string id, string customer, DateTimeOffset at, string playbook = "subscription-cancel-save") =>
        new(id, playbook, customer, RenderHarness.Compilation.Workspace!.Channels["subscription-saves"], null,
            new SlackMessage(new RetentionPlaybooks.Slack.BlockKit.BlockKitMessage("C", "t", [])), at);

    private ValueTask<Inhibition?> Check(string customer, DateTimeOffset now, CompiledPlaybook? playbook = null, IEnumerable<Escalation>? batch = null) =>
        new InhibitionChecker(_history, batch ?? []).CheckAsync(playbook ?? Winback, customer, now, CancellationToken.None);

    [Fact]
    public async Task AnOpenCase_InhibitsTheCustomer_AndTheReasonNamesTheCaseItsPlaybookAndItsAge()
    {
        _history.Record(Case("01CASEOPEN", "cus_1", T0));

        var inhibition = await Check("cus_1", T0 + TimeSpan.FromHours(2) + TimeSpan.FromMinutes(5));

        Assert.Equal(new OpenCase("01CASEOPEN", "subscription-cancel-save", T0), inhibition!.Case);
        Assert.Equal("inhibited: case 01CASEOPEN of subscription-cancel-save is open (escalated 2 h ago)", inhibition.Detail);
    }

    [Fact]
    public async Task ACaseWithAnOutcome_NoLongerInhibits()
    {
        _history.Record(Case("01CASEDONE", "cus_1", T0));
        _history.Close("01CASEDONE");

        Assert.Null(await Check("cus_1", T0 + TimeSpan.FromHours(2)));
    }

    [Fact]
    public async Task TheWindow_IncludesExactlyWithinAgo_AndNotATickMore()
    {
        _history.Record(Case("01CASEOLD", "cus_1", T0));

        var atTheEdge = await Check("cus_1", T0 + Within);
        var pastIt = await Check("cus_1", T0 + Within + TimeSpan.FromTicks(1));

        Assert.Equal("inhibited: case 01CASEOLD of subscription-cancel-save is open (escalated 14 days ago)", atTheEdge?.Detail);
        Assert.Null(pastIt);
    }

    [Fact]
    public async Task AnotherCustomer_AnotherPlaybook_AndNoCustomerId_AreNotInhibited()
    {
        _history.Record(Case("01CASEX", "cus_x", T0));
        _history.Record(Case("01VIPY", "cus_y", T0, playbook: "vip-cart-abandonment"));
        _history.Record(Case("01NOBODY", "", T0));

        Assert.Null(await Check("cus_other", T0 + TimeSpan.FromHours(1)));
        Assert.Null(await Check("cus_y", T0 + TimeSpan.FromHours(1)));
        Assert.Null(await Check("", T0 + TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task ACaseEscalatedAfterTheSignalsTime_IsOpenNow_AndTheReasonSaysSo()
    {
        // A signal Customer.io delivered hours late is judged at its own time, before a case the history already holds.
        _history.Record(Case("01CASELATER", "cus_1", T0 + TimeSpan.FromHours(3)));

        Assert.Equal("inhibited: case 01CASELATER of subscription-cancel-save is open (escalated 3 h after this signal)", (await Check("cus_1", T0))?.Detail);
    }

    [Fact]
    public async Task APlaybookWithoutAnInhibitRule_IsNeverInhibited()
    {
        _history.Record(Case("01CASEOPEN", "cus_1", T0));

        Assert.Null(await Check("cus_1", T0 + TimeSpan.FromHours(1), playbook: Vip));
    }

    [Fact]
    public async Task SeveralOpenCases_TheLatestIsNamed_AndAClosedLaterOneIsPassedOver()
    {
        _history.Record(Case("01CASEA", "cus_1", T0));
        _history.Record(Case("01CASEC", "cus_1", T0 + TimeSpan.FromHours(2)));
        _history.Record(Case("01CASEB", "cus_1", T0 + TimeSpan.FromHours(1)));
        _history.Record(Case("01CASED", "cus_1", T0 + TimeSpan.FromHours(3)));
        _history.Close("01CASED");

        Assert.Equal("01CASEC", (await Check("cus_1", T0 + TimeSpan.FromHours(4)))?.Case.EscalationId);
    }

    [Fact]
    public async Task TheBatchsEscalations_NotYetStored_AreOpenCases()
    {
        var batch = new List<Escalation> { Case("01BATCH", "cus_1", T0), Case("01BATCHOTHER", "cus_2", T0) };

        var inhibited = await Check("cus_1", T0 + TimeSpan.FromMinutes(30), batch: batch);
        var tooOld = await Check("cus_1", T0 + Within + TimeSpan.FromTicks(1), batch: batch);

        Assert.Equal("inhibited: case 01BATCH of subscription-cancel-save is open (escalated 30 min ago)", inhibited?.Detail);
        Assert.Null(tooOld);
    }

    [Fact]
    public async Task TheBatchsWindow_IncludesExactlyWithinAgo_AsTheStoresDoes()
    {
        var batch = new List<Escalation> { Case("01BATCHEDGE", "cus_1", T0) };

        Assert.Equal("01BATCHEDGE", (await Check("cus_1", T0 + Within, batch: batch))?.Case.EscalationId);
    }

    [Fact]
    public async Task ACaseInTheBatch_IsNamedBeforeAnOlderOneTheHistoryHolds()
    {
        // The batch is this very moment's work: its case is the latest, and the history is not even asked.
        _history.Record(Case("01STORED", "cus_1", T0));
        var batch = new List<Escalation> { Case("01BATCHNEW", "cus_1", T0 + TimeSpan.FromHours(1)) };

        Assert.Equal("01BATCHNEW", (await Check("cus_1", T0 + TimeSpan.FromHours(2), batch: batch))?.Case.EscalationId);
    }

    [Fact]
    public void TheReason_ForACaseEscalatedThisVeryInstant_SaysAgo()
    {
        var open = new OpenCase("01NOW", "subscription-cancel-save", T0);

        Assert.Equal("inhibited: case 01NOW of subscription-cancel-save is open (escalated just now)", InhibitionChecker.Describe(open, T0));
        Assert.Equal("inhibited: case 01NOW of subscription-cancel-save is open (escalated 1 min after this signal)", InhibitionChecker.Describe(open, T0 - TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task AWindowLongerThanTheCalendarReachesBack_CountsEveryCase_WithoutOverflowing()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("winback-exclusions.yaml", "within: 14d", "within: 1000000w");
        var compiled = PlaybookCompiler.CompileDirectory(dir.Path);
        Assert.DoesNotContain(compiled.Diagnostics, d => d.IsError);
        _history.Record(Case("01ANCIENT", "cus_1", new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        var inhibition = await Check("cus_1", T0, playbook: compiled.Playbooks.Single(p => p.Id == "winback-exclusions"));

        Assert.Equal("01ANCIENT", inhibition?.Case.EscalationId);
    }

    // ---- through the pipeline ------------------------------------------------------------------------------------------

    private static JsonObject CancelSave(string customer)
    {
        var j = RenderHarness.Sample("subscription-cancel-requested.json");  // 2026-11-28T14:00:00Z
        j["customer"]!["id"] = customer;
        return j;
    }

    private static JsonObject WinbackAudit(string customer)
    {
        var j = RenderHarness.Sample("winback-segment-entered.json");        // 2026-11-28T16:00:00Z
        j["customer"]!["id"] = customer;
        return j;
    }

    private static async Task<PlaybookOutcome> ProcessAsync(SignalPipeline pipeline, JsonObject payload, long source)
    {
        using var doc = JsonDocument.Parse(payload.ToJsonString());
        var outcomes = await pipeline.ProcessAsync(source, SignalSource.Journey, doc.RootElement, "k" + source, T0, T0, CancellationToken.None);
        return Assert.Single(outcomes);
    }

    [Fact]
    public async Task Pipeline_ACancelSaveCaseStored_InhibitsTheCustomersWinbackAudit_WithTheRouteAndEvaluation_NoEscalation()
    {
        var stores = new InMemoryStores();
        var first = stores.Pipeline(RenderHarness.Compilation);
        var cancel = await ProcessAsync(first, CancelSave("cus_same"), 1);
        stores.Commit(first, [cancel]);
        var second = stores.Pipeline(RenderHarness.Compilation);

        var winback = await ProcessAsync(second, WinbackAudit("cus_same"), 2);
        var someoneElse = await ProcessAsync(second, WinbackAudit("cus_else"), 3);

        Assert.Equal(Outcome.Escalated, cancel.Outcome);
        Assert.Equal(Outcome.Inhibited, winback.Outcome);
        Assert.Equal("inhibited", OutcomeText.Of(winback.Outcome));
        Assert.Equal($"inhibited: case {cancel.Escalation!.Id} of subscription-cancel-save is open (escalated 2 h ago)", winback.Reason);
        Assert.Equal(new OpenCase(cancel.Escalation.Id, "subscription-cancel-save", cancel.Escalation.EvaluatedAt), winback.Inhibition!.Case);
        Assert.Equal("retention-ops", winback.Channel!.Name);
        Assert.True(winback.Evaluation!.Escalates);
        Assert.Null(winback.Escalation);
        Assert.Null(winback.Suppression);
        Assert.Equal(Outcome.Escalated, someoneElse.Outcome);
    }

    [Fact]
    public async Task Pipeline_InOneBatch_TheCancelSaveJustDecided_InhibitsTheWinbackAudit_UntilItsSourceIsForgotten()
    {
        var pipeline = new InMemoryStores().Pipeline(RenderHarness.Compilation);

        var cancel = await ProcessAsync(pipeline, CancelSave("cus_same"), 1);
        var inhibited = await ProcessAsync(pipeline, WinbackAudit("cus_same"), 2);
        Assert.Equal("checking the inhibit rule of playbook winback-exclusions", pipeline.Stage);
        pipeline.Forget(1);
        var afterForget = await ProcessAsync(pipeline, WinbackAudit("cus_same"), 3);

        Assert.Equal(cancel.Escalation!.Id, inhibited.Inhibition?.Case.EscalationId);
        Assert.Equal(Outcome.Escalated, afterForget.Outcome);
    }

    [Fact]
    public async Task Pipeline_OnceTheCaseHasAnOutcome_TheWinbackAuditEscalates()
    {
        var stores = new InMemoryStores();
        var first = stores.Pipeline(RenderHarness.Compilation);
        var cancel = await ProcessAsync(first, CancelSave("cus_same"), 1);
        stores.Commit(first, [cancel]);
        stores.History.Close(cancel.Escalation!.Id);

        var winback = await ProcessAsync(stores.Pipeline(RenderHarness.Compilation), WinbackAudit("cus_same"), 2);

        Assert.Equal(Outcome.Escalated, winback.Outcome);
    }
}
