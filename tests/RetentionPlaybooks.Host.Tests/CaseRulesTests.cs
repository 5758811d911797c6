using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>What an action does to a case, as both store engines decide it inside their transaction.</summary>
public sealed class CaseRulesTests
{
    private static readonly DateTimeOffset At = HostApp.Start;

    private static CaseState Open(string playbook = "vip-cart-abandoned") =>
        new("01E", playbook, "C07VIPSAVES", At, null, null, null, null, null, null, null, "C07VIPSAVES", "1.1");

    private static BlockAction Click(CaseAction action, string? reason = null) => new("T1", "U1", action, "01E", reason, "1.1", null);

    private static IReadOnlyList<string>? Declared(string playbook) => playbook == "vip-cart-abandoned" ? ["price", "too_late"] : null;

    [Theory]
    [InlineData("price", nameof(CaseResult.Applied))]
    [InlineData("too_late", nameof(CaseResult.Applied))]
    [InlineData("product", nameof(CaseResult.UnknownReason))]
    [InlineData("Price", nameof(CaseResult.UnknownReason))]
    [InlineData(null, nameof(CaseResult.UnknownReason))]
    public void Lost_NeedsOneOfThePlaybooksReasons(string? reason, string expected) =>
        Assert.Equal(expected, CaseRules.Decide(Open(), Click(CaseAction.Lost, reason), Declared).ToString());

    [Fact]
    public void Lost_OfAPlaybookNoLongerLoaded_TakesAnyReason_ButNotNone()
    {
        Assert.Equal(CaseResult.Applied, CaseRules.Decide(Open("gone"), Click(CaseAction.Lost, "competitor"), Declared));
        Assert.Equal(CaseResult.UnknownReason, CaseRules.Decide(Open("gone"), Click(CaseAction.Lost), Declared));
    }

    [Fact]
    public void SavedAndAcknowledge_NeedNoReason()
    {
        Assert.Equal(CaseResult.Applied, CaseRules.Decide(Open(), Click(CaseAction.Saved), Declared));
        Assert.Equal(CaseResult.Applied, CaseRules.Decide(Open(), Click(CaseAction.Acknowledge), Declared));
    }

    [Fact]
    public void TheFirstOutcomeAndTheFirstAcknowledgement_Win_BeforeTheReasonIsLookedAt()
    {
        var acknowledged = Open() with { AcknowledgedBy = "U0", AcknowledgedAt = At };
        var closed = Open() with { Outcome = "saved", OutcomeBy = "U0", OutcomeAt = At };

        Assert.Equal(CaseResult.UnknownEscalation, CaseRules.Decide(null, Click(CaseAction.Lost), Declared));
        Assert.Equal(CaseResult.AlreadyClosed, CaseRules.Decide(closed, Click(CaseAction.Lost, "nope"), Declared));
        Assert.Equal(CaseResult.AlreadyClosed, CaseRules.Decide(closed, Click(CaseAction.Acknowledge), Declared));
        Assert.Equal(CaseResult.AlreadyAcknowledged, CaseRules.Decide(acknowledged, Click(CaseAction.Acknowledge), Declared));
        Assert.Equal(CaseResult.Applied, CaseRules.Decide(acknowledged, Click(CaseAction.Lost, "price"), Declared));
        Assert.Equal(CaseResult.UnknownReason, CaseRules.Decide(acknowledged, Click(CaseAction.Lost, "nope"), Declared));
    }
}
