using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// <c>playbooks report --url URL [--from DATE] [--to DATE] [--format table|json|csv]</c>: a host's outcome report in the
/// terminal. The operator token comes from <c>--token</c> or the <c>RP_OPERATOR_TOKEN</c> environment variable (safer: a
/// flag shows in the shell's history and the process list).
/// </summary>
internal static class ReportCommand
{
    public const string TokenVariable = "RP_OPERATOR_TOKEN";

    public static Command Create(CliContext cli)
    {
        var url = new Option<string>("--url") { Description = "the host's base URL, e.g. http://127.0.0.1:5080", Required = true };
        var from = new Option<string?>("--from") { Description = "start of the period (a date or an ISO time; default: 30 days before --to)" };
        var to = new Option<string?>("--to") { Description = "end of the period (a date includes that day; default: now)" };
        var token = new Option<string?>("--token") { Description = $"the host's Operator__Token (default: ${TokenVariable})" };
        var format = CommandSpec.Format("output: table (for people), json or csv (as the host serves them)", "table", "json", "csv");
        var command = new Command("report", "Show a host's outcome report: per playbook and channel, escalations, acknowledgements, SLA, saves and value.") { url, from, to, token, format };
        command.SetAction((parsed, ct) => RunAsync(cli, parsed.GetRequiredValue(url), parsed.GetValue(from), parsed.GetValue(to),
            parsed.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable), parsed.GetRequiredValue(format), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, string url, string? from, string? to, string? token, string format, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            return CommandLine.UsageError(cli.Stderr, "report", $"--url \"{url}\" is not an http(s) URL");
        }
        var query = $"report?format={(format == "csv" ? "csv" : "json")}"
            + (from is null ? "" : "&from=" + Uri.EscapeDataString(from)) + (to is null ? "" : "&to=" + Uri.EscapeDataString(to));
        using var http = cli.Http is null ? new HttpClient() : new HttpClient(cli.Http, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(30);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(baseUrl.ToString().TrimEnd('/') + "/"), query));
        if (!string.IsNullOrEmpty(token)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            cli.Stderr.WriteLine($"playbooks report: cannot reach {baseUrl}: {(ex is TaskCanceledException ? "no answer within 30 s" : ex.Message)}");
            return CommandLine.Failed;
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var why = (int)response.StatusCode switch
                {
                    401 => $"the host wants its operator token: --token or ${TokenVariable}",
                    403 => "the host answers this machine only: set Operator__Token on it and pass the token",
                    _ => Detail(body) ?? response.ReasonPhrase ?? "",
                };
                cli.Stderr.WriteLine($"playbooks report: {baseUrl} answered {(int)response.StatusCode}: {why}");
                return CommandLine.Failed;
            }
            if (format is "json" or "csv")
            {
                cli.Stdout.Write(body);
                return CommandLine.Ok;
            }
            Table(JsonDocument.Parse(body).RootElement, cli.Stdout, cli.Terminal);
            return CommandLine.Ok;
        }
    }

    private static string? Detail(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The rows and the totals as a table (Spectre.Console), plain text so it pipes and pastes cleanly.</summary>
    internal static void Table(JsonElement report, TextWriter stdout, bool terminal = false) =>
        CliTable.Write(stdout, terminal, console =>
        {
            console.WriteLine($"Outcome report {report.GetProperty("from").GetString()} – {report.GetProperty("to").GetString()}");
            var table = CliTable.Create(terminal,
                ["playbook", "channel", "owner", "signals", "escalated", "suppressed", "ack %", "median ack", "p90 ack", "SLA met %", "saved", "lost", "open", "value saved"],
                "playbook", "channel", "owner");
            foreach (var row in report.GetProperty("rows").EnumerateArray())
            {
                table.AddRow(Cells(row.GetProperty("playbook").GetString()!, row.GetProperty("channel").GetString()!, row.GetProperty("owner").GetString()!, row.GetProperty("figures")));
            }
            table.AddRow(Cells("TOTAL", "", "", report.GetProperty("totals")));
            console.Write(table);
        });

    private static string[] Cells(string playbook, string channel, string owner, JsonElement f) =>
    [
        Markup.Escape(playbook), Markup.Escape(channel), Markup.Escape(owner), N(f, "signals"), N(f, "escalated"),
        f.GetProperty("suppressed").EnumerateObject().Sum(p => p.Value.GetInt64()).ToString(CultureInfo.InvariantCulture),
        Percent(f, "acknowledged_percent"), Span(f, "median_seconds_to_acknowledge"), Span(f, "p90_seconds_to_acknowledge"), Percent(f, "sla_met_percent"),
        N(f, "saved"), N(f, "lost"), N(f, "open"), f.GetProperty("value_saved").GetDecimal().ToString("#,0.00", CultureInfo.InvariantCulture),
    ];

    private static string N(JsonElement f, string name) => f.GetProperty(name).GetInt64().ToString("#,0", CultureInfo.InvariantCulture);

    private static string Percent(JsonElement f, string name) =>
        f.GetProperty(name).ValueKind == JsonValueKind.Number ? f.GetProperty(name).GetDouble().ToString("0.0", CultureInfo.InvariantCulture) : "—";

    /// <summary>Seconds as "45 s", "12 min", "2 h 5 min", "3 d 4 h"; "—" when there is none.</summary>
    internal static string Span(JsonElement f, string name)
    {
        if (f.GetProperty(name).ValueKind != JsonValueKind.Number) return "—";
        var span = TimeSpan.FromSeconds(Math.Clamp(f.GetProperty(name).GetDouble(), 0, TimeSpan.MaxValue.TotalSeconds / 2));
        if (span < TimeSpan.FromMinutes(1)) return $"{(int)span.TotalSeconds} s";
        if (span < TimeSpan.FromHours(1)) return $"{(int)span.TotalMinutes} min";
        if (span < TimeSpan.FromDays(1)) return span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min";
        return span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h";
    }
}
