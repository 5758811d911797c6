using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Tests.Slack;
using Xunit;

namespace RetentionPlaybooks.Tests.Evaluation;

/// <summary>
/// The evaluator as <c>playbooks explain</c> runs it (every gate, exclusion and route evaluated and explained) against the
/// fast decision (up to the first check that decides): the same outcome, and the route named the same way.
/// </summary>
public sealed class PlaybookEvaluatorExplainTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1795870800);

    private static async Task<PlaybookOutcome> VipAsync(double cartValue, bool explain, bool vip = true)
    {
        var payload = RenderHarness.Sample("vip-cart-abandoned.json");
        payload["event"]!["data"]!["cart_value"] = cartValue;
        payload["customer"]!["vip"] = vip;
        payload["customer"]!["ltv"] = vip ? "2480.50" : "10";
        var pipeline = new SignalPipeline(RenderHarness.Compilation, new InMemoryEscalationHistory(), new InMemoryAttributeSnapshots(), explain);
        using var doc = JsonDocument.Parse(payload.ToJsonString());
        var outcomes = await pipeline.ProcessAsync(1, SignalSource.Journey, doc.RootElement, "k1", T0, T0, CancellationToken.None);
        return Assert.Single(outcomes, o => o.Playbook?.Id == "vip-cart-abandonment");
    }

    private static string[] Checks(PlaybookOutcome outcome) =>
        [.. outcome.Evaluation!.Checks.Select(c => $"{c.Kind} {c.Expression} {(c.Result ? "holds" : "fails")}")];

    [Theory]
    [InlineData(600, "escalates to retention-lead-dm (route \"event.cart_value >= 500\")")]
    [InlineData(200, "escalates to vip-saves (default route)")]
    public async Task TheRouteChosen_IsNamedTheSame_ExplainedOrNot(double cartValue, string reason)
    {
        var fast = await VipAsync(cartValue, explain: false);
        var explained = await VipAsync(cartValue, explain: true);

        Assert.Equal(reason, fast.Evaluation!.Reason);
        Assert.Equal(reason, explained.Evaluation!.Reason);
        Assert.Equal(fast.Channel, explained.Channel);
    }

    [Fact]
    public async Task Explained_EveryGateExclusionAndRouteIsListed_TheFirstRouteThatHoldsWins_TheDefaultLast()
    {
        var explained = await VipAsync(600, explain: true);

        Assert.Equal(
            ["Gate customer.ltv >= 1000 or customer.vip holds", "Gate event.cart_value >= 150 holds", "Gate customer.order_count >= 2 holds",
             "Exclusion customer.open_support_case fails", "Exclusion customer.last_refund_at within 30d fails", "Exclusion customer.fraud_flag fails",
             "Exclusion customer.unsubscribed fails", "Route event.cart_value >= 500 holds", "Route default holds"],
            Checks(explained));
        Assert.Equal("default → vip-saves", explained.Evaluation!.Checks[^1].Reason);
        Assert.Equal("retention-lead-dm", explained.Channel!.Name);
    }

    [Fact]
    public async Task Explained_AFailingGate_StillListsTheRest_ButTheDecisionIsTheFirstFailure()
    {
        var fast = await VipAsync(20, explain: false);
        var explained = await VipAsync(20, explain: true);

        Assert.Equal(Outcome.Skipped, fast.Outcome);
        Assert.Equal(Outcome.Skipped, explained.Outcome);
        Assert.Equal(fast.Evaluation!.Reason, explained.Evaluation!.Reason);
        Assert.StartsWith("gate \"event.cart_value >= 150\" did not hold: ", explained.Evaluation.Reason, StringComparison.Ordinal);
        // The fast decision stops at the failing gate; the explanation goes on through every check.
        Assert.Equal(["Gate event.cart_value >= 150 fails"], Checks(fast));
        Assert.Equal(9, Checks(explained).Length);
        Assert.Contains("Gate event.cart_value >= 150 fails", Checks(explained));
    }
}
