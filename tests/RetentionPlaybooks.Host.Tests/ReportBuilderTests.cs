using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Report;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The report's rows and series from the store's counts, in process: two playbooks, one with two channels and one with one,
/// signals skipped before routing (no channel), figures that must be summed, not taken once, and series given out of order.
/// The store contract reads the counts back from both engines; this pins what the builder makes of them.
/// </summary>
public sealed class ReportBuilderTests
{
    private const string Vip = "vip-cart-abandonment";
    private const string Risk = "post-purchase-risk";
    private const string Cancel = "subscription-cancel-save";
    private static readonly Lazy<CompilationResult> Playbooks = new(() => PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks));
    private static readonly DateTimeOffset From = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static ReportData Data()
    {
        var data = new ReportData();
        data.Decisions.AddRange([
            new(Vip, "vip-saves", "escalated", "", 3),
            new(Vip, "vip-saves", "suppressed", "cooldown", 2),
            new(Vip, "vip-saves", "suppressed", "", 1),
            new(Vip, "vip-saves", "suppressed", "cooldown", 4),
            new(Vip, "", "suppressed", "gate", 5),          // skipped before routing: the playbook's one channel takes it
            new(Risk, "cx-escalations", "escalated", "", 2),
            new(Risk, "cx-escalations", "inhibited", "", 3),
            new(Risk, "retention-ops", "escalated", "", 1),
            new(Risk, "", "suppressed", "gate", 7),         // two channels: a row of its own, without one
            new(Cancel, "subscription-saves", "escalated", "", 1),   // two channels, every signal routed: no row without one
            new(Cancel, "retention-ops", "escalated", "", 1),
        ]);
        data.Cases.AddRange([
            new(Vip, "vip-saves", 3, 2, 1, 1, 1, 1, 1, 300m, 100m, 2),
            new(Risk, "cx-escalations", 2, 1, 1, 0, 0, 1, 1, 50m, 0m, 0),
            new(Risk, "retention-ops", 1, 0, 0, 1, 0, 0, 1, 0m, 0m, 0),
        ]);
        data.LostReasons.AddRange([(Vip, "vip-saves", "price", 1), (Vip, "vip-saves", "price", 2), (Vip, "vip-saves", "changed mind", 1), (Risk, "cx-escalations", "late", 1), (Risk, "retention-ops", "no stock", 4)]);
        data.AckMilliseconds.AddRange([(Vip, "vip-saves", 3000), (Vip, "vip-saves", 1000), (Vip, "vip-saves", 2000), (Risk, "cx-escalations", 60_000), (Risk, "retention-ops", 30_000), (Risk, "retention-ops", 40_000)]);
        data.HoldViolations.AddRange([(Vip, "vip-saves", 2), (Risk, "cx-escalations", 1), (Risk, "vip-saves", 4), (Vip, "cx-escalations", 8)]);
        data.ChannelDays.AddRange([("vip-saves", new DateOnly(2026, 12, 2), 5), ("cx-escalations", new DateOnly(2026, 12, 3), 1), ("vip-saves", new DateOnly(2026, 12, 1), 3)]);
        data.OutcomeDays.AddRange([new(new DateOnly(2026, 12, 2), Vip, 1, 0, 100m), new(new DateOnly(2026, 12, 1), Vip, 0, 1, 0m), new(new DateOnly(2026, 12, 1), Risk, 0, 1, 0m)]);
        return data;
    }

    private static ReportModel Build() => ReportBuilder.Build(Data(), Playbooks.Value, From, From.AddDays(7), From.AddDays(7));

    [Fact]
    public void Rows_OnePerPlaybookAndChannel_InOrder_WithTheOwner_AndSignalsWithoutAChannelPlaced()
    {
        var rows = Build().Rows;

        Assert.Equal([(Risk, "-", "cx-lead"), (Risk, "cx-escalations", "cx-lead"), (Risk, "retention-ops", "cx-lead"),
            (Cancel, "retention-ops", "retention-lead"), (Cancel, "subscription-saves", "retention-lead"), (Vip, "vip-saves", "retention-lead")], rows.Select(r => (r.Playbook, r.Channel, r.Owner)));
        Assert.Equal([7, 5, 1, 1, 1, 15], rows.Select(r => r.Figures.Signals));
        Assert.Equal([0, 2, 1, 0, 0, 3], rows.Select(r => r.Figures.Escalated));
        Assert.Equal([0, 3, 0, 0, 0, 0], rows.Select(r => r.Figures.Inhibited));
        Assert.Equal([0, 1, 0, 0, 0, 2], rows.Select(r => r.Figures.HoldViolations));
        Assert.Equal([0, 1, 4, 0, 0, 4], rows.Select(r => r.Figures.LostByReason.Values.Sum()));
        Assert.Equal([null, 60.0, 30.0, null, null, 2.0], rows.Select(r => r.Figures.MedianSecondsToAcknowledge));
    }

    [Fact]
    public void Figures_SuppressedByKind_SummedInOrdinalOrder_AnUnnamedKindIsOther()
    {
        var vip = Build().Rows.Single(r => r.Playbook == Vip).Figures;

        Assert.Equal([("cooldown", 6L), ("gate", 5L), ("other", 1L)], vip.Suppressed.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal([("changed mind", 1L), ("price", 3L)], vip.LostByReason.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal((2.0, 3.0), (vip.MedianSecondsToAcknowledge, vip.P90SecondsToAcknowledge));
        Assert.Equal((66.7, 50.0), (vip.AcknowledgedPercent, vip.SlaMetPercent));
        Assert.Equal((1L, 1L, 1L, 300m, 100m, 2L), (vip.Saved, vip.Lost, vip.Open, vip.ValueAtStake, vip.ValueSaved, vip.HoldsWritten));
    }

    [Fact]
    public void Totals_AddEveryRow_AndEveryHoldViolation()
    {
        var totals = Build().Totals;

        Assert.Equal((30L, 6L, 3L, 3L), (totals.Signals, totals.Escalated, totals.Inhibited, totals.Acknowledged));
        Assert.Equal([("cooldown", 6L), ("gate", 12L), ("other", 1L)], totals.Suppressed.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal([("changed mind", 1L), ("late", 1L), ("no stock", 4L), ("price", 3L)], totals.LostByReason.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(15, totals.HoldViolations);
        Assert.Equal((3.0, 60.0), (totals.MedianSecondsToAcknowledge, totals.P90SecondsToAcknowledge));
    }

    [Fact]
    public void Series_ChannelDaysByChannelThenDay_WithTheBudget_OutcomeDaysByDateThenPlaybook_AckTimesByPlaybookInSeconds()
    {
        var report = Build();

        Assert.Equal([("cx-escalations", new DateOnly(2026, 12, 3), 40, 1L), ("vip-saves", new DateOnly(2026, 12, 1), 25, 3L), ("vip-saves", new DateOnly(2026, 12, 2), 25, 5L)],
            report.ChannelDays.Select(d => (d.Channel, d.Date, d.Budget, d.Messages)));
        Assert.Equal([(new DateOnly(2026, 12, 1), Risk), (new DateOnly(2026, 12, 1), Vip), (new DateOnly(2026, 12, 2), Vip)], report.OutcomeDays.Select(d => (d.Date, d.Playbook)));
        Assert.Equal([Risk, Vip], report.AckTimes.Select(a => a.Playbook));
        Assert.Equal([86_400.0, 7_200.0], report.AckTimes.Select(a => a.SlaSeconds));
        Assert.Equal([60.0, 30.0, 40.0], report.AckTimes[0].Seconds);
        Assert.Equal([3.0, 1.0, 2.0], report.AckTimes[1].Seconds);   // as they came (the latest kept), not sorted
    }

    [Fact]
    public void APlaybookWhoseSignalsWereAllSkippedBeforeRouting_HasOneRowWithoutAChannel()
    {
        var data = new ReportData();
        data.Decisions.Add(new("winback-exclusions", "", "suppressed", "gate", 2));

        var row = Assert.Single(ReportBuilder.Build(data, Playbooks.Value, From, From.AddDays(1), From.AddDays(1)).Rows);

        Assert.Equal(("winback-exclusions", "-", "lifecycle-marketer", 2L), (row.Playbook, row.Channel, row.Owner, row.Figures.Signals));
    }

    [Fact]
    public void APlaybookNoLongerLoaded_HasNoOwnerAndNoSla()
    {
        var data = new ReportData();
        data.Decisions.Add(new("retired-playbook", "vip-saves", "escalated", "", 1));
        data.Cases.Add(new("retired-playbook", "vip-saves", 1, 1, 1, 0, 0, 0, 1, 0m, 0m, 0));
        data.AckMilliseconds.Add(("retired-playbook", "vip-saves", 500));

        var report = ReportBuilder.Build(data, Playbooks.Value, From, From.AddDays(1), From.AddDays(1));

        Assert.Equal(("retired-playbook", "vip-saves", ""), (report.Rows[0].Playbook, report.Rows[0].Channel, report.Rows[0].Owner));
        Assert.Equal(("retired-playbook", 0.0, 0.5), (report.AckTimes[0].Playbook, report.AckTimes[0].SlaSeconds, report.AckTimes[0].Seconds[0]));
    }
}
