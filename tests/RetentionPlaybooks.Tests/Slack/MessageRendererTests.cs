using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.BlockKit;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack;

public sealed partial class MessageRendererTests
{
    private const string Hostile = "<!channel> <@U123> <https://evil.example|refund>";

    [Fact]
    public void Render_HostileCustomerName_RendersInert()
    {
        var payload = RenderHarness.Sample("vip-cart-abandoned.json");
        payload["customer"]!["first_name"] = Hostile;
        payload["event"]!["data"]!["items"]![0]!["name"] = "<!here> & <script>";

        var (message, decision) = RenderHarness.Render("vip-cart-abandonment", payload);

        Assert.True(decision.Escalates);
        var texts = string.Join("\n", RenderHarness.MrkdwnTexts(message));
        Assert.Contains("&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|refund&gt;", texts, StringComparison.Ordinal);
        Assert.Contains("&lt;!here&gt; &amp; &lt;script&gt;", texts, StringComparison.Ordinal);
        // The only control sequences left are the owner's mention (context line and fallback text).
        var controls = ControlSequence().Matches(texts).Select(m => m.Value).Distinct().ToList();
        Assert.Equal(["<@U07RETLEAD>"], controls);
    }

    [Fact]
    public void Render_SubscriptionHostileComment_IsEscapedEvenWhenTruncated()
    {
        var payload = RenderHarness.Sample("subscription-cancel-requested.json");
        payload["event"]!["data"]!["comment"] = new string('x', 195) + "<!channel>";

        var (message, _) = RenderHarness.Render("subscription-cancel-save", payload);

        var texts = string.Join("\n", RenderHarness.MrkdwnTexts(message));
        Assert.DoesNotContain("<!channel", texts, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Render_MissingFirstName_ShowsTheTemplateDefault(string? firstName)
    {
        var payload = RenderHarness.Sample("vip-cart-abandoned.json");
        if (firstName is null) payload["customer"]!.AsObject().Remove("first_name");
        else payload["customer"]!["first_name"] = firstName;

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", payload);

        var fields = Assert.IsType<SectionBlock>(message.Model.Blocks[1]).Fields.Select(f => f.Text).ToList();
        Assert.Equal("*Customer*\nVIP customer", fields[0]);
        Assert.All(fields, f => Assert.DoesNotContain("Liquid error", f, StringComparison.Ordinal));
        Assert.All(fields, f => Assert.False(f.EndsWith('\n'), $"empty value in {f}"));
    }

    [Fact]
    public void Render_SixtyItemCartWithHugeNames_StaysWithinEveryBlockKitLimit()
    {
        var payload = RenderHarness.Sample("vip-cart-abandoned.json");
        var items = new JsonArray();
        for (var i = 0; i < 60; i++)
        {
            items.Add(new JsonObject { ["sku"] = $"SKU-{i:D3}-" + new string('Z', 400), ["name"] = new string('N', 2500) + i, ["price"] = 19.99, ["quantity"] = 1 });
        }
        payload["event"]!["data"]!["items"] = items;
        payload["customer"]!["vip_tier"] = new string('G', 5000);

        var (message, decision) = RenderHarness.Render("vip-cart-abandonment", payload);

        Assert.True(decision.Escalates);
        Assert.Empty(BlockKitValidator.Violations(message.Model));
        var fields = Assert.IsType<SectionBlock>(message.Model.Blocks[1]).Fields.Select(f => f.Text).ToList();
        Assert.Contains("*Cart*\n60 items, $184.00", fields);
        Assert.EndsWith("…", fields[4], StringComparison.Ordinal);
        Assert.Equal(BlockKitLimits.FieldText, fields[4].Length);
    }

    [Fact]
    public void Render_LongTitle_IsCutToTheHeaderLimitWithAnEllipsis()
    {
        // The shipped title truncates the plan; this one does not (the compiler warns RP0508, the renderer still trims).
        using var dir = new Cli.TempPlaybooks();
        dir.Replace("subscription-cancel-save.yaml", "{{ event.plan | default: 'subscription' | truncate: 40 }}", "{{ event.plan | default: 'subscription' }}");
        var compilation = PlaybookCompiler.CompileDirectory(dir.Path);
        Assert.Contains(compilation.Diagnostics, d => d.Code == "RP0508");
        var payload = RenderHarness.Sample("subscription-cancel-requested.json");
        payload["event"]!["data"]!["plan"] = new string('p', 400);

        var (message, _) = RenderHarness.Render("subscription-cancel-save", payload, compilation);

        var header = Assert.IsType<HeaderBlock>(message.Model.Blocks[0]).Text.Text;
        Assert.Equal(BlockKitLimits.HeaderText, header.Length);
        Assert.EndsWith("…", header, StringComparison.Ordinal);
        Assert.Empty(BlockKitValidator.Violations(message.Model));
    }

    [Fact]
    public void Render_PiiOutsideThePolicy_NeverAppears()
    {
        var payload = RenderHarness.Sample("vip-cart-abandoned.json");
        payload["customer"]!["email"] = "maria.secret@example.com";
        payload["customer"]!["phone"] = "+1 555 0100 222";
        payload["customer"]!["last_name"] = "Hidalgo-Secret";
        payload["event"]!["data"]!["cart_value"] = 900; // routes to the DM, whose policy allows email and phone

        var (message, decision) = RenderHarness.Render("vip-cart-abandonment", payload);

        Assert.Equal("retention-lead-dm", decision.Channel!.Name);
        var json = message.ToPrettyJson();
        Assert.DoesNotContain("maria.secret", json, StringComparison.Ordinal);
        Assert.DoesNotContain("555 0100", json, StringComparison.Ordinal);
        Assert.Contains("Maria", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TemplateThatPrintsEmail_ShowsNothingInAChannelWhosePolicyForbidsIt()
    {
        // A playbook that may show email compiles for the DM; rendered for a channel that allows only names,
        // the renderer still leaves the email out (defence in depth behind the compiler).
        var compilation = EmailPlaybookForTheDm();
        var payload = RenderHarness.Sample("vip-cart-abandoned.json");

        var (inDm, _) = RenderHarness.Render("vip-cart-abandonment", payload, compilation);
        var (inChannel, _) = RenderHarness.Render("vip-cart-abandonment", payload, compilation, channel: "vip-saves");

        Assert.Contains("maria@example.com", inDm.ToPrettyJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("maria@example.com", inChannel.ToPrettyJson(), StringComparison.Ordinal);
        Assert.Contains("*Email*\n—", inChannel.ToPrettyJson().Replace("\\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Always_TurnsUnfurlingOffAndNamesPlaybookOwnerSlaAndAge()
    {
        var (message, _) = RenderHarness.Render("vip-cart-abandonment", RenderHarness.Sample("vip-cart-abandoned.json"));
        var json = JsonNode.Parse(message.Body.Span)!.AsObject(); // the body as sent

        Assert.False(json["unfurl_links"]!.GetValue<bool>());
        Assert.False(json["unfurl_media"]!.GetValue<bool>());
        Assert.Equal("C07VIPSAVES", json["channel"]!.GetValue<string>());
        var context = json["blocks"]!.AsArray()[^1]!;
        Assert.Equal("context", context["type"]!.GetValue<string>());
        Assert.Equal("Playbook *vip-cart-abandonment* · Owner <@U07RETLEAD> · SLA 2h · 42 min ago", context["elements"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Render_MissingCioIdAndHostileUrl_DropsThoseButtons()
    {
        var payload = RenderHarness.Sample("delivery-delayed.json");
        payload["customer"]!.AsObject().Remove("cio_id");
        payload["event"]!["data"]!["tracking_url"] = "javascript:alert(1)";

        var (message, _) = RenderHarness.Render("post-purchase-risk", payload);

        var buttons = message.Model.Blocks.OfType<ActionsBlock>().Where(b => b.BlockId == "links").SelectMany(b => b.Elements).OfType<ButtonElement>().ToList();
        var labels = buttons.Select(b => b.Text.Text).ToList();
        Assert.Equal(["Shop order"], labels);
    }

    [Fact]
    public void Render_TruncateAtAnEmoji_NeverSplitsTheSurrogatePair()
    {
        var payload = RenderHarness.Sample("subscription-cancel-requested.json");
        payload["event"]!["data"]!["comment"] = new string('a', 196) + "😀😀😀😀😀";

        var (message, _) = RenderHarness.Render("subscription-cancel-save", payload);

        var words = Assert.IsType<SectionBlock>(message.Model.Blocks[1]).Fields[4].Text;
        Assert.Equal("*Their words*\n" + new string('a', 196) + "...", words);
    }

    [Theory]
    [InlineData("https://www.ups.com/track?tracknum=1Z", true)]
    [InlineData("https://ups.com/track", true)]
    [InlineData("https://ups.com.refund-help.example/track", false)]
    [InlineData("https://evilups.com/track", false)]
    [InlineData("http://www.fedex.com/x", true)]
    [InlineData("ftp://www.ups.com/x", false)]
    [InlineData("https://fly.customer.io/workspaces/1/journeys/people/x/activity", true)]
    [InlineData("https://acme-coffee.myshopify.com/admin/orders/1", true)]
    public void Render_TrackingLink_OnlyToAllowedDomains(string url, bool shown)
    {
        var payload = RenderHarness.Sample("delivery-delayed.json");
        payload["event"]!["data"]!["tracking_url"] = url;

        var (message, _) = RenderHarness.Render("post-purchase-risk", payload);

        Assert.Equal(shown, message.BodyText.Contains("\"Tracking\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2999, true)]
    [InlineData(3000, true)]
    [InlineData(3001, false)]
    public void Render_TrackingLinkLongerThanSlacksButtonUrlLimit_IsDropped_NotCut(int length, bool shown)
    {
        const string start = "https://www.ups.com/track?tracknum=";
        var url = start + new string('1', length - start.Length);
        var payload = RenderHarness.Sample("delivery-delayed.json");
        payload["event"]!["data"]!["tracking_url"] = url;

        var (message, _) = RenderHarness.Render("post-purchase-risk", payload);

        var buttons = message.Model.Blocks.OfType<ActionsBlock>().Where(b => b.BlockId == "links").SelectMany(b => b.Elements).OfType<ButtonElement>().ToList();
        var tracking = buttons.SingleOrDefault(b => b.Text.Text == "Tracking");
        Assert.Equal(shown, tracking is not null);
        if (tracking is not null) Assert.Equal(url, tracking.Url);
        Assert.Contains(buttons, b => b.Text.Text == "Shop order");
        Assert.Empty(BlockKitValidator.Violations(message.Model));
    }

    [Fact]
    public void Render_TemplateThatPrintsEmail_ShowsNothingWhenThePlaybooksOwnPolicyLeavesEmailOut()
    {
        // The other half of the defence in depth: the channel allows email, the playbook does not. The compiler
        // refuses such a playbook (RP0403), so the compiled one is changed after the fact, as a defect would.
        var compilation = EmailPlaybookForTheDm();
        var playbook = compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment");
        typeof(CompiledPlaybook).GetProperty(nameof(CompiledPlaybook.Pii))!.SetValue(playbook, new HashSet<string>(StringComparer.Ordinal) { "name" });

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", RenderHarness.Sample("vip-cart-abandoned.json"), compilation);

        var json = message.ToPrettyJson();
        Assert.DoesNotContain("maria@example.com", json, StringComparison.Ordinal);
        Assert.Contains("Maria", json, StringComparison.Ordinal);
    }

    /// <summary>vip-cart-abandonment changed to show the customer's email and to go only to the DM, whose policy allows it.</summary>
    internal static CompilationResult EmailPlaybookForTheDm()
    {
        using var dir = new Cli.TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "pii: [name]", "pii: [name, email]");
        dir.Replace("vip-cart-abandonment.yaml", "  - when: event.cart_value >= 500\n    channel: retention-lead-dm\n  - default: vip-saves", "  - default: retention-lead-dm");
        dir.Replace("vip-cart-abandonment.yaml", "    Customer: \"{{ customer.first_name | default: 'VIP customer' }}\"", "    Customer: \"{{ customer.first_name | default: 'VIP customer' }}\"\n    Email: \"{{ customer.email }}\"");
        var compilation = PlaybookCompiler.CompileDirectory(dir.Path);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation;
    }

    [Theory]
    [InlineData(150, 150, false)]   // exactly at the limit: untouched
    [InlineData(149, 150, false)]
    [InlineData(151, 150, true)]    // one over: cut to the limit, ending in the ellipsis
    [InlineData(4000, 4000, false)]
    [InlineData(4001, 4000, true)]
    public void Trim_AtTheLimitKeepsTheText_OneOverCutsToTheLimit(int length, int limit, bool cut)
    {
        var text = new string('x', length);

        var trimmed = BlockKitLimits.Trim(text, limit);

        Assert.Equal(cut ? limit : length, trimmed.Length);
        Assert.Equal(cut, trimmed.EndsWith(BlockKitLimits.Ellipsis, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("&amp;xyz", 4, "…")]               // the entity starts the text, and the limit is under the five-character look-back
    [InlineData("ab&lt;cd", 6, "ab…")]             // the entity's ';' falls exactly at the cut
    [InlineData("abcdef&amp;", 6, "abcde…")]       // an entity just past the cut is not pulled in
    [InlineData("abcde&amp;", 6, "abcde…")]
    [InlineData("a&amp;bcdef", 8, "a&amp;b…")]     // a whole entity before the cut stays
    public void Trim_EntitiesAroundTheCut_NeverHalvedAndNeverOverTheLimit(string text, int limit, string expected)
    {
        var trimmed = BlockKitLimits.Trim(text, limit);

        Assert.Equal(expected, trimmed);
        Assert.True(trimmed.Length <= limit);
    }

    [Fact]
    public void Trim_DoesNotSplitASurrogatePair()
    {
        var text = new string('a', 8) + "😀😀😀";

        var trimmed = BlockKitLimits.Trim(text, 10);

        Assert.Equal("aaaaaaaa…", trimmed);
    }

    [Fact]
    public void Trim_DoesNotSplitAnEscapedEntity()
    {
        var text = new string('a', 8) + "&amp;bc";

        var trimmed = BlockKitLimits.Trim(text, 11);

        Assert.Equal("aaaaaaaa…", trimmed);
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex ControlSequence();
}
