using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Diagnostics;

/// <summary>Messages for reading files: YAML syntax and JSON Schema shape (RP00xx, RP01xx).</summary>
internal sealed partial class DiagnosticBag
{
    public void ReportYamlSyntax(SourceLocation at, string detail) =>
        Error("RP0001", at, $"YAML syntax error: {detail}");

    public void ReportNotAMapping(SourceLocation at) =>
        Error("RP0002", at, "the file must be a YAML mapping of keys to values");

    public void ReportMultipleDocuments(SourceLocation at) =>
        Error("RP0003", at, "only one YAML document per file is allowed; remove the '---' separator");

    public void ReportDuplicateKey(SourceLocation at, string key) =>
        Error("RP0004", at, $"duplicate key \"{key}\"");

    public void ReportMissingWorkspace(SourceLocation at, string file) =>
        Error("RP0005", at, $"no {file} found; every playbooks folder needs one");

    public void ReportUnreadableFile(SourceLocation at, string detail) =>
        Error("RP0006", at, $"cannot read file: {detail}");

    public void ReportUnknownKey(SourceLocation at, string key, string where, string? suggestion) =>
        Error("RP0101", at, $"unknown key \"{key}\" in {where}{DidYouMean(suggestion)}");

    public void ReportWrongType(SourceLocation at, string key, string expected, string actual) =>
        Error("RP0102", at, $"\"{key}\" must be {expected}, but it is {actual}");

    public void ReportMissingKey(SourceLocation at, string key, string where) =>
        Error("RP0103", at, $"missing required key \"{key}\" in {where}");

    public void ReportInvalidValue(SourceLocation at, string key, string value, string expected) =>
        Error("RP0104", at, $"invalid value {value} for \"{key}\": {expected}");

    public void ReportBadDuration(SourceLocation at, string key, string value) =>
        Error("RP0105", at, $"bad duration \"{value}\" for \"{key}\": write a whole number and a unit (s, m, h, d, w), e.g. \"30m\", \"2h\", \"7d\"");

    public void ReportTriggerKind(SourceLocation at, int count) =>
        Error("RP0106", at, count == 0
            ? "trigger names nothing: give exactly one of \"event\", \"segment\" or \"attribute\""
            : "trigger names more than one of \"event\", \"segment\" and \"attribute\"; a playbook has exactly one trigger");

    public void ReportFromToWithoutAttribute(SourceLocation at, string key) =>
        Error("RP0107", at, $"\"{key}\" is only allowed with an \"attribute\" trigger");

    public void ReportRouteDefault(SourceLocation at, string problem) =>
        Error("RP0108", at, problem);

    public void ReportEmptyValue(SourceLocation at, string key) =>
        Error("RP0109", at, $"\"{key}\" must not be empty");

    public void ReportIdMismatch(SourceLocation at, string id, string fileName) =>
        Error("RP0110", at, $"id \"{id}\" does not match the file name \"{fileName}\"; rename one so they agree");

    public void ReportChannelTarget(SourceLocation at, string channel) =>
        Error("RP0111", at, $"channel \"{channel}\" must have exactly one of \"slack\" (a channel id) or \"dm\" (a user id)");
}
