using RetentionPlaybooks.Text;
using Xunit;

namespace RetentionPlaybooks.Tests.Text;

public sealed class ScalarSourceMapTests
{
    [Fact]
    public void Map_ThirtyThousandOffsetsInALongValue_EachLandsOnItsLine()
    {
        // A template of 30,000 tags is mapped tag by tag (scanning the value from its start each time took a minute;
        // PathologicalInputBenchmarks measures it now).
        var value = string.Concat(Enumerable.Repeat("{{ customer.first_name }}\n", 30_000));
        var map = new ScalarSourceMap("p.yaml", 10, 5, ScalarKind.Literal, value, blockIndent: 4);

        var last = default(SourceLocation);
        for (var offset = 0; offset < value.Length; offset += 26) last = map.Map(offset + 3, 2);

        Assert.Equal(new SourceLocation("p.yaml", 10 + 30_000, 5 + 3, 2), last);
    }
}
