using System.Security.Cryptography;
using System.Text;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Tests.Cli;
using RetentionPlaybooks.Tests.Loading;
using RetentionPlaybooks.Tests.Pipeline;
using Xunit;

namespace RetentionPlaybooks.Tests.Compilation;

/// <summary>
/// The compiler's edges that the corpus cannot express (it needs at least one diagnostic and always has the shipped
/// workspace): a folder without its workspace or data model, two files with one id, files on disk with a byte-order mark,
/// exactly at the size limit or a dangling link; what a bound playbook carries (description, hold end, value, template
/// fields, trigger); and the lints that must stay quiet.
/// </summary>
public sealed class CompilerEdgeTests
{
    private static string Vip => ShippedWorkspace.Playbook("vip-cart-abandonment.yaml");

    private static CompilationResult CompileVip(string text) => ShippedWorkspace.Compile("vip-cart-abandonment.yaml", text);

    private static string WithGuardrails(string guardrails) =>
        Vip.Replace("guardrails:\n  cooldown: 7d\n  dedupe_key: \"cart-{{ event.checkout_id }}\"\n  daily_cap: 8\n", guardrails, StringComparison.Ordinal);

    [Fact]
    public void AFolderWithoutWorkspaceOrDataModel_NamesEachMissingFile()
    {
        using var dir = new TempPlaybooks();
        File.Delete(dir.FilePath("workspace.yaml"));
        File.Delete(dir.FilePath("data-model.yaml"));

        var result = PlaybookCompiler.CompileDirectory(dir.Path);

        var missing = result.Diagnostics.Where(d => d.Code == "RP0005").Select(d => (d.Location.File, d.Message)).Order().ToList();
        Assert.Equal(
            [
                (dir.Path, "no data-model.yaml found; every playbooks folder needs one"),
                (dir.Path, "no workspace.yaml found; every playbooks folder needs one"),
            ],
            missing);
        Assert.Empty(result.Playbooks);
    }

    [Fact]
    public void TwoFilesWithOneId_TheSecondIsRefusedNamingTheFirst_AndTheFirstCompiles()
    {
        using var dir = new TempPlaybooks();
        File.Copy(dir.FilePath("vip-cart-abandonment.yaml"), dir.FilePath("vip-cart-abandonment.yml"));

        var result = PlaybookCompiler.CompileDirectory(dir.Path);

        var d = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(("RP0306", 1, 1), (d.Code, d.Location.Line, d.Location.Column));
        Assert.EndsWith("vip-cart-abandonment.yml", d.Location.File, StringComparison.Ordinal);
        Assert.Equal($"playbook id \"vip-cart-abandonment\" is already used by {dir.Path}/vip-cart-abandonment.yaml", d.Message);
        Assert.Single(result.Playbooks, p => p.Id == "vip-cart-abandonment");
        Assert.EndsWith("vip-cart-abandonment.yaml", result.Playbooks.Single(p => p.Id == "vip-cart-abandonment").File, StringComparison.Ordinal);
    }

    [Fact]
    public void ADanglingLinkNamedLikeAPlaybook_IsUnreadable_AndTheOthersCompile()
    {
        using var dir = new TempPlaybooks();
        File.CreateSymbolicLink(dir.FilePath("gone.yaml"), dir.FilePath("nowhere/gone.yaml"));

        var result = PlaybookCompiler.CompileDirectory(dir.Path);

        var d = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(("RP0006", 1, 1), (d.Code, d.Location.Line, d.Location.Column));
        Assert.EndsWith("gone.yaml", d.Location.File, StringComparison.Ordinal);
        Assert.StartsWith("cannot read file: ", d.Message, StringComparison.Ordinal);
        Assert.Equal(4, result.Playbooks.Count);
    }

