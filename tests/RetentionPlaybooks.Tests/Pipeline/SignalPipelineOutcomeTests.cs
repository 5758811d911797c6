using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Tests.Cli;
using RetentionPlaybooks.Tests.Slack;
using Xunit;

namespace RetentionPlaybooks.Tests.Pipeline;

/// <summary>
/// Each outcome the pipeline gives, with everything it carries (reason, channel, suppression, evaluation, escalation);
/// the stage it reports at each point; explain mode; attribute changes through the whole pipeline; what Forget drops.
/// </summary>
public sealed class SignalPipelineOutcomeTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1795870800); // the sample's timestamp
    private static readonly Lazy<CompilationResult> WithPaused = new(() => CompileWith(SubscriptionPausedPlaybook.WriteTo));

    private readonly InMemoryStores _stores = new();

    private static CompilationResult CompileWith(Action<TempPlaybooks> change)
    {
        using var dir = new TempPlaybooks();
        change(dir);
        var result = PlaybookCompiler.CompileDirectory(dir.Path);
        Assert.True(result.DataModel is not null && result.Workspace is not null, "the changed playbooks compile");
        return result;
    }

    private static JsonObject Cart(string customer, string checkout = "chk_1", double cartValue = 184)
    {
        var j = RenderHarness.Sample("vip-cart-abandoned.json");
        j["customer"]!["id"] = customer;
        j["event"]!["data"]!["checkout_id"] = checkout;
        j["event"]!["data"]!["cart_value"] = cartValue;
        return j;
    }

    private static async Task<IReadOnlyList<PlaybookOutcome>> Process(SignalPipeline pipeline, JsonNode payload, long source = 1, SignalSource kind = SignalSource.Journey, DateTimeOffset? receivedAt = null, DateTimeOffset? renderedAt = null)
    {
        using var doc = JsonDocument.Parse(payload.ToJsonString());
        return await pipeline.ProcessAsync(source, kind, doc.RootElement, "k" + source, receivedAt ?? T0, renderedAt ?? receivedAt ?? T0, CancellationToken.None);
    }

    private static long UlidMilliseconds(string id)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        long ms = 0;
        foreach (var c in id[..10]) ms = (ms << 5) | (uint)alphabet.IndexOf(c, StringComparison.Ordinal);
        return ms;
    }

    [Fact]
    public void Stage_BeforeAnything_IsStarting()
    {
        Assert.Equal("starting", _stores.Pipeline(RenderHarness.Compilation).Stage);
    }

    [Fact]
    public async Task Escalated_CarriesTheDecisionsReason_TheChannel_TheEvaluation_AndTheEscalation()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);
        var receivedAt = T0 + TimeSpan.FromHours(2);
        var renderedAt = T0 + TimeSpan.FromHours(3);

        var outcome = Assert.Single(await Process(pipeline, Cart("cus_e", "chk_e"), source: 7, receivedAt: receivedAt, renderedAt: renderedAt));

        Assert.Equal("vip-cart-abandonment", outcome.Playbook!.Id);
        Assert.Equal(Outcome.Escalated, outcome.Outcome);
        Assert.Equal("escalates to vip-saves (default route)", outcome.Reason);
        Assert.Equal("vip-saves", outcome.Channel!.Name);
        Assert.Null(outcome.Suppression);
        Assert.Equal(DecisionOutcome.Escalate, outcome.Evaluation!.Outcome);
        Assert.Empty(outcome.Evaluation.Checks); // not in explain mode: nothing to explain
        var escalation = outcome.Escalation!;
        Assert.Equal("vip-cart-abandonment", escalation.Playbook);
        Assert.Equal("cus_e", escalation.CustomerId);
        Assert.Same(outcome.Channel, escalation.Channel);
        Assert.Equal("cart-chk_e", escalation.DedupeKey);
        Assert.Equal(T0, escalation.EvaluatedAt);
        Assert.Equal(26, escalation.Id.Length);
        Assert.Equal(renderedAt.ToUnixTimeMilliseconds(), UlidMilliseconds(escalation.Id));
        Assert.Contains(escalation.Id, Encoding.UTF8.GetString(escalation.Message.Body.Span), StringComparison.Ordinal); // the metadata names it
        Assert.Equal("rendering playbook vip-cart-abandonment", pipeline.Stage);
    }

    [Fact]
    public async Task Escalated_APlaybookWithoutADedupeKey_HasNone()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);

        var outcome = Assert.Single(await Process(pipeline, RenderHarness.Sample("winback-segment-entered.json")));

        Assert.Equal(Outcome.Escalated, outcome.Outcome);
        Assert.Equal("winback-exclusions", outcome.Playbook!.Id);
        Assert.Null(outcome.Escalation!.DedupeKey);
    }

    [Fact]
    public async Task Suppressed_CarriesTheSuppression_TheChannel_AndTheEvaluation_ButNoEscalation()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);

        await Process(pipeline, Cart("cus_s1", "chk_same"), source: 1);
        var outcome = Assert.Single(await Process(pipeline, Cart("cus_s2", "chk_same"), source: 2));

        Assert.Equal(Outcome.Suppressed, outcome.Outcome);
        Assert.Equal(SuppressionKind.Dedupe, outcome.Suppression!.Kind);
        Assert.Equal("duplicate: dedupe key \"cart-chk_same\" already escalated", outcome.Reason);
        Assert.Equal(outcome.Suppression.Detail, outcome.Reason);
        Assert.Equal("vip-saves", outcome.Channel!.Name);
        Assert.Equal(DecisionOutcome.Escalate, outcome.Evaluation!.Outcome);
        Assert.Null(outcome.Escalation);
        Assert.Equal("checking the guardrails of playbook vip-cart-abandonment", pipeline.Stage);
    }

    [Fact]
    public async Task Skipped_ByAGate_CarriesTheGatesReason_AndNoChannel()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);

        var outcome = Assert.Single(await Process(pipeline, Cart("cus_k", cartValue: 20)));

        Assert.Equal(Outcome.Skipped, outcome.Outcome);
        Assert.StartsWith("gate \"event.cart_value >= 150\" did not hold", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.GateFailed, outcome.Evaluation!.Outcome);
        Assert.Equal(outcome.Evaluation.Reason, outcome.Reason);
        Assert.Null(outcome.Channel);
        Assert.Null(outcome.Suppression);
        Assert.Null(outcome.Escalation);
        Assert.Equal("evaluating playbook vip-cart-abandonment", pipeline.Stage);
    }

    [Fact]
    public async Task Excluded_CarriesTheExclusionsReason_AndNoChannel()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);
        var payload = Cart("cus_x");
        payload["customer"]!["fraud_flag"] = true;

        var outcome = Assert.Single(await Process(pipeline, payload));

        Assert.Equal(Outcome.Excluded, outcome.Outcome);
        Assert.StartsWith("excluded by \"customer.fraud_flag\"", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Excluded, outcome.Evaluation!.Outcome);
        Assert.Null(outcome.Channel);
        Assert.Null(outcome.Escalation);
    }

    [Fact]
    public async Task Disabled_APlaybookSwitchedOff_IsNotTriggeredAtAll()
    {
        // The trigger index holds only enabled playbooks, so the pipeline never sees a Disabled decision.
        var compilation = CompileWith(dir => dir.Replace("vip-cart-abandonment.yaml", "description: >", "enabled: false\ndescription: >"));
        var pipeline = new InMemoryStores().Pipeline(compilation);

        var outcome = Assert.Single(await Process(pipeline, Cart("cus_d")));

        Assert.Equal(Outcome.NoTrigger, outcome.Outcome);
        Assert.Equal("no playbook is triggered by the event \"checkout_abandoned\"", outcome.Reason);
    }

    [Fact]
    public async Task ExplainMode_ExplainsEveryCheck_TheFastModeNone()
    {
        var explained = Assert.Single(await Process(_stores.Pipeline(RenderHarness.Compilation, explain: true), Cart("cus_p1", "chk_p1")));
        var fast = Assert.Single(await Process(new InMemoryStores().Pipeline(RenderHarness.Compilation), Cart("cus_p1", "chk_p1")));

        Assert.Equal(Outcome.Escalated, explained.Outcome);
        Assert.Equal(Outcome.Escalated, fast.Outcome);
        // 3 gates, 4 exclusions, 2 routes.
        Assert.Equal(
            [CheckKind.Gate, CheckKind.Gate, CheckKind.Gate, CheckKind.Exclusion, CheckKind.Exclusion, CheckKind.Exclusion, CheckKind.Exclusion, CheckKind.Route, CheckKind.Route],
            explained.Evaluation!.Checks.Select(c => c.Kind));
        Assert.Empty(fast.Evaluation!.Checks);
    }

    [Fact]
    public async Task Unreadable_StageIsNormalizing()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);

        var outcome = Assert.Single(await Process(pipeline, new JsonArray()));

        Assert.Equal(Outcome.Unreadable, outcome.Outcome);
        Assert.Null(outcome.Playbook);
        Assert.Equal("the payload must be a JSON object", outcome.Reason);
        Assert.Equal("normalizing the payload", pipeline.Stage);
    }

    [Fact]
    public async Task NoPlaybookMatches_StageIsReadingTheSignal()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);
        var payload = Cart("cus_n");
        payload["event"]!["name"] = "page_viewed";

        Assert.Single(await Process(pipeline, payload));
        Assert.Equal("reading the signal", pipeline.Stage);
    }

    [Fact]
    public async Task ASignalWithoutATrigger_StageIsTrackingAttributeChanges_AndThereIsNoOutcome()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);

        var outcomes = await Process(pipeline, new JsonObject { ["type"] = "identify", ["userId"] = "u1", ["traits"] = new JsonObject { ["plan"] = "x" } }, kind: SignalSource.Pipelines);

        Assert.Empty(outcomes);
        Assert.Equal("tracking attribute changes", pipeline.Stage);
    }

    [Fact]
    public async Task NoTrigger_ForASegmentNoPlaybookWatches_NamesTheSegment()
    {
        var outcome = Assert.Single(await Process(_stores.Pipeline(RenderHarness.Compilation), new JsonObject { ["customer"] = new JsonObject { ["id"] = "c" }, ["segment"] = "gold-members" }));

        Assert.Equal(Outcome.NoTrigger, outcome.Outcome);
        Assert.Null(outcome.Playbook);
        Assert.Equal("no playbook is triggered by entering the segment \"gold-members\"", outcome.Reason);
    }

    [Fact]
    public async Task NoTrigger_ForAChangeNoPlaybookWatches_NamesTheAttribute()
    {
        var outcome = Assert.Single(await Process(_stores.Pipeline(RenderHarness.Compilation), new JsonObject
        {
            ["customer"] = new JsonObject { ["id"] = "c" },
            ["change"] = new JsonObject { ["attribute"] = "plan", ["from"] = "a", ["to"] = "b" },
        }));

        Assert.Equal(Outcome.NoTrigger, outcome.Outcome);
        Assert.Equal("no playbook is triggered by a change of \"plan\"", outcome.Reason);
    }

    [Fact]
    public async Task AnAttributeChange_ThroughThePipeline_EscalatesThePlaybookThatWatchesIt()
    {
        _stores.Snapshots.Save("cus_a", "{\"subscription_status\":\"active\"}");
        var pipeline = _stores.Pipeline(WithPaused.Value);

        var outcome = Assert.Single(await Process(pipeline, new JsonObject
        {
            ["type"] = "identify",
            ["userId"] = "cus_a",
            ["timestamp"] = T0.ToUnixTimeSeconds(),
            ["traits"] = new JsonObject { ["subscription_status"] = "paused" },
        }, kind: SignalSource.Pipelines, receivedAt: T0 + TimeSpan.FromMinutes(5)));

        Assert.Equal("subscription-paused", outcome.Playbook!.Id);
        Assert.Equal(Outcome.Escalated, outcome.Outcome);
        Assert.Equal("cus_a", outcome.Escalation!.CustomerId);
        Assert.Equal(T0, outcome.Escalation.EvaluatedAt);
        Assert.Equal("rendering playbook subscription-paused", pipeline.Stage);
    }

    [Fact]
    public async Task AnEventThatMatchesNothing_WithAnAttributeChangeThatDoes_IsOnlyThePlaybooksOutcome()
    {
        _stores.Snapshots.Save("cus_b", "{\"subscription_status\":\"active\"}");
        var pipeline = _stores.Pipeline(WithPaused.Value);

        var outcome = Assert.Single(await Process(pipeline, new JsonObject
        {
            ["customer"] = new JsonObject { ["id"] = "cus_b", ["subscription_status"] = "paused" },
            ["event"] = new JsonObject { ["name"] = "page_viewed" },
        }));

        Assert.Equal("subscription-paused", outcome.Playbook!.Id);
        Assert.Equal(Outcome.Escalated, outcome.Outcome);
    }

    [Fact]
    public async Task Forget_AlsoDropsThePayloadsAttributeChanges()
    {
        _stores.Snapshots.Save("cus_f", "{\"subscription_status\":\"active\"}");
        var pipeline = _stores.Pipeline(WithPaused.Value);
        var identify = new JsonObject { ["type"] = "identify", ["userId"] = "cus_f", ["traits"] = new JsonObject { ["subscription_status"] = "paused" } };

        var first = Assert.Single(await Process(pipeline, identify, source: 1, kind: SignalSource.Pipelines));
        pipeline.Forget(1);
        _stores.Commit(pipeline, []);

        Assert.Equal(Outcome.Escalated, first.Outcome);
        Assert.Equal("{\"subscription_status\":\"active\"}", await _stores.Snapshots.LastSeenAttributesAsync("cus_f", CancellationToken.None));
        // Set aside and tried again, the payload is a change again (and its escalation no longer counts).
        var again = Assert.Single(await Process(pipeline, identify, source: 2, kind: SignalSource.Pipelines));
        Assert.Equal(Outcome.Escalated, again.Outcome);
    }

    [Fact]
    public async Task Body_IsParsedAndProcessedAsTheElementWouldBe()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);

        var outcome = Assert.Single(await pipeline.ProcessAsync(1, SignalSource.Journey, Encoding.UTF8.GetBytes(Cart("cus_j", "chk_j").ToJsonString()), "k", T0, T0, CancellationToken.None));

        Assert.Equal(Outcome.Escalated, outcome.Outcome);
        Assert.Equal("cart-chk_j", outcome.Escalation!.DedupeKey);
    }

    [Fact]
    public async Task Body_ThatIsNotJson_Throws_WhileNormalizing()
    {
        var pipeline = _stores.Pipeline(RenderHarness.Compilation);

        await Assert.ThrowsAnyAsync<JsonException>(() => pipeline.ProcessAsync(1, SignalSource.Journey, "{not json"u8.ToArray(), "k", T0, T0, CancellationToken.None));
        Assert.Equal("normalizing the payload", pipeline.Stage);
    }

    [Fact]
    public async Task ADedupeKeyThatFailsToRender_IsReportedAsRendering()
    {
        var compilation = CompileWith(dir => dir.Replace("vip-cart-abandonment.yaml", "dedupe_key: \"cart-{{ event.checkout_id }}\"", "dedupe_key: \"cart-{{ event.cart_value | divided_by: 0 }}\""));
        var pipeline = new InMemoryStores().Pipeline(compilation);

        await Assert.ThrowsAnyAsync<Exception>(() => Process(pipeline, Cart("cus_z")));
        Assert.Equal("rendering playbook vip-cart-abandonment", pipeline.Stage);
    }
}
