using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// What the write-back asks of the Track API, in process and to the byte: each field's name, the SLA verdict at its edge,
/// times that cannot be negative, and the hold's attributes that never create a person. WriteBackTests sends them through a
/// real Track API fake; these pin what a Journey or a report downstream reads.
/// </summary>
public sealed class WriteBackPayloadTests
{
    private static readonly Lazy<CompilationResult> Playbooks = new(() => PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks));
    private static readonly DateTimeOffset Created = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static CompiledPlaybook Playbook(string id) => Playbooks.Value.Playbooks.Single(p => p.Id == id);

    private static JsonObject Request(NewDelivery delivery) => JsonNode.Parse(delivery.Body)!.AsObject();

    private static CaseState Case(DateTimeOffset? acknowledged, DateTimeOffset? slaDue, string? customer = "cus_1", string outcome = "saved") =>
        new("esc_1", "vip-cart-abandonment", "C1", Created, acknowledged is null ? null : "U1", acknowledged, outcome, null, "U1", null, null, null, null,
            SlaDueAt: slaDue, CustomerId: customer, Value: 180m);

    [Fact]
    public void OnEscalation_WithAHold_PutsTheHoldWithoutCreatingAPerson_ThenPostsTheEvent_EveryFieldNamed()
    {
        var at = Created;
        var list = WriteBack.OnEscalation("esc_1", Playbook("vip-cart-abandonment"), "cus 1/x", "vip-saves", at, at.AddHours(2), at.AddHours(72));

        Assert.Equal(2, list.Count);
        var hold = Request(list[0]);
        Assert.Equal("PUT", (string?)hold["method"]);
        Assert.Equal("customers/cus%201%2Fx", (string?)hold["path"]);
        Assert.Equal(DeliveryPurposes.Hold, list[0].Purpose);
        Assert.Equal(
            $$"""{"retention_hold_until":{{at.AddHours(72).ToUnixTimeSeconds()}},"retention_hold_playbook":"vip-cart-abandonment","_timestamp":{{at.ToUnixTimeSeconds()}},"_update":true}""",
            hold["body"]!.ToJsonString());
        var escalated = Request(list[1]);
        Assert.Equal("POST", (string?)escalated["method"]);
        Assert.Equal("customers/cus%201%2Fx/events", (string?)escalated["path"]);
        Assert.Equal(WriteBack.EscalatedEvent, (string?)escalated["body"]!["name"]);
        Assert.Equal(list[1].Id, (string?)escalated["body"]!["id"]);
        Assert.Equal(at.ToUnixTimeSeconds(), (long)escalated["body"]!["timestamp"]!);
        Assert.Equal(
            $$"""{"playbook":"vip-cart-abandonment","escalation_id":"esc_1","channel":"vip-saves","owner":"{{Playbook("vip-cart-abandonment").Owner.Name}}","hold_until":{{at.AddHours(72).ToUnixTimeSeconds()}},"sla_due_at":{{at.AddHours(2).ToUnixTimeSeconds()}}}""",
            escalated["body"]!["data"]!.ToJsonString());
    }

    [Fact]
    public void OnEscalation_WithoutAHoldOrAnSla_PostsTheEventAlone_WithNulls()
    {
        var list = WriteBack.OnEscalation("esc_1", Playbook("vip-cart-abandonment"), "cus_1", "vip-saves", Created, DateTimeOffset.MaxValue, null);

        var data = Request(Assert.Single(list))["body"]!["data"]!.AsObject();
        Assert.Null(data["hold_until"]);
        Assert.Null(data["sla_due_at"]);
        Assert.True(data.ContainsKey("hold_until") && data.ContainsKey("sla_due_at"));
        Assert.Empty(WriteBack.OnEscalation("esc_1", Playbook("vip-cart-abandonment"), "", "vip-saves", Created, null, null));
    }

    [Fact]
    public void OnOutcome_EveryFieldNamed_AndTheTimesFromTheCasesCreation()
    {
        var list = WriteBack.OnOutcome(Case(Created.AddMinutes(10), Created.AddHours(2)) with { OutcomeReason = "price" }, Playbook("vip-cart-abandonment"), Created.AddHours(3));

        var body = Request(list[0])["body"]!;
        Assert.Equal(WriteBack.OutcomeEvent, (string?)body["name"]);
        Assert.Equal(
            """{"playbook":"vip-cart-abandonment","escalation_id":"esc_1","outcome":"saved","reason":"price","seconds_to_acknowledge":600,"sla_met":true,"seconds_to_outcome":10800,"value":180}""",
            body["data"]!.ToJsonString());
    }

    [Theory]
    [InlineData(-1, true)]     // the first action a second before the SLA's end
    [InlineData(0, true)]      // exactly at its end: met
    [InlineData(1, false)]     // a second after: missed
    public void OnOutcome_TheSlaIsMetByTheFirstAction_AtItsEnd(int acknowledgedAfterDue, bool met)
    {
        var due = Created.AddHours(2);
        var list = WriteBack.OnOutcome(Case(due.AddSeconds(acknowledgedAfterDue), due), Playbook("vip-cart-abandonment"), due.AddHours(5));

        Assert.Equal(met, (bool)Request(list[0])["body"]!["data"]!["sla_met"]!);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void OnOutcome_WithoutAnAcknowledgement_TheOutcomeIsTheFirstAction(int outcomeAfterDue, bool met)
    {
        var due = Created.AddHours(2);
        var list = WriteBack.OnOutcome(Case(null, due), Playbook("vip-cart-abandonment"), due.AddSeconds(outcomeAfterDue));

        var data = Request(list[0])["body"]!["data"]!;
        Assert.Equal(met, (bool)data["sla_met"]!);
        Assert.Null(data["seconds_to_acknowledge"]);
    }

    [Fact]
    public void OnOutcome_TimesBeforeTheCasesCreation_AreZero_NeverNegative()
    {
        // A clock moved back between the escalation and the click (another host's clock, NTP).
        var list = WriteBack.OnOutcome(Case(Created.AddMinutes(-5), null), Playbook("vip-cart-abandonment"), Created.AddMinutes(-1));

        var data = Request(list[0])["body"]!["data"]!;
        Assert.Equal(0, (long)data["seconds_to_acknowledge"]!);
        Assert.Equal(0, (long)data["seconds_to_outcome"]!);
        Assert.Null(data["sla_met"]);
    }

    [Fact]
    public void OnOutcome_ThatEndsTheHold_PutsItsEndNow_WithoutCreatingAPerson_AndOnlyThatOutcome()
    {
        using var copy = new PlaybookCopy().Replace("vip-cart-abandonment.yaml", "hold_promotions: 72h\n", "hold_promotions: 72h\nhold_ends_on: [lost]\n");
        var playbook = PlaybookCompiler.CompileDirectory(copy.Path).Playbooks.Single(p => p.Id == "vip-cart-abandonment");
        var at = Created.AddHours(1);

        var lost = WriteBack.OnOutcome(Case(null, null, outcome: "lost"), playbook, at);
        var saved = WriteBack.OnOutcome(Case(null, null, outcome: "saved"), playbook, at);

        Assert.Equal(2, lost.Count);
        Assert.Equal(DeliveryPurposes.HoldEnd, lost[1].Purpose);
        Assert.Equal("PUT", (string?)Request(lost[1])["method"]);
        Assert.Equal(
            $$"""{"retention_hold_until":{{at.ToUnixTimeSeconds()}},"retention_hold_playbook":"vip-cart-abandonment","_timestamp":{{at.ToUnixTimeSeconds()}},"_update":true}""",
            Request(lost[1])["body"]!.ToJsonString());
        Assert.Single(saved);
        // The shipped playbook names no outcome: its hold runs its course.
        Assert.Single(WriteBack.OnOutcome(Case(null, null, outcome: "lost"), Playbook("vip-cart-abandonment"), at));
        Assert.Empty(WriteBack.OnOutcome(Case(null, null, customer: null), playbook, at));
        Assert.Empty(WriteBack.OnOutcome(Case(null, null, customer: ""), playbook, at));
        Assert.Empty(WriteBack.OnOutcome(Case(null, null) with { Outcome = null }, playbook, at));
    }
}
