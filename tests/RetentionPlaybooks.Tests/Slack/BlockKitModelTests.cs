using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.BlockKit;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack;

/// <summary>The Block Kit model: one serialiser for the body and the snapshots, a reader for bodies from outside, plans made at compile time.</summary>
public sealed class BlockKitModelTests
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, string> Shipped => new()
    {
        { "vip-cart-abandonment", "vip-cart-abandoned.json" },
        { "post-purchase-risk", "delivery-delayed.json" },
        { "subscription-cancel-save", "subscription-cancel-requested.json" },
        { "winback-exclusions", "winback-segment-entered.json" },
    };

    private static SlackMessage RenderWithMetadata(string playbookId, string sample)
    {
        var compilation = RenderHarness.Compilation;
        var playbook = compilation.Playbooks.Single(p => p.Id == playbookId);
        using var doc = JsonDocument.Parse(RenderHarness.Sample(sample).ToJsonString());
        var input = TriggerInput.Parse(doc.RootElement.Clone(), out var error) ?? throw new InvalidOperationException(error);
        var record = new RecordReader(compilation.DataModel!).Read(input, RenderHarness.Now);
        return new MessageRenderer(compilation.Workspace!, compilation.DataModel!)
            .Render(playbook, playbook.Routes[^1].Channel, input, record, RenderHarness.Now, "01JTESTESCALATION000000000");
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Body_IsCompactJson_AndThePrettyFormIsTheSameDocument(string playbook, string sample)
    {
        var message = RenderWithMetadata(playbook, sample);

        // What parsing the body and writing it again gives (how snapshots were made before the model): the same text.
        var parsed = JsonNode.Parse(message.Body.Span)!;
        Assert.Equal(parsed.ToJsonString(Compact), message.BodyText);
        Assert.Equal(parsed.ToJsonString(Pretty).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n", message.ToPrettyJson());
        Assert.Equal("01JTESTESCALATION000000000", parsed["metadata"]!["event_payload"]!["escalation_id"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Reader_ReadsARenderedBodyBackWhole(string playbook, string sample)
    {
        var message = RenderWithMetadata(playbook, sample);

        var read = BlockKitReader.Read(JsonNode.Parse(message.Body.Span)!.AsObject());

        Assert.Equal(message.Body.ToArray(), BlockKitWriter.Serialize(read));
        Assert.Equal(message.Model.Metadata, read.Metadata);
        Assert.DoesNotContain(read.Blocks, b => b is UnknownBlock);
    }

    [Fact]
    public void RenderPlans_AreMadeWhenThePlaybookCompiles_OnePerRoute()
    {
        foreach (var playbook in RenderHarness.Compilation.Playbooks)
        {
            Assert.Equal(playbook.Routes.Count, playbook.RenderPlans.Count);
            for (var i = 0; i < playbook.Routes.Count; i++)
            {
                Assert.Same(playbook.Routes[i].Channel, playbook.RenderPlans[i].Channel);
                Assert.Same(playbook.RenderPlans[i], playbook.RenderPlanFor(playbook.Routes[i].Channel));
            }
        }
        var vip = RenderHarness.Compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment");
        Assert.Equal("Playbook *vip-cart-abandonment* · Owner <@U07RETLEAD> · SLA 2h", vip.RenderPlans[0].ContextLine);
        Assert.Null(vip.RenderPlanFor(RenderHarness.Compilation.Workspace!.Channels.Values.First(c => !vip.Channels.Contains(c))));
    }

    [Fact]
    public void Reader_KeepsAnUnknownBlockAsRead_AndTheValidatorNamesIt()
    {
        var json = JsonNode.Parse("""{"channel":"C1","text":"t","blocks":[{"type":"image","image_url":"https://x.io/a.png","alt_text":"a"}]}""")!.AsObject();

        var read = BlockKitReader.Read(json);

        var unknown = Assert.IsType<UnknownBlock>(Assert.Single(read.Blocks));
        Assert.Equal("image", unknown.Type);
        Assert.Equal(json.ToJsonString(Compact), System.Text.Encoding.UTF8.GetString(BlockKitWriter.Serialize(read)));
        Assert.Equal(["blocks[0]: unexpected block type \"image\""], BlockKitValidator.Violations(read));
    }
}
