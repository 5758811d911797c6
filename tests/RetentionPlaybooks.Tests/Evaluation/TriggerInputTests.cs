using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using Xunit;

namespace RetentionPlaybooks.Tests.Evaluation;

/// <summary>Reading the envelope: each part taken only when it has the right shape, never half of a wrong one.</summary>
public sealed class TriggerInputTests
{
    private static TriggerInput? Parse(string json, out string? error) => TriggerInput.Parse(JsonDocument.Parse(json).RootElement, out error);

    private static TriggerInput Parse(string json) => Parse(json, out var error) ?? throw new InvalidOperationException(error);

    [Theory]
    [InlineData("[]")]
    [InlineData("\"event\"")]
    [InlineData("null")]
    public void NotAnObject_IsRefused(string json)
    {
        Assert.Null(Parse(json, out var error));
        Assert.Equal("the payload must be a JSON object", error);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"event\":\"cart\"}")]                       // an event that is not an object names nothing
    [InlineData("{\"event\":{\"name\":7}}")]                   // nor one whose name is not text
    [InlineData("{\"segment\":{\"name\":7}}")]
    [InlineData("{\"segment\":42}")]
    [InlineData("{\"change\":\"status\"}")]
    [InlineData("{\"change\":{\"attribute\":true}}")]
    [InlineData("{\"customer\":{\"id\":\"c1\"},\"delivery_id\":\"d1\"}")]
    public void NoTrigger_IsRefused_WithWhatWasExpected(string json)
    {
        Assert.Null(Parse(json, out var error));
        Assert.Equal("the payload names no trigger: expected \"event\": {\"name\": ...}, \"segment\" or \"change\": {\"attribute\": ...}", error);
    }

    [Fact]
    public void Event_WithNameAndData()
    {
        var input = Parse("{\"event\":{\"name\":\"checkout_abandoned\",\"data\":{\"cart_value\":180}},\"customer\":{\"id\":\"c1\"},\"delivery_id\":\"d1\"}");

        Assert.Equal("checkout_abandoned", input.EventName);
        Assert.Equal(180, input.EventData.GetProperty("cart_value").GetDouble());
        Assert.Equal("c1", input.Customer.GetProperty("id").GetString());
        Assert.Equal("d1", input.DeliveryId);
        Assert.Null(input.Segment);
        Assert.Null(input.ChangedAttribute);
    }

    [Theory]
    [InlineData("{\"event\":{\"name\":\"e\",\"data\":[1]},\"customer\":\"c1\"}")]   // data and customer not objects
    [InlineData("{\"event\":{\"name\":\"e\",\"data\":null},\"customer\":null}")]
    [InlineData("{\"event\":{\"name\":\"e\"}}")]                                    // absent
    public void WrongShapedDataOrCustomer_AreEmptyObjects(string json)
    {
        var input = Parse(json);

        Assert.Equal(JsonValueKind.Object, input.EventData.ValueKind);
        Assert.Empty(input.EventData.EnumerateObject());
        Assert.Equal(JsonValueKind.Object, input.Customer.ValueKind);
        Assert.Empty(input.Customer.EnumerateObject());
    }

    [Theory]
    [InlineData("{\"segment\":\"VIP\"}", "VIP")]
    [InlineData("{\"segment\":{\"name\":\"VIP\",\"id\":4}}", "VIP")]
    public void Segment_AsTextOrObjectWithAName(string json, string segment)
    {
        var input = Parse(json);

        Assert.Equal(segment, input.Segment);
        Assert.Null(input.EventName);
        Assert.Empty(input.EventData.EnumerateObject());
    }

    [Fact]
    public void Change_WithAttributeFromAndTo()
    {
        var input = Parse("{\"change\":{\"attribute\":\"subscription_status\",\"from\":\"active\",\"to\":\"paused\"}}");

        Assert.Equal("subscription_status", input.ChangedAttribute);
        Assert.Equal("active", input.ChangedFrom!.Value.GetString());
        Assert.Equal("paused", input.ChangedTo!.Value.GetString());
    }

    [Fact]
    public void Change_WithoutFromOrTo_HasNeither()
    {
        var input = Parse("{\"change\":{\"attribute\":\"plan\"}}");

        Assert.Equal("plan", input.ChangedAttribute);
        Assert.Null(input.ChangedFrom);
        Assert.Null(input.ChangedTo);
    }

    [Theory]
    [InlineData("{\"event\":{\"name\":\"e\"},\"delivery_id\":7}")]
    [InlineData("{\"event\":{\"name\":\"e\"},\"delivery_id\":null}")]
    public void DeliveryId_OnlyAsText(string json)
    {
        Assert.Null(Parse(json).DeliveryId);
    }

    [Theory]
    [InlineData("1795873320", "2026-11-28T13:42:00+00:00")]
    [InlineData("\"2026-11-28T13:42:00Z\"", "2026-11-28T13:42:00+00:00")]
    public void Timestamp_Read(string raw, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Parse($"{{\"event\":{{\"name\":\"e\"}},\"timestamp\":{raw}}}").Timestamp);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("\"soon\"")]
    [InlineData("null")]
    public void Timestamp_Unreadable_IsNone(string raw)
    {
        Assert.Null(Parse($"{{\"event\":{{\"name\":\"e\"}},\"timestamp\":{raw}}}").Timestamp);
    }
}

