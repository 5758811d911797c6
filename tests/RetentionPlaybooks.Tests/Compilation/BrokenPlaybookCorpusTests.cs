using System.Text.RegularExpressions;
using RetentionPlaybooks.Compilation;
using Xunit;

namespace RetentionPlaybooks.Tests.Compilation;

/// <summary>
/// Each file in Cases/broken is one mistake, named after it. Its "# expect:" lines list exactly the diagnostics
/// the compiler must report (code, line, column, and a part of the message) — no more, no fewer.
/// A folder case replaces workspace.yaml and/or data-model.yaml with its own.
/// </summary>
public sealed partial class BrokenPlaybookCorpusTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        var root = Path.Combine(RepoPaths.Cases, "broken");
        foreach (var entry in Directory.EnumerateFileSystemEntries(root).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(entry));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BrokenCase_ReportsExactlyTheExpectedDiagnostics(string name)
    {
        var path = Path.Combine(RepoPaths.Cases, "broken", name);
        var files = new Dictionary<string, SourceFile>(StringComparer.Ordinal)
        {
            [SourceFile.WorkspaceFileName] = new(SourceFile.WorkspaceFileName, File.ReadAllText(Path.Combine(RepoPaths.Playbooks, SourceFile.WorkspaceFileName))),
            [SourceFile.DataModelFileName] = new(SourceFile.DataModelFileName, File.ReadAllText(Path.Combine(RepoPaths.Playbooks, SourceFile.DataModelFileName))),
        };
        var caseFiles = Directory.Exists(path) ? Directory.GetFiles(path, "*.yaml") : [path];
        foreach (var f in caseFiles)
        {
            var fileName = Path.GetFileName(f);
            files[fileName] = new SourceFile(fileName, File.ReadAllText(f));
        }
        var expected = caseFiles.SelectMany(f => ExpectLines(Path.GetFileName(f), File.ReadAllText(f))).ToList();
        Assert.NotEmpty(expected);

        var result = PlaybookCompiler.Compile(files.Values.ToList());

        var actual = result.Diagnostics.Select(d => $"{d.Location.File} {d.Code} ({d.Location.Line},{d.Location.Column})").ToList();
        var wanted = expected.Select(e => $"{e.File} {e.Code} ({e.Line},{e.Column})").ToList();
        Assert.True(wanted.Order().SequenceEqual(actual.Order()),
            $"expected:\n  {string.Join("\n  ", wanted)}\nactual:\n  {string.Join("\n  ", result.Diagnostics)}");
        foreach (var e in expected)
        {
            var d = result.Diagnostics.Single(d => d.Location.File == e.File && d.Code == e.Code && d.Location.Line == e.Line && d.Location.Column == e.Column);
            Assert.Contains(e.MessagePart, d.Message, StringComparison.Ordinal);
        }
    }

    private sealed record Expectation(string File, string Code, int Line, int Column, string MessagePart);

    private static IEnumerable<Expectation> ExpectLines(string file, string text)
    {
        foreach (Match m in ExpectPattern().Matches(text))
        {
            yield return new Expectation(file, m.Groups["code"].Value, int.Parse(m.Groups["line"].Value), int.Parse(m.Groups["col"].Value), m.Groups["msg"].Value.Trim());
        }
    }

    [GeneratedRegex(@"^# expect: (?<code>RP\d{4}) \((?<line>\d+),(?<col>\d+)\) (?<msg>.*)$", RegexOptions.Multiline)]
    private static partial Regex ExpectPattern();
}
