using System.Globalization;
using System.Text.RegularExpressions;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Templates;

/// <summary>Checks a marketer's Liquid template against the variables and filters it may use, before any message is sent.</summary>
internal static partial class TemplateAnalyzer
{
    /// <summary>
    /// Parses and checks <paramref name="source"/> (the YAML scalar's value that <paramref name="map"/> maps back to
    /// the file). Returns null when the template does not parse; every problem goes to <paramref name="diagnostics"/>.
    /// </summary>
    public static CheckedTemplate? Check(string source, ScalarSourceMap map, TemplateScope scope, DiagnosticBag diagnostics)
    {
        foreach (Match mention in BroadcastMention().Matches(source))
        {
            diagnostics.ReportRawBroadcastMention(map.Map(mention.Index, mention.Length), mention.Value);
        }
        if (!TemplateLimits.Check(source, map, diagnostics)) return null;
        if (!LiquidEngine.TryParse(source, out var template, out var error))
        {
            ReportSyntaxError(source, map, error, diagnostics);
            return null;
        }
        var reads = new TemplateWalker(source, map, scope, diagnostics).Walk(template);
        return new CheckedTemplate(source, template, reads);
    }

    private static void ReportSyntaxError(string source, ScalarSourceMap map, string error, DiagnosticBag diagnostics)
    {
        // Fluid says "<complaint> at (line:col)" and may add "Source:" and the offending line.
        var match = ErrorPosition().Match(error);
        if (!match.Success)
        {
            diagnostics.ReportTemplateSyntaxError(map.Whole, error.Split('\n')[0].Trim());
            return;
        }
        var line = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture);
        var column = int.Parse(match.Groups["column"].Value, CultureInfo.InvariantCulture);
        diagnostics.ReportTemplateSyntaxError(map.Map(OffsetOf(source, line, column)), match.Groups["complaint"].Value.Trim());
    }

    private static int OffsetOf(string source, int line, int column)
    {
        var offset = 0;
        for (var l = 1; l < line; l++)
        {
            var newline = source.IndexOf('\n', offset);
            if (newline < 0) return source.Length;
            offset = newline + 1;
        }
        return Math.Clamp(offset + column - 1, 0, source.Length);
    }

    [GeneratedRegex(@"<!(?:channel|here|everyone)(?:\|[^>]*)?>|<!subteam\^[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BroadcastMention();

    [GeneratedRegex(@"^(?<complaint>.*?)\s+at \((?<line>[0-9]+):(?<column>[0-9]+)\)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ErrorPosition();
}