/// <summary>An attribute-change trigger matches its attribute, and from/to when the playbook names them, by the attribute's type.</summary>
public sealed class PlaybookTriggerTests
{
    private static TriggerInput Change(string attribute, string? from, string? to) =>
        TriggerInput.Parse(JsonDocument.Parse($"{{\"change\":{{\"attribute\":\"{attribute}\"{(from is null ? "" : ",\"from\":" + from)}{(to is null ? "" : ",\"to\":" + to)}}}}}").RootElement, out _)!;

    private static PlaybookTrigger On(string name, DataType type, Value? from, Value? to) =>
        new(TriggerKind.Attribute, name, new FieldSymbol("customer." + name, name, type), from, to);

    [Theory]
    [InlineData("\"active\"", "\"paused\"", true)]
    [InlineData("\"active\"", "\"cancelled\"", false)]
    [InlineData("\"trial\"", "\"paused\"", false)]
    [InlineData("\"Active\"", "\"paused\"", false)]        // text compares exactly
    [InlineData(null, "\"paused\"", false)]                // the playbook names a from the payload lacks
    [InlineData("null", "\"paused\"", false)]              // a missing value equals nothing
    public void Text_FromAndTo(string? from, string? to, bool matches)
    {
        var trigger = On("status", DataType.String, Value.String("active"), Value.String("paused"));

        Assert.Equal(matches, trigger.Matches(Change("status", from, to)));
    }

    [Theory]
    [InlineData("2", "3", true)]
    [InlineData("\"2\"", "\"3.0\"", true)]                 // numeric strings read as numbers
    [InlineData("2", "4", false)]
    [InlineData("2.5", "3", false)]
    public void Number_FromAndTo(string from, string to, bool matches)
    {
        var trigger = On("tier", DataType.Number, Value.Number(2), Value.Number(3));

        Assert.Equal(matches, trigger.Matches(Change("tier", from, to)));
    }

    [Theory]
    [InlineData("true", "false", true)]
    [InlineData("false", "true", false)]
    [InlineData("1", "0", true)]
    public void Boolean_FromAndTo(string from, string to, bool matches)
    {
        var trigger = On("subscribed", DataType.Boolean, Value.Boolean(true), Value.Boolean(false));

        Assert.Equal(matches, trigger.Matches(Change("subscribed", from, to)));
    }

    [Fact]
    public void NoFromOrTo_MatchesAnyChangeOfTheAttribute_ButNotAnother()
    {
        var trigger = On("status", DataType.String, null, null);

        Assert.True(trigger.Matches(Change("status", "\"a\"", "\"b\"")));
        Assert.True(trigger.Matches(Change("status", null, null)));
        Assert.False(trigger.Matches(Change("plan", "\"a\"", "\"b\"")));
    }

    [Fact]
    public void OnlyTo_IgnoresFrom()
    {
        var trigger = On("status", DataType.String, null, Value.String("paused"));

        Assert.True(trigger.Matches(Change("status", "\"whatever\"", "\"paused\"")));
        Assert.False(trigger.Matches(Change("status", "\"paused\"", "\"active\"")));
    }
}

/// <summary>Equality of two values: same kind (money and number together), a missing value equals nothing.</summary>
public sealed class ValueComparerTests
{
    private static readonly (string Name, Value A, Value B, bool Equal)[] Cases =
    [
        ("text same", Value.String("a"), Value.String("a"), true),
        ("text differs", Value.String("a"), Value.String("b"), false),
        ("text vs number", Value.String("1"), Value.Number(1), false),
        ("number same", Value.Number(2), Value.Number(2), true),
        ("number differs", Value.Number(2), Value.Number(3), false),
        ("number vs money", Value.Number(2), Value.Money(2), true),
        ("money vs number", Value.Money(2), Value.Number(2), true),
        ("number vs boolean", Value.Number(1), Value.Boolean(true), false),
        ("boolean same", Value.Boolean(true), Value.Boolean(true), true),
        ("boolean differs", Value.Boolean(true), Value.Boolean(false), false),
        ("boolean vs number", Value.Boolean(true), Value.Number(1), false),
        ("timestamp same", Value.Timestamp(100), Value.Timestamp(100), true),
        ("timestamp differs", Value.Timestamp(100), Value.Timestamp(101), false),
        ("timestamp vs duration", Value.Timestamp(100), Value.Duration(TimeSpan.FromSeconds(100)), false),
        ("duration same", Value.Duration(TimeSpan.FromHours(1)), Value.Duration(TimeSpan.FromHours(1)), true),
        ("missing vs missing", Value.Missing, Value.Missing, false),
        ("missing vs text", Value.Missing, Value.String(""), false),
        ("text vs missing", Value.String(""), Value.Missing, false),
        ("list", Value.List([Value.Number(1)]), Value.List([Value.Number(1)]), false),
    ];

    [Fact]
    public void AreEqual_EachCase()
    {
        var wrong = Cases.Where(c => ValueComparer.AreEqual(c.A, c.B) != c.Equal).Select(c => c.Name).ToList();

        Assert.Empty(wrong);
    }
}
