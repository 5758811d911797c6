using RetentionPlaybooks.Compilation;
using Xunit;

namespace RetentionPlaybooks.Tests.Compilation;

public sealed class ShippedPlaybooksTests
{
    [Fact]
    public void ShippedPlaybooks_CompileWithoutErrorsOrWarnings()
    {
        var result = PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks);

        Assert.Empty(result.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(
            ["post-purchase-risk", "subscription-cancel-save", "vip-cart-abandonment", "winback-exclusions"],
            result.Playbooks.Select(p => p.Id).Order(StringComparer.Ordinal));
    }
}
