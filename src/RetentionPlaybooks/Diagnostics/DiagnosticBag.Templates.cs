using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Diagnostics;

// Liquid message templates: RP04xx. RP0403 (PII policy) is reported by the playbook compiler, not here.
internal sealed partial class DiagnosticBag
{
    internal void ReportTemplateSyntaxError(SourceLocation location, string complaint) =>
        Error("RP0401", location, $"Liquid syntax error in template: {complaint}");

    internal void ReportUnknownTemplateVariable(SourceLocation location, string path, string? suggestion) =>
        Error("RP0402", location, $"unknown variable \"{path}\" in template{DidYouMean(suggestion)}");

    internal void ReportUnavailableTemplateVariable(SourceLocation location, string path, string root, string reason) =>
        Error("RP0402", location, $"unknown variable \"{path}\" in template: \"{root}\" is not available because {reason}");

    internal void ReportRawBroadcastMention(SourceLocation location, string mention) =>
        Error("RP0404", location, $"template contains a raw \"{mention}\" mention; mentions come only from the playbook's owner");

    internal void ReportUnknownTemplateFilter(SourceLocation location, string name, string? suggestion) =>
        Error("RP0405", location, $"unknown filter \"{name}\"{DidYouMean(suggestion)}");

    internal void ReportTemplateTooDeep(SourceLocation location, int limit) =>
        Error("RP0408", location, $"the template nests more than {limit} blocks (if, unless, for, case, capture) here; flatten it");

    internal void ReportTemplateTagTooLong(SourceLocation location, int limit) =>
        Error("RP0408", location, $"this tag is longer than {limit:N0} characters; split the logic into several smaller tags");
}