    [Fact]
    public void AByteOrderMarkOnDisk_IsDropped_AndABadByteAfterItIsPlacedWithoutCountingIt()
    {
        using var dir = new TempPlaybooks();
        var bom = new byte[] { 0xEF, 0xBB, 0xBF };
        File.WriteAllBytes(dir.FilePath("vip-cart-abandonment.yaml"), [.. bom, .. Encoding.UTF8.GetBytes(Vip)]);
        File.WriteAllBytes(dir.FilePath("broken.yaml"), [.. bom, .. "id: \u00e9"u8.ToArray()[..5], 0xC3, (byte)'\n']);

        var result = PlaybookCompiler.CompileDirectory(dir.Path);

        var d = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.EndsWith("broken.yaml", d.Location.File, StringComparison.Ordinal);
        Assert.Equal(("RP0011", 1, 5), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("byte 0xC3", d.Message, StringComparison.Ordinal);
        Assert.Contains(result.Playbooks, p => p.Id == "vip-cart-abandonment");
    }

    [Fact]
    public void AFileOfExactlyTheSizeLimit_IsRead_OneByteMoreIsNot()
    {
        using var dir = new TempPlaybooks();
        var limit = RetentionPlaybooks.Loading.LoaderLimits.MaxFileSize;
        var padded = Vip + "#" + new string('x', limit - Encoding.UTF8.GetByteCount(Vip) - 2) + "\n";
        Assert.Equal(limit, Encoding.UTF8.GetByteCount(padded));
        File.WriteAllText(dir.FilePath("vip-cart-abandonment.yaml"), padded);
        File.WriteAllText(dir.FilePath("over.yaml"), padded + " ");

        var result = PlaybookCompiler.CompileDirectory(dir.Path);

        var d = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.EndsWith("over.yaml", d.Location.File, StringComparison.Ordinal);
        Assert.Equal("RP0009", d.Code);
        Assert.Contains(result.Playbooks, p => p.Id == "vip-cart-abandonment");
    }

    [Fact]
    public void TheSetHash_IsSha256OverLengthPrefixedNamesAndTexts_InOrdinalOrderOfName()
    {
        SourceFile[] files = [new("z/b.yaml", "second"), new("z/B.yaml", "third"), new("a.yaml", "first é")];

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { "B.yaml", "third", "a.yaml", "first é", "b.yaml", "second" })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            sha.AppendData(BitConverter.GetBytes((long)bytes.Length)); // little-endian on every machine .NET runs here
            sha.AppendData(bytes);
        }
        var expected = Convert.ToHexStringLower(sha.GetHashAndReset())[..16];

