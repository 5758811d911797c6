using Spectre.Console;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// The CLI's tables (Spectre.Console): in a terminal, rounded borders and bold headings; anywhere else (a CI log, a pipe, a
/// file) plain text without escape codes, 200 columns wide and without the padding Spectre leaves at the ends of lines, so it
/// reads in a log and pastes cleanly into a pull request.
/// </summary>
internal static class CliTable
{
    /// <summary>A table with these columns; those <paramref name="left"/> names are left-aligned, the rest (figures) right-aligned.</summary>
    public static Table Create(bool terminal, IEnumerable<string> columns, params string[] left)
    {
        var table = new Table().Border(terminal ? TableBorder.Rounded : TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(terminal ? $"[bold]{Markup.Escape(column)}[/]" : Markup.Escape(column))
            {
                Alignment = left.Contains(column) ? Justify.Left : Justify.Right,
            });
        }
        return table;
    }

    /// <summary>Draws onto <paramref name="stdout"/>: with ANSI and the terminal's width when <paramref name="terminal"/>, plain otherwise.</summary>
    public static void Write(TextWriter stdout, bool terminal, Action<IAnsiConsole> draw)
    {
        if (terminal)
        {
            var live = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.Standard });
            draw(live);
            return;
        }
        var buffer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(buffer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        draw(console);
        foreach (var line in buffer.ToString().Split('\n')[..^1]) stdout.WriteLine(line.TrimEnd());
    }
}
