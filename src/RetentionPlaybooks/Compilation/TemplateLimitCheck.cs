using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Compilation;

/// <summary>
/// Warns at compile time when a message template can exceed a Block Kit limit, so the renderer's trimming
/// (which always keeps messages valid) does not silently cut what the marketer meant to show.
/// </summary>
internal static class TemplateLimitCheck
{
    private static readonly IReadOnlyDictionary<string, object?> EmptyModel = new Dictionary<string, object?>();

    public static void Check(CheckedTemplate template, string what, int limit, bool singleLine, SourceLocation at, DiagnosticBag? diagnostics)
    {
        if (diagnostics is null) return;
        // With no data, what renders is the template's own text and defaults: a floor on its length.
        var floor = LiquidEngine.Render(template.Template, EmptyModel, DateTimeOffset.UnixEpoch, TemplateOutput.PlainText).Trim().Length;
        if (floor > limit)
        {
            diagnostics.ReportTemplateMayExceedLimit(at, $"{what} is {floor} characters before any data is added and", limit);
            return;
        }
        // A one-line slot (header, button) that prints free text from customer data has no upper bound.
        if (singleLine && !template.Source.Contains("truncate", StringComparison.Ordinal)
            && template.Reads.Where(r => r.Printed && r.Field?.Type.Kind is TypeKind.String).Select(r => (TemplateRead?)r).FirstOrDefault() is { } read)
        {
            diagnostics.ReportTemplateMayExceedLimit(read.Location, $"{what} prints {read.Path} without | truncate, so it", limit);
        }
    }
}
