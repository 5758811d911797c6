using RetentionPlaybooks.Host.Report;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Report models for the dashboard tests. <see cref="June"/> is a realistic month whose over-budget days are placed by
/// hand (3 in #retention-vip, 1 in #cancel-desk, none in #winback, plus a day exactly at budget that is not over).
/// </summary>
internal static class DashboardPageFixtures
{
    public static readonly DateTimeOffset From = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset To = new(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset GeneratedAt = new(2025, 7, 1, 6, 30, 0, TimeSpan.Zero);

    public const string Vip = "vip-cart-abandonment", CancelSave = "cancel-save", Winback = "winback-high-value";
    public const string VipChannel = "#retention-vip", CancelChannel = "#cancel-desk", WinbackChannel = "#winback";

    /// <summary>The June days (1-based) on which #retention-vip (budget 20) went over budget.</summary>
    public static readonly int[] VipOverBudgetDays = [5, 12, 19];

    public static ReportModel June() => Month(Vip, CancelSave, Winback, VipChannel);

    /// <summary>June with one playbook's and one channel's name replaced, for escaping tests.</summary>
    public static ReportModel Month(string vip, string cancelSave, string winback, string vipChannel)
    {
        var channelDays = new List<ChannelDay>();
        var outcomeDays = new List<OutcomeDay>();
        for (var d = 1; d <= 30; d++)
        {
            var date = new DateOnly(2025, 6, d);
            var vipMessages = VipOverBudgetDays.Contains(d) ? 20 + d : 12 + (d % 7);
            channelDays.Add(new(date, vipChannel, 20, vipMessages));
            channelDays.Add(new(date, CancelChannel, 15, d switch { 27 => 16, 10 => 15, _ => 8 + (d % 5) }));
            if (d != 15) channelDays.Add(new(date, WinbackChannel, 10, 3 + (d % 4))); // no row on the 15th: a quiet day

            outcomeDays.Add(new(date, vip, 2 + (d % 3), 1 + (d % 2), 410.25m + (d * 17.5m)));
            outcomeDays.Add(new(date, cancelSave, 1 + (d % 4), d % 3, 89.99m * (1 + (d % 4))));
            if (d % 2 == 0) outcomeDays.Add(new(date, winback, 1, 1, 1250m));
        }

        var valueSaved = outcomeDays.Sum(o => o.ValueSaved);
        ReportFigures Row(long escalated, long acknowledged, double? median, double? p90, long slaMet, long saved, long lost, Dictionary<string, long> reasons, decimal value)
            => new(escalated * 3, escalated, new Dictionary<string, long> { ["cooldown"] = escalated }, 0, acknowledged, 100.0 * acknowledged / escalated,
                median, p90, slaMet, escalated - slaMet, 100.0 * slaMet / escalated, saved, lost, reasons, escalated - saved - lost, value * 3, value, escalated, 1);

        var vipValue = outcomeDays.Where(o => o.Playbook == vip).Sum(o => o.ValueSaved);
        var cancelValue = outcomeDays.Where(o => o.Playbook == cancelSave).Sum(o => o.ValueSaved);
        var winbackValue = outcomeDays.Where(o => o.Playbook == winback).Sum(o => o.ValueSaved);
        var rows = new List<ReportRow>
        {
            new(vip, vipChannel, "@maria", Row(180, 172, 487, 1568, 160, 90, 45, new() { ["price"] = 25, ["out_of_stock"] = 20 }, vipValue)),
            new(cancelSave, CancelChannel, "@tom", Row(70, 66, 1500, 3900, 58, 40, 20, new() { ["moved_to_competitor"] = 12, ["too_expensive"] = 8 }, cancelValue / 2)),
            new(cancelSave, CancelChannel, "@jerry", Row(50, 45, 2100, 5100, 40, 25, 15, new() { ["too_expensive"] = 15 }, cancelValue / 2)),
            new(winback, WinbackChannel, "@ana", Row(112, 106, 3491, 11201, 93, 9, 18, new() { ["no_reply"] = 18 }, winbackValue)),
        };

        var totals = new ReportFigures(
            Signals: 1240, Escalated: 412, Suppressed: new Dictionary<string, long> { ["cooldown"] = 600, ["channel_budget"] = 228 }, Inhibited: 0,
            Acknowledged: 389, AcknowledgedPercent: 94.41747572815534, MedianSecondsToAcknowledge: 720, P90SecondsToAcknowledge: 4800,
            SlaMet: 351, SlaMissed: 61, SlaMetPercent: 85.19417475728156, Saved: 164, Lost: 98,
            LostByReason: new Dictionary<string, long> { ["price"] = 25, ["out_of_stock"] = 20, ["too_expensive"] = 23, ["moved_to_competitor"] = 12, ["no_reply"] = 18 },
            Open: 150, ValueAtStake: 182_450.00m, ValueSaved: valueSaved, HoldsWritten: 412, HoldViolations: 3);

        var ack = new List<AckTimes> { new(vip, 1800, Times(172, 700)), new(cancelSave, 3600, Times(111, 1900)), new(winback, 14400, Times(106, 5000)) };
        return new(From, To, GeneratedAt, rows, totals, channelDays, outcomeDays, ack);
    }

    /// <summary>Skewed like real waits (exponential around a mean, at least 20 s), spread evenly by the golden ratio, so no run differs.</summary>
    public static List<double> Times(int count, double mean)
        => Enumerable.Range(1, count).Select(i => Math.Max(20, Math.Round(-Math.Log(1 - (i * 0.6180339887 % 1)) * mean))).ToList();

    public static ReportFigures Zero() => new(0, 0, new Dictionary<string, long>(), 0, 0, null, null, null, 0, 0, null, 0, 0,
        new Dictionary<string, long>(), 0, 0m, 0m, 0, 0);

    public static ReportModel Empty(long signals = 0)
        => new(From, To, GeneratedAt, [], Zero() with { Signals = signals }, [], [], []);
}