        Assert.True(BitConverter.IsLittleEndian);
        Assert.Equal(expected, PlaybookSetHash.Of(files));
    }

    [Fact]
    public void ABoundPlaybook_CarriesItsDescription_ItsHoldEnds_AndAMatchingIdIsNoMistake()
    {
        var text = Vip.Replace("description: >", "id: vip-cart-abandonment\ndescription: >", StringComparison.Ordinal)
            .Replace("hold_promotions: 72h\n", "hold_promotions: 72h\nhold_ends_on: [saved]\n", StringComparison.Ordinal);

        var result = CompileVip(text);

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var vip = Assert.Single(result.Playbooks);
        Assert.StartsWith("A VIP leaving a large cart is worth a personal note within hours", vip.Description, StringComparison.Ordinal);
        Assert.Equal(["saved"], vip.HoldEndsOn);
        Assert.Empty(CompileVip(Vip).Playbooks.Single().HoldEndsOn);
    }

    [Fact]
    public void APlaybookWithAnError_IsNotHandedOut_EvenWhenEveryPartOfItBound()
    {
        var result = CompileVip(Vip.Replace("  - customer.order_count >= 2\n", "  - customer.order_count >= 2\n  - customer.nope\n", StringComparison.Ordinal));

        Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Empty(result.Playbooks);
    }

    [Fact]
    public void AnUnknownTrigger_WithAValue_ReportsOnlyTheTrigger()
    {
        var result = CompileVip(Vip.Replace("event: checkout_abandoned", "event: checkout_abandonned", StringComparison.Ordinal));

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("RP0303", d.Code);
    }

    [Theory]
    [InlineData("guardrails:\n  cooldown: 7d\n")]
    [InlineData("guardrails:\n  dedupe_key: \"cart-{{ event.checkout_id }}\"\n")]
    [InlineData("guardrails:\n  daily_cap: 8\n")]
    public void OneGuardrailOfThree_IsEnough_ForTheNoGuardrailLint(string guardrails)
    {
        var result = CompileVip(WithGuardrails(guardrails));

        Assert.Empty(result.Diagnostics);
        Assert.False(result.Playbooks.Single().Guardrails.IsEmpty);
    }

    [Fact]
    public void GuardrailsWrittenButTooLong_GetTheirError_NotTheNoGuardrailLint()
    {
        var result = CompileVip(WithGuardrails("guardrails:\n  cooldown: 99999999d\n"));

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("RP0104", d.Code);
        Assert.Contains("for \"cooldown\": too long a duration", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnSlaWrittenButTooLong_GetsItsError_NotTheNoSlaLint()
    {
        var result = CompileVip(Vip.Replace("sla: 2h\n", "sla: 99999999h\n", StringComparison.Ordinal));

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("RP0104", d.Code);
        Assert.Contains("for \"sla\": too long a duration", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyGatesList_IsLintedAtTheList()
    {
        var text = Vip.Replace("gates:\n  - customer.ltv >= 1000 or customer.vip\n  - event.cart_value >= 150\n  - customer.order_count >= 2\n", "gates: []\n", StringComparison.Ordinal);
        var line = text[..text.IndexOf("gates: []", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var result = CompileVip(text);

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("RP0501", line, 8), (d.Code, d.Location.Line, d.Location.Column));
    }

    [Theory]
    [InlineData("# yaml-language-server: $schema=../schemas/playbook.schema.json\nid: x\n", true)]
    [InlineData("\uFEFF# yaml-language-server: $schema=../schemas/playbook.schema.json  \r\nid: x\n", true)]
    [InlineData("# yaml-language-server: $schema=../schemas/playbook.schema.json", true)]
    [InlineData("# yaml-language-server: $schema=../schemas/workspace.schema.json\nid: x\n", false)]
    [InlineData("# yaml-language-server: $schema=\nplaybook.schema.json\n", false)]
    [InlineData("id: x\n# yaml-language-server: $schema=../schemas/playbook.schema.json\n", false)]
    [InlineData("", false)]
    public void TheSchemaLine_IsTheFirstLine_NamingThePlaybookSchema(string text, bool has)
    {
        Assert.Equal(has, PlaybookBinder.HasSchemaLine(text, "playbook.schema.json"));
    }

    [Fact]
    public void TheValueOfACase_IsItsNumber_UnlessMissingOrPastWhatADecimalHolds()
    {
        var vip = CompileVip(Vip).Playbooks.Single();
        var slot = vip.ValueField!.Slot;
        decimal? ValueOf(Value v)
        {
            var slots = new Value[slot + 1];
            slots[slot] = v;
            return vip.ValueOf(new RetentionPlaybooks.Evaluation.Record(slots, DateTimeOffset.UnixEpoch));
        }

        Assert.Equal(180m, ValueOf(Value.Money(180)));
        Assert.Equal(-25.5m, ValueOf(Value.Number(-25.5)));
        Assert.Equal(9.9e27m, ValueOf(Value.Money(9.9e27)));
        Assert.Null(ValueOf(Value.Money(1e28)));
        Assert.Null(ValueOf(Value.Money(-1e28)));
        Assert.Null(ValueOf(Value.Money(1e300)));
        Assert.Null(ValueOf(Value.Money(double.PositiveInfinity)));
        Assert.Null(ValueOf(Value.Missing));
        Assert.Null(ValueOf(Value.String("180")));
    }

    [Fact]
    public void TheTemplateFields_AreTheTopLevelFieldsEveryPartOfTheMessageReads()
    {
        var text = Vip.Replace("    Send a personal note from the founder's inbox with the cart link; offer free express shipping,\n    not a discount.",
            "    Mention their {{ customer.nps_score }} NPS and {{ customer.address.region }}.", StringComparison.Ordinal);

        var result = CompileVip(text);
        Assert.True(result.Playbooks.Count == 1, string.Join("\n", result.Diagnostics));
        var vip = result.Playbooks[0];

        Assert.Contains("customer.nps_score", vip.TemplateFields);   // read by the next step only
        Assert.Contains("customer.address", vip.TemplateFields);
        Assert.DoesNotContain("customer.address.region", vip.TemplateFields);
        Assert.Contains("event.items", vip.TemplateFields);
        Assert.Contains("event.checkout_id", vip.TemplateFields);      // the dedupe key
        Assert.Contains("links.customerio_profile", vip.TemplateFields);
        Assert.DoesNotContain("customer.ltv.", vip.TemplateFields);
        Assert.All(vip.TemplateFields, f => Assert.Equal(2, f.Split('.').Length));
    }

    [Fact]
    public void Triggers_MatchTheirOwnSignalOnly_AndDescribeThemselves()
    {
        var result = SubscriptionPausedPlaybook.Compile();
        var paused = result.Playbooks.Single(p => p.Id == "subscription-paused");
        var winback = result.Playbooks.Single(p => p.Id == "winback-exclusions");
        var vip = result.Playbooks.Single(p => p.Id == "vip-cart-abandonment");
        static TriggerInput Input(string json) => TriggerInput.Parse(System.Text.Json.JsonDocument.Parse(json).RootElement, out _)!;

        Assert.Equal("attribute \"subscription_status\" changed from \"active\" to \"paused\"", paused.Trigger.ToString());
        Assert.Equal("segment \"winback-eligible\" entered", winback.Trigger.ToString());
        Assert.Equal("event \"checkout_abandoned\"", vip.Trigger.ToString());
        Assert.True(paused.Trigger.Matches(Input("""{"change":{"attribute":"subscription_status","from":"active","to":"paused"}}""")));
        Assert.False(paused.Trigger.Matches(Input("""{"change":{"attribute":"subscription_status","from":"paused","to":"active"}}""")));
        Assert.True(vip.Trigger.Matches(Input("""{"event":{"name":"checkout_abandoned"}}""")));
        Assert.False(vip.Trigger.Matches(Input("""{"event":{"name":"checkout_completed"}}""")));
        Assert.False(winback.Trigger.Matches(Input("""{"event":{"name":"checkout_abandoned"}}""")));
        Assert.True(winback.Trigger.Matches(Input("""{"segment":{"name":"winback-eligible"}}""")));
        Assert.False(winback.Trigger.Matches(Input("""{"segment":{"name":"vip-at-risk"}}""")));
        Assert.False(vip.Trigger.Matches(Input("""{"segment":{"name":"winback-eligible"}}""")));
    }

    [Fact]
    public void AnAttributePlaybookReadingTheEvent_IsToldItsTriggerCarriesNone()
    {
        using var dir = new TempPlaybooks();
        File.WriteAllText(dir.FilePath(SubscriptionPausedPlaybook.FileName),
            SubscriptionPausedPlaybook.Yaml.Replace("route:", "gates:\n  - event.mrr >= 40\nroute:", StringComparison.Ordinal));

        var d = Assert.Single(PlaybookCompiler.CompileDirectory(dir.Path).Diagnostics, d => d.IsError);

        Assert.Contains("the trigger is an attribute change, which carries no event data", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileWithASchemaError_AndATitleOverItsLimit_GetsTheSchemaErrorOnly()
    {
        var result = CompileVip(Vip.Replace("owner: retention-lead", "owner: retention-lead\nownr: x", StringComparison.Ordinal)
            .Replace("title: \"VIP cart abandoned: ", "title: \"" + new string('x', 200) + " ", StringComparison.Ordinal));

        Assert.Equal("RP0101", Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void ASegmentPlaybooksValueFromTheEvent_IsRP0330_SayingWhy()
    {
        using var dir = new TempPlaybooks();
        dir.Replace("winback-exclusions.yaml", "value: customer.ltv", "value: event.cart_value");

        var d = Assert.Single(PlaybookCompiler.CompileDirectory(dir.Path).Diagnostics, d => d.IsError);

        Assert.Equal("RP0330", d.Code);
        Assert.Equal("value event.cart_value cannot be a case's value: the trigger is a segment entry, which carries no event data", d.Message);
    }

    [Fact]
    public void AnAttributeTriggersFromOrTo_OfTheWrongType_IsRP0308()
    {
        using var dir = new TempPlaybooks();
        File.WriteAllText(dir.FilePath(SubscriptionPausedPlaybook.FileName), SubscriptionPausedPlaybook.Yaml
            .Replace("attribute: subscription_status", "attribute: nps_score", StringComparison.Ordinal)
            .Replace("from: active", "from: high", StringComparison.Ordinal)
            .Replace("to: paused", "to: 3", StringComparison.Ordinal));

        var result = PlaybookCompiler.CompileDirectory(dir.Path);

        var d = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(("RP0308", 4, 9), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Equal("\"from\" value \"high\" is not a number, the type of customer.nps_score", d.Message);
        Assert.DoesNotContain(result.Playbooks, p => p.Id == "subscription-paused");
    }
}
