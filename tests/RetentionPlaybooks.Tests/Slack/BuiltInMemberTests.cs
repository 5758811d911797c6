using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.BlockKit;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack;

/// <summary>
/// playbook.owner_mention, trigger.from and trigger.to render (they were accepted and always empty), and printing
/// trigger.from/to is PII-checked as printing the watched attribute.
/// </summary>
public sealed class BuiltInMemberTests
{
    private static string Paused(string attribute = "subscription_status", string from = "active", string to = "paused", string pii = "[name]", string probe = "{{ trigger.from }} → {{ trigger.to }}") => $$$"""
        description: A subscriber who pauses is one step from cancelling.
        trigger:
          attribute: {{{attribute}}}
          from: {{{from}}}
          to: {{{to}}}
        route:
          - default: subscription-saves
        owner: retention-lead
        sla: 1d
        guardrails: { cooldown: 30d }
        pii: {{{pii}}}
        message:
          title: "Subscription paused"
          fields:
            Probe: "{{{probe}}}"
          next_step: Call before the next renewal date.
          links:
            - label: Customer.io profile
              url: "{{ links.customerio_profile }}"
        """;

    private static CompilationResult Compile(string file, string yaml, Action<Cli.TempPlaybooks>? change = null)
    {
        using var dir = new Cli.TempPlaybooks();
        File.WriteAllText(dir.FilePath(file), yaml);
        change?.Invoke(dir);
        return PlaybookCompiler.CompileDirectory(dir.Path);
    }

    private static SlackMessage RenderChange(CompilationResult compilation, string id, string attribute, object? from, object? to)
    {
        var payload = JsonSerializer.Serialize(new
        {
            customer = new { id = "cus_1", first_name = "Ana", email = "ana@example.com", subscription_status = "paused" },
            change = new { attribute, from, to },
        });
        var input = TriggerInput.Parse(JsonDocument.Parse(payload).RootElement, out var error) ?? throw new InvalidOperationException(error);
        var playbook = compilation.Playbooks.Single(p => p.Id == id);
        var record = new RecordReader(compilation.DataModel!).Read(input, RenderHarness.Now);
        return new MessageRenderer(compilation.Workspace!, compilation.DataModel!).Render(playbook, playbook.Routes[^1].Channel, input, record, RenderHarness.Now);
    }

    private static string Field(SlackMessage message, string label)
    {
        var json = message.ToPrettyJson();
        var start = json.IndexOf($"*{label}*\\n", StringComparison.Ordinal);
        Assert.True(start >= 0, json);
        start += label.Length + 4;
        return json[start..json.IndexOf('"', start)];
    }

