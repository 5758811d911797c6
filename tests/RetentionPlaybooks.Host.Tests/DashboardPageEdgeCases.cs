using CsCheck;
using RetentionPlaybooks.Host.Report;
using static RetentionPlaybooks.Host.Tests.DashboardPageFixtures;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Report models no store should produce, named after what they break; and a generator of worse ones.</summary>
internal static class DashboardPageEdgeCases
{
    public static ReportModel Model(string name) => name switch
    {
        "absurd-seconds" => June() with
        {
            AckTimes =
            [
                new(Vip, 1800, [-5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, 60, 120]),
                new(CancelSave, double.NaN, [30, 90, 3000]),
                new(Winback, 0, [1e300, 10]),
            ],
            Rows = June().Rows.Select(r => r with { Figures = r.Figures with { MedianSecondsToAcknowledge = double.NaN, P90SecondsToAcknowledge = -1 } }).ToList(),
        },
        "absurd-percentages" => June() with
        {
            Totals = June().Totals with
            {
                AcknowledgedPercent = double.NaN, SlaMetPercent = double.PositiveInfinity, MedianSecondsToAcknowledge = double.NegativeInfinity,
                P90SecondsToAcknowledge = double.MaxValue,
            },
            Rows = June().Rows.Select(r => r with { Figures = r.Figures with { AcknowledgedPercent = 1e300, SlaMetPercent = -1e300 } }).ToList(),
        },
        "huge-decimals" => June() with
        {
            Totals = June().Totals with { ValueSaved = decimal.MaxValue, ValueAtStake = decimal.MinValue },
            OutcomeDays = [.. June().OutcomeDays.Take(3).Select(o => o with { ValueSaved = decimal.MaxValue }), .. June().OutcomeDays.Skip(3)],
        },
        "huge-counts" => June() with
        {
            Totals = June().Totals with { Escalated = long.MaxValue, Saved = long.MaxValue, Lost = long.MaxValue, HoldViolations = long.MinValue },
            Rows = June().Rows.Select(r => r with { Figures = r.Figures with { Escalated = long.MaxValue, Saved = long.MaxValue, Lost = long.MaxValue, Open = long.MinValue } }).ToList(),
            ChannelDays = June().ChannelDays.Select((d, i) => d with { Messages = i % 2 == 0 ? long.MaxValue : long.MinValue }).ToList(),
        },
        "ten-thousand-days" => TenThousandDays(),
        "thousand-playbooks" => ThousandPlaybooks(),
        "zero-and-negative-budgets" => June() with
        {
            ChannelDays = Enumerable.Range(1, 30).SelectMany(d => new ChannelDay[]
            {
                new(new DateOnly(2025, 6, d), "#zero", 0, d <= 5 ? 1 : 0),
                new(new DateOnly(2025, 6, d), "#unlimited", int.MaxValue, 1 + (d % 10)),
                new(new DateOnly(2025, 6, d), "#negative", d == 3 ? -4 : 5, d == 4 ? -7 : 2),
            }).ToList(),
        },
        "reversed-period" => June() with { From = To.AddDays(10), To = From },
        "extreme-period" => June() with
        {
            From = DateTimeOffset.MinValue, To = DateTimeOffset.MaxValue, GeneratedAt = DateTimeOffset.MaxValue,
            ChannelDays = [.. June().ChannelDays, new(DateOnly.MinValue, VipChannel, 20, 5), new(DateOnly.MaxValue, VipChannel, 20, 50)],
            OutcomeDays = [.. June().OutcomeDays, new(DateOnly.MaxValue, Vip, 1, 0, 10m), new(DateOnly.MinValue, Vip, 1, 0, 10m)],
        },
        "empty-names" => Month(string.Empty, "\u0001\u0007", "\ud800", string.Empty),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such edge case"),
    };

    private static ReportModel TenThousandDays()
    {
        var from = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var first = DateOnly.FromDateTime(from.UtcDateTime);
        var channelDays = Enumerable.Range(0, 10_000).SelectMany(i => new ChannelDay[]
        {
            new(first.AddDays(i), "#busy", 10, i % 10 == 0 ? 11 : 5),
            new(first.AddDays(i), "#quiet", int.MaxValue, 1),
        }).ToList();
        var outcomeDays = Enumerable.Range(0, 10_000).Select(i => new OutcomeDay(first.AddDays(i), Vip, 1, 0, 1.5m)).ToList();
        return June() with { From = from, To = from.AddDays(10_000), ChannelDays = channelDays, OutcomeDays = outcomeDays };
    }

