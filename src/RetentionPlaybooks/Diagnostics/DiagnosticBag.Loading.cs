using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Diagnostics;

/// <summary>Messages for reading files: YAML syntax and JSON Schema shape (RP00xx, RP01xx), including the loader limits.</summary>
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

    public void ReportNoSuchDirectory(SourceLocation at) =>
        Error("RP0006", at, "cannot read the playbooks folder: no such directory");

    public void ReportNotADirectory(SourceLocation at) =>
        Error("RP0006", at, "cannot read the playbooks folder: this is a file; give the folder that holds workspace.yaml and the playbooks");

    public void ReportUnclosedFlow(SourceLocation at, char open, char close, string what) =>
        Error("RP0001", at, $"YAML syntax error: this \"{open}\" is never closed; end the {what} with \"{close}\", or put the value in quotes if it is text");

    public void ReportParserStopped(SourceLocation at) =>
        Error("RP0001", at, "YAML syntax error: the YAML cannot be read past this point; check the quotes, brackets and indentation here");

    public void ReportAnchor(SourceLocation at, string name) =>
        Error("RP0007", at, $"YAML anchors are not supported (\"&{name}\"); write the value out in full wherever it is used");

    public void ReportAlias(SourceLocation at, string name) =>
        Error("RP0007", at, $"YAML aliases are not supported (\"*{name}\"); write the value out in full here");

    public void ReportTooDeep(SourceLocation at, int limit) =>
        Error("RP0008", at, $"the YAML nests more than {limit} levels deep here; a playbook needs fewer than 10, so flatten the lists and mappings");

    public void ReportFileTooLarge(SourceLocation at, long size, int limit) =>
        Error("RP0009", at, $"the file is {size:N0} bytes, over the limit of {limit:N0} bytes (1 MiB); a playbook is a few kilobytes, so remove what does not belong or split it into several playbooks");

    public void ReportTooManyNodes(SourceLocation at, int limit) =>
        Error("RP0010", at, $"the file holds more than {limit:N0} YAML values (counted up to here); a playbook needs a few hundred, so remove the generated or repeated content");

    public void ReportInvalidUtf8(SourceLocation at, byte value) =>
        Error("RP0011", at, $"the file is not UTF-8 text: byte 0x{value:X2} here is not valid UTF-8; save the file as UTF-8");

    public void ReportUtf16(SourceLocation at) =>
        Error("RP0011", at, "the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8");

    public void ReportControlCharacter(SourceLocation at, int codePoint) =>
        Error("RP0011", at, codePoint == 0
            ? "the file is not text: it holds a NUL character (U+0000) here; is it a binary file? Playbooks are UTF-8 text"
            : $"the file holds the control character U+{codePoint:X4} here, which YAML does not allow; delete it");

    public void ReportStrayByteOrderMark(SourceLocation at) =>
        Error("RP0011", at, "an invisible byte-order mark (U+FEFF) is here, inside the file; delete it (it would become part of a key or a value)");

    public void ReportUnicodeLineBreak(SourceLocation at, int codePoint) =>
        Error("RP0011", at, $"the invisible line separator U+{codePoint:X4} is here; YAML reads it as a line break, editors do not: replace it with a normal line break or a space");

    public void ReportEmptyFile(SourceLocation at) =>
        Error("RP0012", at, "the file is empty (nothing but blank lines or comments); it must be a YAML mapping of keys to values");

    public void ReportInternalError(SourceLocation at, string stage, string exceptionType) =>
        Error("RP0013", at, $"internal compiler error while {stage} ({exceptionType}); this file was skipped. This is a bug in the compiler, not in the file: please report it with the file attached");

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
