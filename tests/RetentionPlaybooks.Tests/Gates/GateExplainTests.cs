using Xunit;

namespace RetentionPlaybooks.Tests.Gates;

public sealed class GateExplainTests
{
    private const string NoEvent = "\"event\":{\"name\":\"checkout_abandoned\",\"data\":{}}";

    private static (bool Result, string Reason) Explain(string expression, string json)
    {
        var explanation = GateTestModel.Compile(expression).Explain(GateTestModel.ReadRecord(json));
        return (explanation.Result, explanation.Reason);
    }

    [Fact]
    public void Explain_FailedComparison_NamesValueAndNeed()
    {
        var result = Explain("customer.ltv >= 500", $$"""{"customer":{"ltv":320},{{NoEvent}}}""");

        Assert.Equal((false, "customer.ltv = 320, needs >= 500"), result);
    }

    [Fact]
    public void Explain_MissingField_SaysMissing()
    {
        var result = Explain("customer.last_refund_at within 30d", $$"""{"customer":{"last_refund_at":""},{{NoEvent}}}""");

        Assert.Equal((false, "customer.last_refund_at is missing"), result);
    }

    [Fact]
    public void Explain_And_NamesTheFirstFailingSide()
    {
        var result = Explain(
            "customer.ltv >= 500 and event.cart_value >= 150",
            """{"customer":{"ltv":620},"event":{"name":"checkout_abandoned","data":{"cart_value":"99.90"}}}""");

        Assert.Equal((false, "event.cart_value = 99.90, needs >= 150"), result);
    }

    [Fact]
    public void Explain_PassingAnd_NamesEverySide()
    {
        var result = Explain(
            "customer.ltv >= 500 and event.cart_value >= 150",
            """{"customer":{"ltv":620},"event":{"name":"checkout_abandoned","data":{"cart_value":180}}}""");

        Assert.Equal((true, "customer.ltv = 620, needs >= 500; event.cart_value = 180, needs >= 150"), result);
    }

    [Fact]
    public void Explain_FailedOr_NamesEverySide()
    {
        var result = Explain(
            "count(event.items) > 3 or exists(customer.phone)",
            """{"customer":{},"event":{"name":"checkout_abandoned","data":{"items":[{"sku":"a"}]}}}""");

        Assert.Equal((false, "count(event.items) = 1, needs > 3; customer.phone is missing"), result);
    }

    [Fact]
    public void Explain_Not_StatesTheNegatedNeed()
    {
        var result = Explain("not (customer.plan in [\"annual\", \"monthly\"])", $$"""{"customer":{"plan":"annual"},{{NoEvent}}}""");

        Assert.Equal((false, "customer.plan = \"annual\", needs not in [\"annual\", \"monthly\"]"), result);
    }

    [Fact]
    public void Explain_NegatedAnd_UsesDeMorgan()
    {
        var result = Explain("not (customer.vip and customer.ltv >= 500)", $$"""{"customer":{"vip":true,"ltv":600},{{NoEvent}}}""");

        Assert.Equal((false, "customer.vip = true, needs false; customer.ltv = 600, needs < 500"), result);
    }

    [Fact]
    public void Explain_BooleanField_SaysWhatWasNeeded()
    {
        var result = Explain("not customer.fraud_flag", $$"""{"customer":{"fraud_flag":true},{{NoEvent}}}""");

        Assert.Equal((false, "customer.fraud_flag = true, needs false"), result);
    }

    [Fact]
    public void Explain_Timestamp_ShowsDateAndAge()
    {
        var result = Explain("customer.last_refund_at within 30d", $$"""{"customer":{"last_refund_at":"2025-04-01T00:00:00Z"},{{NoEvent}}}""");

        Assert.Equal((false, "customer.last_refund_at = 2025-04-01T00:00:00Z (61d ago), needs within 30d"), result);
    }

    [Fact]
    public void Explain_List_ShowsItsElements()
    {
        var result = Explain("customer.tags contains \"vip\"", $$"""{"customer":{"tags":["new","churn-risk"]},{{NoEvent}}}""");

        Assert.Equal((false, "customer.tags = [\"new\", \"churn-risk\"], needs contains \"vip\""), result);
    }

    [Fact]
    public void Explain_FieldOnTheRight_NamesBothValues()
    {
        var result = Explain(
            "customer.ltv >= event.cart_value",
            """{"customer":{"ltv":100},"event":{"name":"checkout_abandoned","data":{"cart_value":180.5}}}""");

        Assert.Equal((false, "customer.ltv = 100, needs >= event.cart_value = 180.50"), result);
    }

    [Fact]
    public void Explain_PiiField_RedactsTheValue()
    {
        var result = Explain("customer.email contains \"@acme.com\"", $$"""{"customer":{"email":"jo@example.org"},{{NoEvent}}}""");

        Assert.Equal((false, "customer.email = [redacted email], needs contains \"@acme.com\""), result);
        Assert.DoesNotContain("jo@example.org", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_NestedComparison_ParenthesisesTheOperand()
    {
        var result = Explain("(customer.order_count == 1) != true", $$"""{"customer":{"order_count":1},{{NoEvent}}}""");

        Assert.Equal((false, "(customer.order_count == 1) = true, needs != true"), result);
    }
}
