using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Tests.Cli;
using Xunit;

namespace RetentionPlaybooks.Tests.Compilation;

/// <summary>
/// <c>inhibited_by</c> compiled: the rule and its default window, the check that every playbook it names is declared by a
/// file of the folder (once all files are bound, also for a file that has other errors), and cycles reported once. The
/// exact messages are pinned by the broken corpus (<c>Cases/broken/inhibited-by-*</c>).
/// </summary>
public sealed class InhibitionBindingTests
{
    private static CompilationResult Compile(Action<TempPlaybooks> change)
    {
        using var dir = new TempPlaybooks();
        change(dir);
        return PlaybookCompiler.CompileDirectory(dir.Path);
    }

    private static CompiledPlaybook Playbook(CompilationResult result, string id) => result.Playbooks.Single(p => p.Id == id);

    private static void InhibitVip(TempPlaybooks dir, string rule) => dir.Replace("vip-cart-abandonment.yaml", "hold_promotions: 72h\n", "hold_promotions: 72h\n" + rule + "\n");

    [Fact]
    public void TheShippedWinbackAudit_IsInhibitedByTheCancelSave_For14Days_AndNoOtherPlaybookIs()
    {
        var result = Compile(_ => { });

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var rule = Playbook(result, "winback-exclusions").InhibitedBy!;
        Assert.Equal(["subscription-cancel-save"], rule.Playbooks);
        Assert.Equal(TimeSpan.FromDays(14), rule.Within);
        Assert.All(result.Playbooks.Where(p => p.Id != "winback-exclusions"), p => Assert.Null(p.InhibitedBy));
    }

    [Fact]
    public void WithoutWithin_ACaseCountsAsOpenForSevenDays()
    {
        var result = Compile(dir => InhibitVip(dir, "inhibited_by: { playbooks: [subscription-cancel-save, post-purchase-risk] }"));

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var rule = Playbook(result, "vip-cart-abandonment").InhibitedBy!;
        Assert.Equal(["subscription-cancel-save", "post-purchase-risk"], rule.Playbooks);
        Assert.Equal(TimeSpan.FromDays(7), rule.Within);
        Assert.Equal(TimeSpan.FromDays(7), InhibitionRule.DefaultWithin);
    }

    [Fact]
    public void APlaybookThatDidNotCompile_IsStillDeclared_OnlyItsOwnErrorIsReported()
    {
        var result = Compile(dir =>
        {
            InhibitVip(dir, "inhibited_by: { playbooks: [subscription-cancel-save] }");
            dir.Replace("subscription-cancel-save.yaml", "owner: retention-lead", "owner: retention-leed");
        });

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(("RP0302", "subscription-cancel-save.yaml"), (error.Code, Path.GetFileName(error.Location.File)));
    }

    [Fact]
    public void AFileWithAnotherError_StillHasItsUnknownPlaybookReported()
    {
        var result = Compile(dir =>
        {
            InhibitVip(dir, "inhibited_by: { playbooks: [winback-exclusion] }");
            dir.Replace("vip-cart-abandonment.yaml", "owner: retention-lead", "owner: retention-leed");
        });

        Assert.Equal(["RP0302", "RP0313"], result.Diagnostics.Where(d => d.IsError).Select(d => d.Code).Order(StringComparer.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.Code == "RP0313" && d.Message.EndsWith("did you mean \"winback-exclusions\"?", StringComparison.Ordinal));
    }

    [Fact]
    public void AMisspeltOwnId_IsNotSuggestedBack()
    {
        // The closest declared id is the playbook itself, which it may not name (RP0314): no "did you mean" for it.
        var result = Compile(dir => InhibitVip(dir, "inhibited_by: { playbooks: [vip-cart-abandonmnt] }"));

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal("RP0313", error.Code);
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoPlaybooksInhibitingEachOther_AreOneCycle_ReportedAtTheFirstInIdOrder()
    {
        var result = Compile(dir =>
        {
            InhibitVip(dir, "inhibited_by: { playbooks: [winback-exclusions] }");
            dir.Replace("winback-exclusions.yaml", "playbooks: [subscription-cancel-save]", "playbooks: [subscription-cancel-save, vip-cart-abandonment]");
        });

        var cycle = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(("RP0315", "vip-cart-abandonment.yaml"), (cycle.Code, Path.GetFileName(cycle.Location.File)));
        Assert.StartsWith("inhibition cycle: \"vip-cart-abandonment\" is inhibited by \"winback-exclusions\", which is inhibited by \"vip-cart-abandonment\";", cycle.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AChainWithoutACycle_IsFine()
    {
        // vip-cart ← subscription-cancel-save ← winback: each holds the next back, nothing comes round.
        var result = Compile(dir => dir.Replace("subscription-cancel-save.yaml", "hold_promotions: 14d\n", "hold_promotions: 14d\ninhibited_by: { playbooks: [vip-cart-abandonment] }\n"));

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        Assert.Equal(["vip-cart-abandonment"], Playbook(result, "subscription-cancel-save").InhibitedBy!.Playbooks);
    }
}
