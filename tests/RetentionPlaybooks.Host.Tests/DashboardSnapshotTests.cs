using RetentionPlaybooks.Host.Report;
using static RetentionPlaybooks.Host.Tests.DashboardPageFixtures;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The dashboard's whole page for fixed models, compared with a reviewed snapshot in <c>Snapshots/</c>: the figure tests
/// read single values back, these pin every label, note, class and coordinate the page draws. A change to the page shows
/// as a diff in review. On a difference the new page is written beside the snapshot as <c>*.received.html</c>; look at it
/// (open it in a browser), then move it over the snapshot.
/// </summary>
public sealed class DashboardSnapshotTests
{
    public static TheoryData<string> Models => ["june", "empty", "no-signals", "absurd-seconds", "zero-and-negative-budgets"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Render_MatchesItsSnapshot(string name)
    {
        var model = name switch
        {
            "june" => June(),
            "empty" => Empty(signals: 37),
            "no-signals" => Empty(),
            _ => DashboardPageEdgeCases.Model(name),
        };

        var html = DashboardPage.Render(model);

        var path = Path.Combine(RepoPaths.Root, "tests", "RetentionPlaybooks.Host.Tests", "Snapshots", $"dashboard-{name}.html");
        if (!File.Exists(path) || File.ReadAllText(path) != html)
        {
            var received = Path.ChangeExtension(path, ".received.html");
            File.WriteAllText(received, html);
            Assert.Fail($"the dashboard differs from {path}; the new one is in {received} (review it, then move it over the snapshot)");
        }
    }
}
