using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The exact bodies the case loop sends besides the update: the SLA reminder, the SLA escalation's forward, the hold-violation
/// reply and the reply to someone who was not first. Slack reads each field: unfurling off (a link must not expand a
/// customer's page into the channel), the metadata an in-doubt lookup finds them by, the fallback text for notifications.
/// </summary>
public sealed class CaseMessageBodyTests
{
    private static readonly Lazy<CompilationResult> Playbooks = new(() => PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks));

    private static CompiledPlaybook Playbook(string id) => Playbooks.Value.Playbooks.Single(p => p.Id == id);

    private static JsonNode Json(byte[] body) => JsonNode.Parse(body)!;

    private static readonly DateTimeOffset Due = new(2026, 11, 29, 13, 42, 0, TimeSpan.Zero);

    [Fact]
    public void Reminder_MentionsTheOwner_SaysWhenTheSlaEnds_DoesNotUnfurl_AndCarriesItsMetadata()
    {
        var playbook = Playbook("post-purchase-risk");

        var body = Json(CaseMessages.Reminder("01E", playbook, new SlaSchedule(Due.AddHours(-20), Due)));

        var expected = JsonNode.Parse($$$"""
            {"text":":alarm_clock: <@{{{playbook.Owner.SlackUser}}}> nobody has acknowledged this case yet; its SLA (1d) ends <!date^{{{Due.ToUnixTimeSeconds()}}}^{date_short_pretty} at {time}|2026-11-29 13:42 UTC>.",
             "unfurl_links":false,"unfurl_media":false,
             "metadata":{"event_type":"retention_sla_reminder","event_payload":{"escalation_id":"01E","playbook":"post-purchase-risk"} } }
            """);
        Assert.True(JsonNode.DeepEquals(expected, body), body.ToJsonString());
    }

    [Fact]
    public void Forward_NamesThePlaybookChannelSlaAndOwner_LinksTheCase_DoesNotUnfurl_AndCarriesItsMetadata()
    {
        var playbook = Playbook("post-purchase-risk");
        var to = playbook.SlaEscalateTo!;

        var body = Json(CaseMessages.Forward("01E", playbook, "cx-escalations", to));

        var expected = JsonNode.Parse($$$"""
            {"channel":"{{{to.SlackTarget}}}",
             "text":"SLA missed: a post-purchase-risk case in cx-escalations was not acknowledged within 1d",
             "blocks":[{"type":"section","block_id":"rp_sla_escalation","text":{"type":"mrkdwn",
               "text":":rotating_light: *SLA missed:* a *post-purchase-risk* case in *cx-escalations* was not acknowledged within 1d (owner <@{{{playbook.Owner.SlackUser}}}>). <{permalink}|Open the case>"} }],
             "unfurl_links":false,"unfurl_media":false,
             "metadata":{"event_type":"retention_sla_escalation","event_payload":{"escalation_id":"01E","playbook":"post-purchase-risk"} } }
            """);
        Assert.True(JsonNode.DeepEquals(expected, body), body.ToJsonString());
    }

    [Fact]
    public void HoldViolation_SaysWhichPromotionAndUntilWhen_EscapesIt_DoesNotUnfurl_AndCarriesItsMetadata()
    {
        var body = Json(CaseMessages.HoldViolation("01D", "01E", "newsletter:<b>&", Due.AddDays(-1), Due));

        var expected = JsonNode.Parse($$$"""
            {"text":":warning: *Hold violated:* promotional newsletter &lt;b&gt;&amp; was sent to this customer at <!date^{{{Due.AddDays(-1).ToUnixTimeSeconds()}}}^{date_short_pretty} at {time}|2026-11-28 13:42 UTC>, while their retention hold runs until <!date^{{{Due.ToUnixTimeSeconds()}}}^{date_short_pretty} at {time}|2026-11-29 13:42 UTC>. Check that promotion's filter or exit condition (docs/customerio-setup.md).",
             "unfurl_links":false,"unfurl_media":false,
             "metadata":{"event_type":"retention_hold_violation","event_payload":{"escalation_id":"01E","delivery_id":"01D","promotion":"newsletter:<b>&"} } }
            """);
        Assert.True(JsonNode.DeepEquals(expected, body), body.ToJsonString());
    }

    [Fact]
    public void SomeoneWasFirst_TheClickerGetsAnEphemeralReply_ThatLeavesTheMessageAlone()
    {
        var click = new BlockAction("T1", "U3", CaseAction.Saved, "01E", null, "1.1", "https://hooks.slack.com/actions/T1/1/x");
        var closed = new CaseState("01E", "post-purchase-risk", "C07CXESCAL", HostApp.Start, null, null, "lost", "price", "U2", HostApp.Start.AddMinutes(5),
            null, "C07CXESCAL", "1.1");
        var transition = new CaseTransition(new StoredAction(1, click, HostApp.Start, HostApp.Start, "AlreadyClosed"), CaseResult.AlreadyClosed, closed, closed);

        var delivery = Assert.Single(CaseMessages.For(transition, Playbooks.Value, HostApp.Start.AddMinutes(7)));

        Assert.Equal((DeliveryKind.Ephemeral, "01E", "ephemeral:01E"), (delivery.Kind, delivery.EscalationId, delivery.Target));
        var expected = JsonNode.Parse("""
            {"url":"https://hooks.slack.com/actions/T1/1/x",
             "message":{"response_type":"ephemeral","replace_original":false,"delete_original":false,
               "text":"This case was already marked *lost* (price) by <@U2> 2 min ago; nothing changed."}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, Json(delivery.Body)), Encoding.UTF8.GetString(delivery.Body));
    }

    [Fact]
    public void Clocks_AReminderDueWithTheSla_IsNotSent_OneSecondBefore_Is()
    {
        var playbook = Playbook("post-purchase-risk");
        var body = "{\"text\":\"x\",\"blocks\":[]}"u8.ToArray();

        var same = CaseMessages.Clocks("01E", playbook, "cx-escalations", "C07CXESCAL", body, new SlaSchedule(Due, Due), HostApp.Start);
        var before = CaseMessages.Clocks("01E", playbook, "cx-escalations", "C07CXESCAL", body, new SlaSchedule(Due.AddSeconds(-1), Due), HostApp.Start);

        Assert.Equal([SlaClocks.Breach, SlaClocks.Escalate], same.Select(d => d.Clock));
        Assert.Equal([SlaClocks.Remind, SlaClocks.Breach, SlaClocks.Escalate], before.Select(d => d.Clock));
        Assert.Empty(CaseMessages.Clocks("01E", playbook, "cx-escalations", "C07CXESCAL", body, new SlaSchedule(DateTimeOffset.MaxValue, DateTimeOffset.MaxValue), HostApp.Start));
    }
}
