using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Templates;
using Xunit;
using static RetentionPlaybooks.Tests.Templates.TemplateFixtures;

namespace RetentionPlaybooks.Tests.Templates;

public sealed class LiquidEngineTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Render(string source, object? customer = null, object? evt = null, TemplateOutput output = TemplateOutput.Mrkdwn)
    {
        var template = CheckClean(source).Template;
        var model = new Dictionary<string, object?>
        {
            ["customer"] = customer ?? Json("{}"),
            ["event"] = evt ?? Json("{}"),
        };
        return LiquidEngine.Render(template, model, Now, output);
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void KnownFilters_HoldStandardAndCustomFilters_ButNotRaw()
    {
        Assert.Superset(new HashSet<string> { "money", "time_ago", "default", "date", "truncate", "upcase", "escape" }, new HashSet<string>(LiquidEngine.KnownFilters));
        Assert.DoesNotContain("raw", LiquidEngine.KnownFilters);
    }

    [Theory]
    [InlineData("{{ event.cart_value | money }}", "$1,234.50")]
    [InlineData("{{ event.cart_value | money: \"EUR\" }}", "€1,234.50")]
    [InlineData("{{ event.cart_value | money: \"gbp\" }}", "£1,234.50")]
    [InlineData("{{ event.cart_value | money: \"CHF\" }}", "CHF 1,234.50")]
    [InlineData("{{ customer.ltv | money }}", "-$5.00")]
    [InlineData("{{ customer.first_name | money }}", "Ann")]
    [InlineData("{{ customer.email | money | default: \"n/a\" }}", "n/a")]
    public void Money_FormatsCultureInvariant(string source, string expected)
    {
        var customer = Json("""{"ltv": -5, "first_name": "Ann", "email": ""}""");
        var evt = Json("""{"cart_value": "1234.5"}""");

        Assert.Equal(expected, Render(source, customer, evt));
    }

    [Fact]
    public void Money_ZeroDecimalCurrency_HasNoCents()
    {
        Assert.Equal("¥1,234", Render("{{ event.cart_value | money: \"JPY\" }}", evt: Json("""{"cart_value": 1234}""")));
    }

    [Theory]
    [InlineData(10, "just now")]
    [InlineData(42 * 60, "42 min ago")]
    [InlineData(3 * 3600 + 59 * 60, "3 h ago")]
    [InlineData(86400 + 5, "1 day ago")]
    [InlineData(2 * 86400 + 3600, "2 days ago")]
    [InlineData(-(5 * 60), "in 5 min")]
    public void TimeAgo_UnixSeconds_IsRelativeToTheRenderClock(int secondsAgo, string expected)
    {
        var customer = JsonSerializer.SerializeToElement(new { last_order_at = Now.ToUnixTimeSeconds() - secondsAgo });

        Assert.Equal(expected, Render("{{ customer.last_order_at | time_ago }}", customer));
    }

    [Fact]
    public void TimeAgo_AcceptsNumericStringsIsoTextAndTimestampValues()
    {
        var numeric = Json($$"""{"last_order_at": "{{Now.AddHours(-3).ToUnixTimeSeconds()}}"}""");
        var iso = Json("""{"last_order_at": "2026-02-27T11:00:00Z"}""");
        var value = new Dictionary<string, object?> { ["last_order_at"] = Value.Timestamp(Now.AddMinutes(-42).ToUnixTimeSeconds()) };

        Assert.Equal("3 h ago", Render("{{ customer.last_order_at | time_ago }}", numeric));
        Assert.Equal("2 days ago", Render("{{ customer.last_order_at | time_ago }}", iso));
        Assert.Equal("42 min ago", Render("{{ customer.last_order_at | time_ago }}", value));
    }

    [Fact]
    public void TimeAgo_ReadsTheInjectedTimeProvider()
    {
        var time = new FakeTimeProvider(Now);
        var template = CheckClean("{{ customer.last_order_at | time_ago }}").Template;
        var model = new Dictionary<string, object?> { ["customer"] = Json($$"""{"last_order_at": {{Now.ToUnixTimeSeconds()}}}""") };

        time.Advance(TimeSpan.FromMinutes(90));

        Assert.Equal("1 h ago", LiquidEngine.Render(template, model, time, TemplateOutput.PlainText));
    }

    [Fact]
    public void TimeAgo_Missing_FallsBackWithDefault()
    {
        Assert.Equal("never", Render("{{ customer.last_order_at | time_ago | default: \"never\" }}"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"first_name": ""}""")]
    [InlineData("""{"first_name": null}""")]
    public void Default_MissingEmptyOrNull_FallsBack(string customer)
    {
        Assert.Equal("Hi there", Render("Hi {{ customer.first_name | default: \"there\" }}", Json(customer)));
    }

    [Fact]
    public void DateAndTruncate_StandardFiltersWork()
    {
        var customer = new Dictionary<string, object?>
        {
            ["last_order_at"] = Value.Timestamp(new DateTimeOffset(2026, 2, 14, 9, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds()),
            ["first_name"] = Value.String("Bartholomew"),
        };

        Assert.Equal("2026-02-14 Barthol...", Render("{{ customer.last_order_at | date: \"%Y-%m-%d\" }} {{ customer.first_name | truncate: 10 }}", customer));
    }

    [Fact]
    public void Render_LoopOverJsonList_BindsElements()
    {
        var evt = Json("""{"items": [{"sku": "A1", "price": 10, "quantity": 2}, {"sku": "B2", "price": 5.5, "quantity": 1}]}""");

        Assert.Equal("A1×2 $10.00;B2×1 $5.50;", Render("{% for item in event.items %}{{ item.sku }}×{{ item.quantity }} {{ item.price | money }};{% endfor %}", evt: evt));
    }

    [Fact]
    public void TheModel_KeepsNumbersPastADecimalAsText_AtTheEdge_AndTheLastOfADuplicateKey()
    {
        Assert.Equal("1E+300", TemplateModel.FromJson(Json("1e300")));
        Assert.Equal("7.9E+27", TemplateModel.FromValue(RetentionPlaybooks.Evaluation.Value.Number(7.9e27)));
        Assert.Equal(7.8e27m, TemplateModel.FromValue(RetentionPlaybooks.Evaluation.Value.Number(7.8e27)));
        Assert.Equal("-1E+300", TemplateModel.FromValue(RetentionPlaybooks.Evaluation.Value.Number(-1e300)));
        var duplicate = Assert.IsType<Dictionary<string, object?>>(TemplateModel.FromJson(Json("""{"a":1,"a":2}""")));
        Assert.Equal(2m, duplicate["a"]);
    }

    [Fact]
    public void ARunawayLoop_IsStoppedByTheStepLimit_NotRunToTheEnd()
    {
        Assert.True(LiquidEngine.TryParse("{% for i in (1..300000) %}{{ i }}{% endfor %}", out var template, out _));

        var error = Xunit.Record.Exception(() => LiquidEngine.Render(template, new Dictionary<string, object?>(), Now, TemplateOutput.PlainText));

        Assert.NotNull(error);
        Assert.StartsWith("The maximum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALoopUnderTheStepLimit_RunsToTheEnd()
    {
        Assert.True(LiquidEngine.TryParse("{% for i in (1..1000) %}x{% endfor %}", out var template, out _));

        Assert.Equal(new string('x', 1000), LiquidEngine.Render(template, new Dictionary<string, object?>(), Now, TemplateOutput.PlainText));
    }
}
