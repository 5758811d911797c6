using System.Text.Json;
using RetentionPlaybooks.Templates;
using Xunit;
using static RetentionPlaybooks.Tests.Templates.TemplateFixtures;

namespace RetentionPlaybooks.Tests.Templates;

public sealed class MrkdwnEscapingTests
{
    private const string HostileName = "<!channel> <@U123> <https://evil.example|refund>";

    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Render(string source, string firstName, TemplateOutput output = TemplateOutput.Mrkdwn)
    {
        var customer = JsonSerializer.SerializeToElement(new { first_name = firstName, id = "c-1" });
        var model = new Dictionary<string, object?> { ["customer"] = customer };
        return LiquidEngine.Render(CheckClean(source).Template, model, Now, output);
    }

    [Theory]
    [InlineData("a & b <c>", "a &amp; b &lt;c&gt;")]
    [InlineData("plain", "plain")]
    [InlineData("&amp;", "&amp;amp;")]
    [InlineData(">", "&gt;")]                       // each control character alone, so no fast path skips one
    [InlineData("<", "&lt;")]
    [InlineData("&", "&amp;")]
    [InlineData("quote > reply", "quote &gt; reply")]
    [InlineData("", "")]
    [InlineData("<<>>&&", "&lt;&lt;&gt;&gt;&amp;&amp;")]
    public void Escape_ReplacesTheThreeControlCharacters(string text, string expected)
    {
        Assert.Equal(expected, Mrkdwn.Escape(text));
    }

    [Theory]
    [InlineData("a & b <c>", "a &amp; b &lt;c&gt;")]
    [InlineData(">", "&gt;")]
    [InlineData("<", "&lt;")]
    [InlineData("&", "&amp;")]
    [InlineData("caf\u00e9 \ud83d\ude00 > x", "caf\u00e9 \ud83d\ude00 &gt; x")]   // other text, pairs included, as it is
    [InlineData("plain", "plain")]
    public void Encoder_ThroughTheTextEncoderApi_EscapesExactlyTheThreeControlCharacters(string text, string expected)
    {
        // The writer overload is the scalar-by-scalar path (FindFirstCharacterToEncode, then TryEncodeUnicodeScalar)
        // that any caller of the encoder may take, not only the string overload.
        var writer = new StringWriter();
        MrkdwnEncoder.Instance.Encode(writer, text);

        Assert.Equal(expected, writer.ToString());
        Assert.Equal(expected, MrkdwnEncoder.Instance.Encode(text));
    }

    [Fact]
    public void Encoder_WillEncode_OnlyTheThreeControlCharacters()
    {
        Assert.True(MrkdwnEncoder.Instance.WillEncode('&'));
        Assert.True(MrkdwnEncoder.Instance.WillEncode('<'));
        Assert.True(MrkdwnEncoder.Instance.WillEncode('>'));
        Assert.False(MrkdwnEncoder.Instance.WillEncode('a'));
        Assert.False(MrkdwnEncoder.Instance.WillEncode('"'));
        Assert.False(MrkdwnEncoder.Instance.WillEncode(0x1F600));
    }

    [Fact]
    public void Render_HostileCustomerName_IsInert()
    {
        var text = Render("New VIP: {{ customer.first_name }}", HostileName);

        Assert.Equal("New VIP: &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|refund&gt;", text);
        Assert.DoesNotContain('<', text);
    }

    [Theory]
    [InlineData("{{ customer.first_name | upcase }}")]
    [InlineData("{{ customer.first_name | truncate: 100 }}")]
    [InlineData("{{ customer.missing_name_ok | default: customer.first_name }}")]
    [InlineData("{% assign n = customer.first_name %}{{ n }}")]
    [InlineData("{% capture n %}{{ customer.first_name }}{% endcapture %}{{ n }}")]
    public void Render_ValueThroughFiltersAssignOrCapture_IsStillEscaped(string source)
    {
        var customer = JsonSerializer.SerializeToElement(new { first_name = HostileName });
        var template = LiquidEngineTestsAccess.ParseUnchecked(source);

        var text = LiquidEngine.Render(template, new Dictionary<string, object?> { ["customer"] = customer }, Now, TemplateOutput.Mrkdwn);

        Assert.DoesNotContain('<', text);
        Assert.Contains("&lt;!channel&gt;", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("{{ customer.tags }}", "&lt;!here&gt;b")]
    [InlineData("{{ customer.tags | sort | reverse }}", "b&lt;!here&gt;")]
    [InlineData("{{ customer.first_name | split: \"\" }}", "&lt;!channel&gt;")]
    [InlineData("{% if true %}{% for x in (1..1) %}{{ customer.tags }}{% endfor %}{% endif %}", "&lt;!here&gt;b")]
    [InlineData("{% capture c %}{{ customer.tags }}{% endcapture %}{{ c }}", "&lt;!here&gt;b")]
    [InlineData("{{ customer | json }}", "{\"first_name\":\"\\u003C!channel\\u003E\",\"tags\":[\"\\u003C!here\\u003E\",\"b\"]}")]
    public void Render_ListsPrintedWhole_AreEscapedToo(string source, string expected)
    {
        // Fluid writes a list element by element without the encoder; the engine turns it into one escaped string.
        var customer = JsonSerializer.SerializeToElement(new { first_name = "<!channel>", tags = new[] { "<!here>", "b" } });
        var template = LiquidEngineTestsAccess.ParseUnchecked(source);

        var text = LiquidEngine.Render(template, new Dictionary<string, object?> { ["customer"] = customer }, Now, TemplateOutput.Mrkdwn);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Render_ListInPlainText_IsWrittenAsFluidWould()
    {
        var customer = JsonSerializer.SerializeToElement(new { tags = new[] { "<a>", "b" } });
        var template = LiquidEngineTestsAccess.ParseUnchecked("{{ customer.tags }}");

        Assert.Equal("<a>b", LiquidEngine.Render(template, new Dictionary<string, object?> { ["customer"] = customer }, Now, TemplateOutput.PlainText));
    }

    [Fact]
    public void Render_TemplatesOwnLiteralText_IsNotEscaped()
    {
        var text = Render("*Hi* <https://shop.example/c/{{ customer.id }}|{{ customer.first_name }}> & welcome", "Ann & Bob");

        Assert.Equal("*Hi* <https://shop.example/c/c-1|Ann &amp; Bob> & welcome", text);
    }

    [Fact]
    public void Render_PlainText_LeavesValuesAsTheyAre()
    {
        Assert.Equal("Hi " + HostileName, Render("Hi {{ customer.first_name }}", HostileName, TemplateOutput.PlainText));
    }

    [Fact]
    public void Render_ManyThreadsOneTemplate_EachGetsItsOwnValues()
    {
        var template = CheckClean("Hi {{ customer.first_name }} <{{ customer.id }}>").Template;

        Parallel.For(0, 200, i =>
        {
            var customer = JsonSerializer.SerializeToElement(new { first_name = $"<{i}>", id = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var text = LiquidEngine.Render(template, new Dictionary<string, object?> { ["customer"] = customer }, Now, TemplateOutput.Mrkdwn);
            Assert.Equal($"Hi &lt;{i}&gt; <{i}>", text);
        });
    }
}

/// <summary>Parses without checking, for templates that deliberately read undeclared fields.</summary>
internal static class LiquidEngineTestsAccess
{
    public static Fluid.IFluidTemplate ParseUnchecked(string source) =>
        LiquidEngine.TryParse(source, out var template, out var error) ? template : throw new InvalidOperationException(error);
}
