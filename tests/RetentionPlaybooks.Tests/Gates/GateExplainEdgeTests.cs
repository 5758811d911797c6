using RetentionPlaybooks.Gates;
using Xunit;

namespace RetentionPlaybooks.Tests.Gates;

/// <summary>
/// Explanations at their edges: lists of exactly five items and one more, ages at each unit, money and number
/// formats, every negated operator, the exclusion wording, and which side of an "or" decides.
/// </summary>
public sealed class GateExplainEdgeTests
{
    private const string NoEvent = "\"event\":{\"name\":\"checkout_abandoned\",\"data\":{}}";
    private static readonly long Now = GateTestModel.Now.ToUnixTimeSeconds();

    private static (bool Result, string Reason) Explain(string expression, string customer, ExplainWording wording = ExplainWording.Gate)
    {
        var explanation = GateTestModel.Compile(expression).Explain(GateTestModel.ReadRecord($$"""{"customer":{{customer}},{{NoEvent}}}"""), wording);
        return (explanation.Result, explanation.Reason);
    }

    [Theory]
    [InlineData("""["a","b","c","d","e"]""", """["a", "b", "c", "d", "e"]""")]
    [InlineData("""["a","b","c","d","e","f"]""", """["a", "b", "c", "d", "e", ... 1 more]""")]
    [InlineData("""["a","b","c","d","e","f","g","h"]""", """["a", "b", "c", "d", "e", ... 3 more]""")]
    [InlineData("""["a"]""", """["a"]""")]
    [InlineData("""[]""", "[]")]
    public void List_ShowsAtMostFiveItems_ThenHowManyMore(string tags, string shown)
    {
        Assert.Equal((false, $"customer.tags = {shown}, needs contains \"vip\""), Explain("customer.tags contains \"vip\"", $$"""{"tags":{{tags}}}"""));
    }

    [Theory]
    [InlineData(0, "0s ago")]
    [InlineData(59, "59s ago")]
    [InlineData(60, "1m ago")]
    [InlineData(119, "1m ago")]
    [InlineData(3599, "59m ago")]
    [InlineData(3600, "1h ago")]
    [InlineData(86399, "23h ago")]
    [InlineData(86400, "1d ago")]
    [InlineData(2 * 86400 - 1, "1d ago")]
    [InlineData(-3600, "in 1h")]
    [InlineData(-90, "in 1m")]
    public void Age_TheLargestWholeUnit_AgoOrIn(int secondsAgo, string age)
    {
        var at = Now - secondsAgo;
        var iso = DateTimeOffset.FromUnixTimeSeconds(at).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

        var (_, reason) = Explain("customer.last_refund_at within 1s", $$"""{"last_refund_at":{{at}}}""");

        Assert.StartsWith($"customer.last_refund_at = {iso} ({age}), needs within 1s", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("customer.ltv", "100", "100")]          // money: whole amounts without decimals
    [InlineData("customer.ltv", "99.5", "99.50")]       // else two decimals
    [InlineData("customer.ltv", "\"12.345\"", "12.35")]
    [InlineData("customer.order_count", "3", "3")]      // numbers: up to eight decimals, no trailing zeros
    [InlineData("customer.order_count", "2.5", "2.5")]
    [InlineData("customer.order_count", "0.123456789", "0.12345679")]
    public void Numbers_AndMoney_AsTheyAreShown(string field, string json, string shown)
    {
        var name = field["customer.".Length..];

        var (_, reason) = Explain($"{field} >= 1000", $$"""{"{{name}}":{{json}}}""");

        Assert.Equal($"{field} = {shown}, needs >= 1000", reason);
    }

    [Theory]
    [InlineData("customer.order_count == 3", "!= 3")]
    [InlineData("customer.order_count != 4", "== 4")]
    [InlineData("customer.order_count < 4", ">= 4")]
    [InlineData("customer.order_count <= 3", "> 3")]
    [InlineData("customer.order_count > 2", "<= 2")]
    [InlineData("customer.order_count >= 3", "< 3")]
    [InlineData("customer.plan in [\"a\"]", "not in [\"a\"]")]
    public void Not_NegatesEachOperator(string comparison, string needs)
    {
        var field = comparison.StartsWith("customer.plan", StringComparison.Ordinal) ? "customer.plan = \"a\"" : "customer.order_count = 3";

        var (result, reason) = Explain($"not ({comparison})", """{"order_count":3,"plan":"a"}""");

        Assert.False(result);
        Assert.Equal($"{field}, needs {needs}", reason);
    }

    [Fact]
    public void ExclusionWording_SaysWhenItExcludes()
    {
        Assert.Equal((true, "customer.order_count = 3 (excluded when >= 3)"), Explain("customer.order_count >= 3", """{"order_count":3}""", ExplainWording.Exclusion));
        Assert.Equal((false, "customer.fraud_flag = false (excluded when true)"), Explain("customer.fraud_flag", """{"fraud_flag":false}""", ExplainWording.Exclusion));
    }

    [Fact]
    public void Or_TheFirstSideThatHolds_IsTheReason()
    {
        Assert.Equal((true, "customer.order_count = 3, needs >= 3"), Explain("customer.order_count >= 3 or customer.vip", """{"order_count":3,"vip":true}"""));
        Assert.Equal((true, "customer.vip = true, needs true"), Explain("customer.order_count >= 5 or customer.vip", """{"order_count":3,"vip":true}"""));
    }

    [Fact]
    public void NotOr_NeedsEverySide()
    {
        Assert.Equal((true, "customer.order_count = 3, needs < 5; customer.vip = false, needs false"), Explain("not (customer.order_count >= 5 or customer.vip)", """{"order_count":3,"vip":false}"""));
        Assert.Equal((false, "customer.vip = true, needs false"), Explain("not (customer.order_count >= 5 or customer.vip)", """{"order_count":3,"vip":true}"""));
    }

    [Fact]
    public void Exists_PresentOrMissing_AndNegated()
    {
        Assert.Equal((true, "customer.phone is present"), Explain("exists(customer.phone)", """{"phone":"1"}"""));
        Assert.Equal((false, "customer.phone is present"), Explain("not exists(customer.phone)", """{"phone":"1"}"""));
        Assert.Equal((true, "customer.phone is missing"), Explain("not exists(customer.phone)", "{}"));
    }

    [Fact]
    public void Constants_AndMissingRightSides()
    {
        Assert.Equal((true, "true is constant"), Explain("true", "{}"));
        Assert.Equal((true, "false is constant"), Explain("not false", "{}"));
        Assert.Equal((false, "event.cart_value is missing"), Explain("customer.ltv >= event.cart_value", """{"ltv":5}"""));
    }

    [Fact]
    public void ACountedListOfObjects_IsShownAsItsSize()
    {
        var record = GateTestModel.ReadRecord("""{"customer":{},"event":{"name":"checkout_abandoned","data":{"items":[{"sku":"a"},{"sku":"b"}]}}}""");

        var explanation = GateTestModel.Compile("count(event.items) > 3").Explain(record);

        Assert.Equal((false, "count(event.items) = 2, needs > 3"), (explanation.Result, explanation.Reason));
    }
}