    private static ReportModel ThousandPlaybooks()
    {
        var names = Enumerable.Range(0, 1000).Select(i => $"playbook-{i:0000}").ToList();
        var rows = names.Select((n, i) => new ReportRow(n, $"#c{i % 48}", "@owner", Zero() with
        {
            Escalated = i + 1, Acknowledged = i, Saved = 1 + (i % 7), Lost = i % 5, MedianSecondsToAcknowledge = 60 * (1 + (i % 90)),
            LostByReason = new Dictionary<string, long> { ["price"] = i % 5 },
        })).ToList();
        var ack = names.Select((n, i) => new AckTimes(n, 600 + i, Enumerable.Range(0, 50).Select(k => (double)((k * 37) + i)).ToList())).ToList();
        var channelDays = Enumerable.Range(0, 48).SelectMany(c => Enumerable.Range(1, 30).Select(d => new ChannelDay(new DateOnly(2025, 6, d), $"#c{c}", 40, c + d))).ToList();
        var outcomeDays = names.SelectMany(n => Enumerable.Range(1, 30).Select(d => new OutcomeDay(new DateOnly(2025, 6, d), n, 1, 1, 10m))).ToList();
        return June() with { Rows = rows, AckTimes = ack, ChannelDays = channelDays, OutcomeDays = outcomeDays };
    }

    private static readonly Gen<string> Names = Gen.Frequency((1, "vip"), (1, "<b>x</b>"), (1, string.Empty), (1, "a&b\"'"), (1, "\u0001"), (1, "\ud800"), (1, "#c"));
    private static readonly Gen<double> Doubles = Gen.Frequency(
        (3, Gen.Double[0, 1e6]),
        (1, Gen.Frequency((1, double.NaN), (1, double.PositiveInfinity), (1, double.NegativeInfinity), (1, -1.0), (1, 0.0), (1, 1e300), (1, double.Epsilon))));
    private static readonly Gen<double?> Percents = Gen.Frequency((3, Doubles.Select(d => (double?)d)), (1, Gen.Const((double?)null)));
    private static readonly Gen<long> Counts = Gen.Frequency((4, Gen.Long[0, 50]), (1, Gen.Frequency((1, long.MaxValue), (1, long.MinValue), (1, -1L))));
    private static readonly Gen<decimal> Amounts = Gen.Frequency((4, Gen.Decimal[-100m, 10_000m]), (1, Gen.Frequency((1, decimal.MaxValue), (1, decimal.MinValue))));
    private static readonly Gen<int> Budgets = Gen.Frequency((3, Gen.Int[0, 30]), (1, Gen.Frequency((1, int.MaxValue), (1, int.MinValue), (1, -1))));
    private static readonly Gen<DateOnly> Dates = Gen.Int[-5, 40].Select(i => new DateOnly(2025, 6, 1).AddDays(i));

    private static readonly Gen<ReportFigures> Figures = Gen.Select(Counts.Array[12, 12], Percents.Array[5, 5], Amounts.Array[2, 2],
        Gen.Select(Names, Counts).Array[0, 3], (c, p, a, reasons) => new ReportFigures(
            c[0], c[1], new Dictionary<string, long>(), c[2], c[3], p[0], p[1], p[2], c[4], c[5], p[3], c[6], c[7],
            reasons.DistinctBy(r => r.Item1).ToDictionary(r => r.Item1, r => r.Item2), c[8], a[0], a[1], c[9], c[10]));

    /// <summary>Any mix of the above: counts, amounts, times and names from the edges of their types.</summary>
    public static readonly Gen<ReportModel> Models = Gen.Select(
        Gen.Int[-3, 60],
        Figures,
        Gen.Select(Names, Names, Names, Figures, (p, c, o, f) => new ReportRow(p, c, o, f)).List[0, 5],
        Gen.Select(Dates, Names, Budgets, Counts, (d, c, b, m) => new ChannelDay(d, c, b, m)).List[0, 40],
        Gen.Select(Dates, Names, Counts, Counts, Amounts, (d, p, s, l, v) => new OutcomeDay(d, p, s, l, v)).List[0, 40],
        Gen.Select(Names, Doubles, Doubles.List[0, 30], (p, sla, s) => new AckTimes(p, sla, s)).List[0, 4],
        (days, totals, rows, channelDays, outcomeDays, ack) => new ReportModel(From, From.AddDays(days), GeneratedAt, rows, totals, channelDays, outcomeDays, ack));
}
