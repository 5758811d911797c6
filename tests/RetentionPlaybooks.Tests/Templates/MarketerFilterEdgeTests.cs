using System.Text.Json;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Templates;
using Xunit;
using static RetentionPlaybooks.Tests.Templates.TemplateFixtures;

namespace RetentionPlaybooks.Tests.Templates;

/// <summary>The marketer filters at each edge: the unit thresholds of time_ago, rounding to zero in money, truncation at the length.</summary>
public sealed class MarketerFilterEdgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static string Render(string source, object? customer = null)
    {
        var template = CheckClean(source).Template;
        var model = new Dictionary<string, object?> { ["customer"] = customer ?? Json("{}"), ["event"] = Json("{}") };
        return LiquidEngine.Render(template, model, Now, TemplateOutput.PlainText);
    }

    private static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static TheoryData<TimeSpan, string> Thresholds => new()
    {
        { TimeSpan.Zero, "just now" },
        { TimeSpan.FromMinutes(1) - Tick, "just now" },
        { TimeSpan.FromMinutes(1), "1 min ago" },
        { TimeSpan.FromMinutes(1) + Tick, "1 min ago" },
        { TimeSpan.FromHours(1) - Tick, "59 min ago" },
        { TimeSpan.FromHours(1), "1 h ago" },
        { TimeSpan.FromHours(1) + Tick, "1 h ago" },
        { TimeSpan.FromDays(1) - Tick, "23 h ago" },
        { TimeSpan.FromDays(1), "1 day ago" },
        { TimeSpan.FromDays(2) - Tick, "1 day ago" },
        { TimeSpan.FromDays(2), "2 days ago" },
        { TimeSpan.FromDays(400), "400 days ago" },
        { -(TimeSpan.FromMinutes(1) - Tick), "just now" },
        { -TimeSpan.FromMinutes(1), "in 1 min" },
        { -TimeSpan.FromHours(2), "in 2 h" },
        { -TimeSpan.FromDays(1), "in 1 day" },
        { -TimeSpan.FromDays(3), "in 3 days" },
    };

    [Theory]
    [MemberData(nameof(Thresholds))]
    public void Relative_EachUnitFromExactlyItsThreshold(TimeSpan elapsed, string expected)
    {
        Assert.Equal(expected, MarketerFilters.Relative(elapsed));
    }

    [Theory]
    [InlineData(0.004, "USD", "$0.00")]
    [InlineData(-0.004, "USD", "$0.00")]     // rounds to zero: no minus sign
    [InlineData(-0.005, "USD", "-$0.01")]    // rounds away from zero
    [InlineData(-1234.5, "USD", "-$1,234.50")]
    [InlineData(-0.4, "JPY", "¥0")]
    [InlineData(-0.5, "JPY", "-¥1")]
    [InlineData(1234567.891, "EUR", "€1,234,567.89")]
    [InlineData(12.5, "cad", "CA$12.50")]
    [InlineData(12.5, "AUD", "A$12.50")]
    [InlineData(12.5, "INR", "₹12.50")]
    [InlineData(12.5, "chf", "CHF 12.50")]
    public void FormatMoney_SignAfterRounding_SymbolsAndUnknownCodes(double amount, string code, string expected)
    {
        Assert.Equal(expected, MarketerFilters.FormatMoney((decimal)amount, code));
    }

    [Theory]
    [InlineData("{{ customer.ltv | money }}", "$12.00")]
    [InlineData("{{ customer.ltv | money: nil }}", "$12.00")]
    [InlineData("{{ customer.ltv | money: customer.phone }}", "$12.00")]
    [InlineData("{{ customer.ltv | money: \"GBP\" }}", "£12.00")]
    [InlineData("{{ customer.email | money }}", "$7.25")]
    [InlineData("{{ customer.id | money }}", "true")]
    public void Money_TheCurrencyArgument_OrUSD(string source, string expected)
    {
        Assert.Equal(expected, Render(source, Json("""{"ltv": 12, "email": "7.25", "id": true}""")));
    }

    [Theory]
    [InlineData("abcde", 5, "...", "abcde")]     // exactly the length: kept
    [InlineData("abcdef", 5, "...", "ab...")]    // one over: cut, the ellipsis within the length
    [InlineData("abcd", 5, "...", "abcd")]       // one under
    [InlineData("abcdef", 2, "...", "...")]      // shorter than the ellipsis: nothing of the text
    [InlineData("abcdef", 3, "...", "...")]
    [InlineData("abcdef", 4, "…", "abc…")]
    [InlineData("abcdef", 0, "", "")]
    public void TruncateText_AtTheLength(string text, int length, string ellipsis, string expected)
    {
        Assert.Equal(expected, MarketerFilters.TruncateText(text, length, ellipsis));
    }

    [Fact]
    public void TruncateText_NeverCutsASurrogatePair()
    {
        var text = "ab\U0001F600cdef"; // a, b, high, low, c, d, e, f

        Assert.Equal("ab...", MarketerFilters.TruncateText(text, 6, "..."));     // the cut would fall after the high surrogate
        Assert.Equal("ab\U0001F600...", MarketerFilters.TruncateText(text, 7, "...")); // the pair whole
        Assert.Equal("a.", MarketerFilters.TruncateText(text, 2, "."));
        Assert.Equal("ab.", MarketerFilters.TruncateText(text, 3, "."));
        Assert.Equal(".", MarketerFilters.TruncateText("\U0001F600abc", 2, "."));  // high surrogate at index 0: nothing kept
    }

    [Theory]
    [InlineData("{{ customer.first_name | truncate }}", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...")] // default 50
    [InlineData("{{ customer.first_name | truncate: 5 }}", "aa...")]
    [InlineData("{{ customer.first_name | truncate: 5, \"~\" }}", "aaaa~")]
    [InlineData("{{ customer.first_name | truncate: -3 }}", "...")]
    [InlineData("{{ customer.first_name | truncate: nil }}", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...")]
    [InlineData("{{ customer.id | truncate }}", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // exactly 50
    [InlineData("{{ customer.phone | truncate: 5 | default: \"nil\" }}", "nil")]
    public void Truncate_Arguments(string source, string expected)
    {
        var customer = Json($$"""{"first_name": "{{new string('a', 60)}}", "id": "{{new string('a', 50)}}"}""");

        Assert.Equal(expected, Render(source, customer));
    }

    [Fact]
    public void TimeAgo_DateTimeValues_UnspecifiedKindIsUtc()
    {
        var template = CheckClean("{{ customer.last_order_at | time_ago }}").Template;
        string With(object value) => LiquidEngine.Render(template, new Dictionary<string, object?> { ["customer"] = new Dictionary<string, object?> { ["last_order_at"] = value } }, Now, TemplateOutput.PlainText);

        Assert.Equal("2 h ago", With(new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Unspecified)));
        Assert.Equal("2 h ago", With(new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc)));
        Assert.Equal("2 h ago", With(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2))));
    }

    [Theory]
    [InlineData("""{"id": "1800-01-01T00:00:00Z"}""", "1800-01-01T00:00:00Z")] // outside 1900–2200: shown as sent
    [InlineData("""{"id": "yesterday"}""", "yesterday")]
    [InlineData("""{"id": 99999999999999999}""", "99999999999999999")]
    [InlineData("""{"id": ""}""", "none")]
    [InlineData("""{"id": true}""", "true")]
    [InlineData("""{"id": "2026-03-01T09:00:00Z"}""", "3 h ago")]
    [InlineData("""{"id": "1772359200"}""", "2 h ago")]
    public void TimeAgo_WhatIsNotATime_IsShownAsSent_BlankIsNil(string customer, string expected)
    {
        Assert.Equal(expected, Render("{{ customer.id | time_ago | default: \"none\" }}", Json(customer)));
    }

    [Fact]
    public void TimeAgo_ATimestampValue()
    {
        var customer = new Dictionary<string, object?> { ["last_order_at"] = Value.Timestamp(Now.AddDays(-3).ToUnixTimeSeconds()) };

        Assert.Equal("3 days ago", Render("{{ customer.last_order_at | time_ago }}", customer));
    }

    [Fact]
    public void MoneyAndTimeAgo_OfTextThatIsNoNumberOrTime_ShowTheTextAsItIs_AndOfNothing_Nothing()
    {
        Assert.Equal("abc", Render("{{ 'abc' | money }}"));
        Assert.Equal("abc", Render("{{ 'abc' | time_ago }}"));
        Assert.Equal("none", Render("{{ '' | money | default: 'none' }}"));
        Assert.Equal("none", Render("{{ '' | time_ago | default: 'none' }}"));
    }
}
