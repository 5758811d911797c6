using System.CommandLine;
using System.Globalization;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// <c>playbooks generate-history [--days 30] [--customers 5000] [--per-day 300] [--start DATE] [--seed 1] [--out FILE]</c>: writes a
/// plausible history for the shipped playbooks' data model (see <see cref="HistoryGenerator"/>), one payload a line, to try
/// <c>playbooks simulate</c> on before a brand has history of its own.
/// </summary>
internal static class GenerateHistoryCommand
{
    public static Command Create(CliContext cli)
    {
        var days = Number("--days", "how many days of traffic", 30, 1, 3660);
        var customers = Number("--customers", "how many customers the events come from", 5000, 1, 10_000_000);
        var perDay = Number("--per-day", "payloads a day on average, before the flash sale and the carrier outage", 300, 0, 10_000_000);
        var seed = Number("--seed", "the same seed writes the same history", 1, 0, int.MaxValue);
        var start = new Option<DateTimeOffset?>("--start")
        {
            Description = "the first day (a date, UTC; default 2026-11-01)",
            HelpName = "DATE",
            CustomParser = SignalFile.ParseNow,
        };
        var output = new Option<string>("--out") { Description = "write to FILE (default: stdout)", HelpName = "FILE" };
        var command = new Command("generate-history", "Write a plausible history of Customer.io payloads for the shipped data model (to try simulate on).")
        {
            days, customers, perDay, seed, start, output,
        };
        command.SetAction(parsed =>
        {
            var from = parsed.GetValue(start) ?? new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
            var generator = new HistoryGenerator(parsed.GetValue(customers), parsed.GetValue(days), parsed.GetValue(perDay), new DateTimeOffset(from.UtcDateTime.Date, TimeSpan.Zero), parsed.GetValue(seed));
            if (parsed.GetValue(output) is not { } path)
            {
                generator.Write(cli.Stdout);
                return CommandLine.Ok;
            }
            using (var file = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" })
            {
                var written = generator.Write(file);
                cli.Stderr.WriteLine($"{path}: {written.ToString("#,0", CultureInfo.InvariantCulture)} payload(s) over {parsed.GetValue(days)} day(s) from {parsed.GetValue(customers).ToString("#,0", CultureInfo.InvariantCulture)} customers " +
                    $"(flash sale on day {generator.FlashSaleDay + 1}, carrier outage on days {generator.OutageDay + 1}–{generator.OutageDay + 2})");
            }
            return CommandLine.Ok;
        });
        return command;
    }

    private static Option<int> Number(string name, string description, int defaultValue, int min, int max)
    {
        var option = new Option<int>(name) { Description = $"{description} (default {defaultValue})", HelpName = "N", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < min || value > max) result.AddError($"{name} {value} is out of range: {min}–{max}");
        });
        return option;
    }
}
