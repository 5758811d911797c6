using Xunit;

namespace RetentionPlaybooks.Tests.Gates;

/// <summary>Runs every case of Cases/gates.txt through the fast path and the explainer.</summary>
public sealed class GateSemanticsTests
{
    public static TheoryData<int, string, string, bool> Cases()
    {
        var data = new TheoryData<int, string, string, bool>();
        foreach (var (line, fields) in GateTestModel.ReadCases("gates.txt", 3))
        {
            data.Add(line, fields[0], fields[1], bool.Parse(fields[2]));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_Case_MatchesExpected(int line, string expression, string json, bool expected)
    {
        var gate = GateTestModel.Compile(expression);
        var record = GateTestModel.ReadRecord(json);

        Assert.True(expected == gate.Evaluate(record), $"gates.txt({line}): {expression} should be {expected}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explain_Case_AgreesWithEvaluate(int line, string expression, string json, bool expected)
    {
        var gate = GateTestModel.Compile(expression);
        var record = GateTestModel.ReadRecord(json);

        var explanation = gate.Explain(record);

        Assert.True(expected == explanation.Result, $"gates.txt({line}): explain says {explanation.Result} ({explanation.Reason})");
        Assert.False(string.IsNullOrWhiteSpace(explanation.Reason));
    }

    [Fact]
    public void CaseFile_HasAtLeastSixtyCases()
    {
        Assert.True(Cases().Count >= 60);
    }
}
