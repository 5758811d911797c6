using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Tests.Cli;
using Xunit;

namespace RetentionPlaybooks.Tests.Compilation;

/// <summary>
/// RP0507 at its edge: vip-saves (budget 25) is shared by vip-cart-abandonment (cap 8) and post-purchase-risk (cap 15).
/// Caps adding up to exactly the budget pass, one more warns; a playbook without a cap counts as the whole budget;
/// a disabled playbook, or a channel with one playbook, is not checked.
/// </summary>
public sealed class ChannelBudgetLintTests
{
    private static Diagnostic[] Budget(Action<TempPlaybooks> change)
    {
        using var dir = new TempPlaybooks();
        change(dir);
        return PlaybookCompiler.CompileDirectory(dir.Path).Diagnostics.Where(d => d.Code == "RP0507").ToArray();
    }

    [Fact]
    public void CapsAddingUpToExactlyTheBudget_DoNotWarn()
    {
        Assert.Empty(Budget(dir => dir.Replace("post-purchase-risk.yaml", "daily_cap: 15", "daily_cap: 17")));
    }

    [Fact]
    public void OneOverTheBudget_Warns_WithTheBreakdown()
    {
        var d = Assert.Single(Budget(dir => dir.Replace("post-purchase-risk.yaml", "daily_cap: 15", "daily_cap: 18")));

        Assert.False(d.IsError);
        Assert.Equal(SourceFile.WorkspaceFileName, Path.GetFileName(d.Location.File));
        Assert.Equal((14, 3), (d.Location.Line, d.Location.Column)); // the channel's key in workspace.yaml
        Assert.Equal("channel \"vip-saves\" has a daily budget of 25, but playbooks \"post-purchase-risk\" (cap 18), \"vip-cart-abandonment\" (cap 8) may post 26 a day; lower their daily_cap, raise the budget, or give the channel a digest so the rest roll into it", d.Message);
    }

    [Fact]
    public void APlaybookWithoutACap_CountsAsTheWholeBudget()
    {
        // vip-cart-abandonment also routes to retention-lead-dm, which warns too; vip-saves is the edge here.
        var d = Assert.Single(Budget(dir => dir.Replace("vip-cart-abandonment.yaml", "  daily_cap: 8\n", "")), d => d.Message.Contains("\"vip-saves\"", StringComparison.Ordinal));

        Assert.Contains("playbooks \"post-purchase-risk\" (cap 15), \"vip-cart-abandonment\" (no cap) may post 40 a day", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADisabledPlaybook_DoesNotCount()
    {
        Assert.Empty(Budget(dir =>
        {
            dir.Replace("post-purchase-risk.yaml", "daily_cap: 15", "daily_cap: 25");
            dir.Replace("vip-cart-abandonment.yaml", "description: >", "enabled: false\ndescription: >");
        }));
    }

    [Fact]
    public void AChannelWithOnePlaybook_IsNotChecked()
    {
        // retention-ops (budget 50) is used by winback-exclusions alone.
        Assert.Empty(Budget(dir => dir.Replace("winback-exclusions.yaml", "daily_cap: 40", "daily_cap: 60")));
    }

    [Fact]
    public void AChannelWithADigest_IsNotWarned_ItsOverflowRollsIn()
    {
        Assert.Empty(Budget(dir =>
        {
            dir.Replace("post-purchase-risk.yaml", "daily_cap: 15", "daily_cap: 18");
            dir.Replace("workspace.yaml", "    daily_budget: 25\n", "    daily_budget: 25\n    digest: { every: 30m }\n");
        }));
    }
}