    [Fact]
    public void TriggerFromAndTo_RenderTheAttributesValues()
    {
        var compilation = Compile("subscription-paused.yaml", Paused());
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));

        var message = RenderChange(compilation, "subscription-paused", "subscription_status", "active", "paused");

        Assert.Equal("active → paused", Field(message, "Probe"));
    }

    [Fact]
    public void TriggerFromAndTo_AreEscapedLikeAnyCustomerValue()
    {
        var compilation = Compile("subscription-paused.yaml", Paused(from: "\"<!channel>\""));
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));

        var message = RenderChange(compilation, "subscription-paused", "subscription_status", "<!channel>", "paused");

        Assert.Equal("&lt;!channel&gt; → paused", Field(message, "Probe"));
    }

    [Fact]
    public void TriggerFrom_OfAPiiAttribute_NotInThePlaybooksPolicy_IsACompileError()
    {
        var compilation = Compile("email-changed.yaml", Paused(attribute: "email", from: "a@example.com", to: "b@example.com"));

        var errors = compilation.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains("(15,16): error RP0403: template prints trigger.from (PII: email), but playbook \"email-changed\" does not list \"email\" under pii", errors[0], StringComparison.Ordinal);
        Assert.Contains("error RP0403: template prints trigger.to (PII: email)", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void TriggerFrom_OfAPiiAttribute_DeclaredAndAllowed_Renders_AndNotWhereTheChannelForbidsIt()
    {
        // The playbook declares email and routes to the DM, which allows it: the change renders.
        var compilation = Compile("email-changed.yaml", Paused(attribute: "email", from: "a@example.com", to: "b@example.com", pii: "[name, email]")
            .Replace("  - default: subscription-saves", "  - default: retention-lead-dm", StringComparison.Ordinal));
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));

        var message = RenderChange(compilation, "email-changed", "email", "a@example.com", "b@example.com");

        Assert.Equal("a@example.com → b@example.com", Field(message, "Probe"));

        // Defence in depth: the compiled playbook's policy changed after the fact, as a defect would — nothing shows.
        // (A fresh compilation: render plans are kept per compiled playbook.)
        var again = Compile("email-changed.yaml", Paused(attribute: "email", from: "a@example.com", to: "b@example.com", pii: "[name, email]")
            .Replace("  - default: subscription-saves", "  - default: retention-lead-dm", StringComparison.Ordinal));
        var playbook = again.Playbooks.Single(p => p.Id == "email-changed");
        typeof(CompiledPlaybook).GetProperty(nameof(CompiledPlaybook.Pii))!.SetValue(playbook, new HashSet<string>(StringComparer.Ordinal) { "name" });
        var hidden = RenderChange(again, "email-changed", "email", "a@example.com", "b@example.com");
        Assert.DoesNotContain("example.com", hidden.ToPrettyJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void TriggerFrom_InAnEventPlaybook_IsAnUnknownVariable()
    {
        using var dir = new Cli.TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "    Customer: \"{{ customer.first_name | default: 'VIP customer' }}\"",
            "    Customer: \"{{ customer.first_name | default: 'VIP customer' }}\"\n    Was: \"{{ trigger.from }}\"");

        var compilation = PlaybookCompiler.CompileDirectory(dir.Path);

        var error = Assert.Single(compilation.Diagnostics, d => d.IsError);
        Assert.Contains("trigger.from", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OwnerMention_IsAMentionInMrkdwn_AndTheNameInPlainText()
    {
        using var dir = new Cli.TempPlaybooks();
        dir.Replace("vip-cart-abandonment.yaml", "    Customer: \"{{ customer.first_name | default: 'VIP customer' }}\"",
            "    Customer: \"{{ customer.first_name | default: 'VIP customer' }}\"\n    Owner: \"{{ playbook.owner_mention }}\"");
        dir.Replace("vip-cart-abandonment.yaml", "title: \"VIP cart abandoned: {{ event.cart_value | money }}\"", "title: \"VIP cart for {{ playbook.owner_mention }}\"");
        var compilation = PlaybookCompiler.CompileDirectory(dir.Path);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));

        var (message, _) = RenderHarness.Render("vip-cart-abandonment", RenderHarness.Sample("vip-cart-abandoned.json"), compilation);

        Assert.Equal("<@U07RETLEAD>", Field(message, "Owner"));
        var header = Assert.IsType<HeaderBlock>(message.Model.Blocks[0]).Text.Text;
        Assert.Equal("VIP cart for @Retention lead", header);
    }
}

/// <summary>The two layers of the PII defence, each on its own: the render plan made at compile time, and the policy checked as a template reads.</summary>
public sealed class PiiLayerTests
{
    private static CompilationResult EmailToTheDm() => MessageRendererTests.EmailPlaybookForTheDm();

    [Fact]
    public void RenderPlan_AllowsOnlyWhatThePlaybookAndTheChannelBothAllow()
    {
        var compilation = EmailToTheDm();
        var playbook = compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment");
        var dm = playbook.Routes[^1].Channel;
        var allowedBoth = RenderPlan.Lower(playbook, dm, compilation.DataModel!);
        // The channel allows email and phone; the playbook (after the fact) only name.
        typeof(CompiledPlaybook).GetProperty(nameof(CompiledPlaybook.Pii))!.SetValue(playbook, new HashSet<string>(StringComparer.Ordinal) { "name" });
        var playbookForbids = RenderPlan.Lower(playbook, dm, compilation.DataModel!);
        var channelForbids = RenderPlan.Lower(playbook, compilation.Workspace!.Channels["vip-saves"], compilation.DataModel!);

        Assert.Equal(["email", "name"], allowedBoth.Allowed.Order(StringComparer.Ordinal));
        Assert.Contains(allowedBoth.Customer.Fields, f => f.Name == "email");
        Assert.Equal(["name"], playbookForbids.Allowed);
        Assert.DoesNotContain(playbookForbids.Customer.Fields, f => f.Name == "email");
        Assert.Contains(playbookForbids.Customer.Fields, f => f.Name == "first_name");
        Assert.Equal(["name"], channelForbids.Allowed);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("name", true)]
    [InlineData("email", false)]   // the channel allows it, the playbook not
    [InlineData("phone", false)]   // neither
    [InlineData("address", false)] // the playbook allows it, the channel not
    public void PiiPolicy_AllowsAClassOnlyWhenBothDo(string? pii, bool allowed)
    {
        var policy = new PiiPolicy(new HashSet<string>(StringComparer.Ordinal) { "name", "address" }, new HashSet<string>(StringComparer.Ordinal) { "name", "email" });

        Assert.Equal(allowed, policy.Allows(pii));
    }
}
