using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Tests.Cli;
using RetentionPlaybooks.Workspace;
using Xunit;

namespace RetentionPlaybooks.Tests.Workspace;

/// <summary>
/// workspace.yaml's edges: a digest's <c>every</c> and <c>after</c> exactly at and one past their limits, each day name
/// of business hours, "UTC" and IANA names only, and the HH:MM reader behind open and close.
/// </summary>
public sealed class WorkspaceBinderEdgeTests
{
    private static CompilationResult CompileWorkspace(string oldText, string newText)
    {
        using var dir = new TempPlaybooks();
        dir.Replace("workspace.yaml", oldText, newText);
        return PlaybookCompiler.CompileDirectory(dir.Path);
    }

    private static CompilationResult WithDigest(string every, string after) =>
        CompileWorkspace("    digest:\n      after: 3 in 1h\n      every: 30m\n", $"    digest:\n      after: {after}\n      every: {every}\n");

    private static DigestPolicy? CxDigest(CompilationResult result) => result.Workspace!.Channels["cx-escalations"].Digest;

    [Theory]
    [InlineData("1m", 1)]
    [InlineData("24h", 1440)]
    [InlineData("1d", 1440)]
    public void DigestEvery_AtItsLimits_Binds(string every, int minutes)
    {
        var result = WithDigest(every, "3 in 1h");

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        Assert.Equal(TimeSpan.FromMinutes(minutes), CxDigest(result)!.Every);
    }

    [Theory]
    [InlineData("1441m")]
    [InlineData("25h")]
    [InlineData("0m")]
    public void DigestEvery_PastItsLimits_IsRP0316(string every)
    {
        var result = WithDigest(every, "3 in 1h");

        Assert.Equal("RP0316", Assert.Single(result.Diagnostics, d => d.IsError).Code);
        Assert.Null(CxDigest(result));
    }

    [Theory]
    [InlineData("1 in 1h", 1, 60)]
    [InlineData("3 in 24h", 3, 1440)]
    [InlineData("3 in 1m", 3, 1)]
    public void DigestAfter_AtItsLimits_Binds(string after, int count, int windowMinutes)
    {
        var result = WithDigest("30m", after);

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var digest = CxDigest(result)!;
        Assert.Equal((count, TimeSpan.FromMinutes(windowMinutes)), (digest.AfterCount, digest.AfterWindow));
    }

    [Theory]
    [InlineData("0 in 1h")]
    [InlineData("3 in 0m")]
    [InlineData("3 in 1441m")]
    [InlineData("3 in 25h")]
    public void DigestAfter_PastItsLimits_IsRP0317_AndTheDigestKeepsItsEvery(string after)
    {
        var result = WithDigest("30m", after);

        Assert.Equal("RP0317", Assert.Single(result.Diagnostics, d => d.IsError).Code);
        Assert.Equal(TimeSpan.FromMinutes(30), CxDigest(result)!.Every);
    }

    [Theory]
    [InlineData("sun", DayOfWeek.Sunday)]
    [InlineData("mon", DayOfWeek.Monday)]
    [InlineData("tue", DayOfWeek.Tuesday)]
    [InlineData("wed", DayOfWeek.Wednesday)]
    [InlineData("thu", DayOfWeek.Thursday)]
    [InlineData("fri", DayOfWeek.Friday)]
    [InlineData("sat", DayOfWeek.Saturday)]
    public void EachDayName_IsItsDay(string name, DayOfWeek day)
    {
        var result = CompileWorkspace("owners:\n", $"business_hours:\n  time_zone: UTC\n  days: [{name}]\n  open: \"09:00\"\n  close: \"24:00\"\nowners:\n");

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var hours = result.Workspace!.BusinessHours!;
        Assert.Equal([day], hours.Days);
        Assert.Equal(("UTC", TimeSpan.FromHours(9), TimeSpan.FromHours(24)), (hours.Zone.Id, hours.Open, hours.Close));
    }

    [Theory]
    [InlineData("EST")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("utc")]
    public void AZoneThatIsNotAnIanaName_IsRP0310_AndNoHoursBind(string zone)
    {
        var result = CompileWorkspace("owners:\n", $"business_hours:\n  time_zone: {zone}\n  days: [mon]\n  open: \"09:00\"\n  close: \"17:00\"\nowners:\n");

        Assert.Equal("RP0310", Assert.Single(result.Diagnostics, d => d.IsError).Code);
        Assert.Null(result.Workspace!.BusinessHours);
    }

    [Theory]
    [InlineData("00:00", 0, 0)]
    [InlineData("09:05", 9, 5)]
    [InlineData("23:59", 23, 59)]
    [InlineData("24:00", 24, 0)]
    public void TheClockReader_ReadsHoursAndMinutes_UpToMidnightAtTheEnd(string text, int hours, int minutes)
    {
        Assert.True(WorkspaceBinder.TryTime(text, out var time));
        Assert.Equal(new TimeSpan(hours, minutes, 0), time);
    }

    [Theory]
    [InlineData("24:01")]
    [InlineData("25:00")]
    [InlineData("23:60")]
    [InlineData("9:00")]
    [InlineData("09:000")]
    [InlineData("09-00")]
    [InlineData("ab:cd")]
    [InlineData("09:ab")]
    [InlineData("")]
    public void TheClockReader_RefusesAnythingElse(string text)
    {
        Assert.False(WorkspaceBinder.TryTime(text, out var time));
        Assert.Equal(TimeSpan.Zero, time);
    }
}
