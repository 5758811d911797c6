using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Diagnostics;

/// <summary>Messages for playbook test files (*.tests.yaml) (RP06xx).</summary>
internal sealed partial class DiagnosticBag
{
    public void ReportFixtureUnknownPlaybook(SourceLocation at, string id, string? suggestion) =>
        Error("RP0601", at, $"test file is for playbook \"{id}\", which does not exist or did not compile{DidYouMean(suggestion)}");

    public void ReportFixturePayload(SourceLocation at, string caseName, string problem) =>
        Error("RP0602", at, $"case \"{caseName}\": {problem}");

    public void ReportFixtureBase(SourceLocation at, string path, string problem) =>
        Error("RP0603", at, $"base payload \"{path}\": {problem}");

    public void ReportFixtureClock(SourceLocation at, string caseName) =>
        Error("RP0604", at, $"case \"{caseName}\" has no clock: give \"now\" or a \"timestamp\" in the payload");

    public void ReportFixtureUnknownCasePlaybook(SourceLocation at, string caseName, string id, string? suggestion) =>
        Error("RP0606", at, $"case \"{caseName}\": open case of playbook \"{id}\", which does not exist or did not compile{DidYouMean(suggestion)}");

    public void ReportFixtureDuplicateName(SourceLocation at, string caseName) =>
        Error("RP0605", at, $"case name \"{caseName}\" is used twice in this file (or differs from another only in punctuation or case); names pick snapshot files, so they must differ");
}
