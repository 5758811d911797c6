using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Pipeline;
using Xunit;

namespace RetentionPlaybooks.Tests.Pipeline;

/// <summary>
/// The normalizer key by key: which shape is which source, which key wins when several are sent, what a payload
/// without a part becomes, and the reason given when a payload holds no signal.
/// </summary>
public sealed class SignalNormalizerEdgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);

    private static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static JsonElement Json(JsonNode node) => Json(node.ToJsonString());

    private static Normalized Normalize(SignalSource source, JsonNode body, string key = "k1")
    {
        // The caller's document is disposed before the result is read: the normalizer must have cloned what it keeps.
        using var doc = JsonDocument.Parse(body.ToJsonString());
        return SignalNormalizer.Normalize(source, doc.RootElement, key);
    }

    private static Signal One(SignalSource source, JsonNode body, string key = "k1")
    {
        var normalized = Normalize(source, body, key);
        Assert.Null(normalized.Problem);
        return Assert.Single(normalized.Signals);
    }

    private static string[] PropertyNames(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).ToArray();

    // ---- Normalize: what is not a signal ----

    [Theory]
    [InlineData("Journey")]
    [InlineData("Reporting")]
    [InlineData("Pipelines")]
    public void NotAnObject_IsUnreadable_WhateverTheSource(string source)
    {
        var normalized = Normalize(Enum.Parse<SignalSource>(source), new JsonArray(1, 2));

        Assert.Empty(normalized.Signals);
        Assert.Equal("the payload must be a JSON object", normalized.Problem);
        Assert.Equal(Outcome.Unreadable, normalized.Outcome);
    }

    [Fact]
    public void UnknownSource_IsUnreadable_NamingIt()
    {
        var normalized = Normalize((SignalSource)99, new JsonObject { ["event"] = new JsonObject { ["name"] = "x" } });

        Assert.Empty(normalized.Signals);
        Assert.Equal("unknown source 99", normalized.Problem);
        Assert.Equal(Outcome.Unreadable, normalized.Outcome);
    }

    [Fact]
    public void Journey_WithoutATrigger_IsUnreadable_WithTheEnvelopesReason()
    {
        var normalized = Normalize(SignalSource.Journey, new JsonObject { ["customer"] = new JsonObject { ["id"] = "c" } });

        Assert.Empty(normalized.Signals);
        Assert.StartsWith("the payload names no trigger", normalized.Problem, StringComparison.Ordinal);
        Assert.Equal(Outcome.Unreadable, normalized.Outcome);
    }

    [Fact]
    public void PipelinesTrack_WithoutAnEventName_IsUnreadable()
    {
        var normalized = Normalize(SignalSource.Pipelines, new JsonObject { ["type"] = "track", ["userId"] = "u", ["event"] = 5 });

        Assert.Empty(normalized.Signals);
        Assert.Equal("a Data Pipelines track call without an \"event\" name", normalized.Problem);
        Assert.Equal(Outcome.Unreadable, normalized.Outcome);
    }

    [Fact]
    public void PipelinesCall_WithoutAType_IsUnreadable()
    {
        var normalized = Normalize(SignalSource.Pipelines, new JsonObject { ["userId"] = "u", ["event"] = "x" });

        Assert.Empty(normalized.Signals);
        Assert.Equal("a Data Pipelines call without a \"type\"", normalized.Problem);
        Assert.Equal(Outcome.Unreadable, normalized.Outcome);
    }

    [Theory]
    [InlineData("page")]
    [InlineData("screen")]
    [InlineData("group")]
    [InlineData("alias")]
    public void PipelinesCall_OtherThanTrackOrIdentify_CarriesNoTrigger(string type)
    {
        var normalized = Normalize(SignalSource.Pipelines, new JsonObject { ["type"] = type, ["userId"] = "u", ["event"] = "x" });

        Assert.Empty(normalized.Signals);
        Assert.Equal($"a Data Pipelines \"{type}\" call carries no trigger (only track and identify do)", normalized.Problem);
        Assert.Equal(Outcome.NoTrigger, normalized.Outcome);
    }

    // ---- Journey ----

    [Fact]
    public void Journey_IsOneSignal_AboutTheEnvelopesCustomer_AtItsTimestamp()
    {
        var signal = One(SignalSource.Journey, new JsonObject
        {
            ["delivery_id"] = "d1",
            ["timestamp"] = T0.ToUnixTimeSeconds(),
            ["customer"] = new JsonObject { ["cio_id"] = "cio_1", ["ltv"] = 10 },
            ["event"] = new JsonObject { ["name"] = "checkout_abandoned", ["data"] = new JsonObject { ["cart_value"] = 3 } },
        });

        Assert.Equal("cio_1", signal.CustomerId);
        Assert.Equal(10, signal.Customer.GetProperty("ltv").GetInt32());
        Assert.Equal("checkout_abandoned", signal.Trigger!.EventName);
        Assert.Equal("d1", signal.Trigger.DeliveryId);
        Assert.Equal(3, signal.Trigger.EventData.GetProperty("cart_value").GetInt32());
        Assert.Equal(T0, signal.Timestamp);
    }

    // ---- Reporting ----

    [Fact]
    public void Reporting_WithoutObjectTypeOrMetric_NamesTheEventMessageAndUnknown()
    {
        var withoutType = One(SignalSource.Reporting, new JsonObject { ["metric"] = "opened", ["event_id"] = "e1" });
        var withoutMetric = One(SignalSource.Reporting, new JsonObject { ["object_type"] = "sms", ["event_id"] = "e2" });
        var nonText = One(SignalSource.Reporting, new JsonObject { ["object_type"] = 4, ["metric"] = true });

        Assert.Equal("message_opened", withoutType.Trigger!.EventName);
        Assert.Equal("sms_unknown", withoutMetric.Trigger!.EventName);
        Assert.Equal("message_unknown", nonText.Trigger!.EventName);
    }

    [Fact]
    public void Reporting_WithoutData_IsAboutNobody_WithEmptyEventData_AndNoTimestamp()
    {
        var signal = One(SignalSource.Reporting, new JsonObject { ["object_type"] = "email", ["metric"] = "sent", ["timestamp"] = "not a time" }, "e9");

        Assert.Equal("", signal.CustomerId);
        Assert.Equal(JsonValueKind.Object, signal.Customer.ValueKind);
        Assert.Empty(PropertyNames(signal.Customer));
        Assert.Equal(JsonValueKind.Object, signal.Trigger!.EventData.ValueKind);
        Assert.Empty(PropertyNames(signal.Trigger.EventData));
        Assert.Equal("e9", signal.Trigger.DeliveryId);
        Assert.Null(signal.Timestamp);
        Assert.Null(signal.Trigger.Timestamp);
    }

    [Theory]
    [InlineData("\"text\"")]
    [InlineData("[1]")]
    public void Reporting_DataThatIsNotAnObject_CountsAsNone(string data)
    {
        var body = JsonNode.Parse($$"""{"object_type": "email", "metric": "sent", "data": {{data}}}""")!;

        var signal = One(SignalSource.Reporting, body);

        Assert.Equal("", signal.CustomerId);
        Assert.Empty(PropertyNames(signal.Customer));
        Assert.Equal(JsonValueKind.Object, signal.Trigger!.EventData.ValueKind);
        Assert.Empty(PropertyNames(signal.Trigger.EventData));
    }

    [Fact]
    public void Reporting_DataWithoutIdentifiers_IsAboutNobody_ButKeepsTheData()
    {
        var signal = One(SignalSource.Reporting, new JsonObject
        {
            ["object_type"] = "email",
            ["metric"] = "sent",
            ["data"] = new JsonObject { ["identifiers"] = "cus_1", ["campaign_id"] = 7 },
        });

        Assert.Equal("", signal.CustomerId);
        Assert.Empty(PropertyNames(signal.Customer));
        Assert.Equal(7, signal.Trigger!.EventData.GetProperty("campaign_id").GetInt32());
    }

    [Fact]
    public void Reporting_TheIdentifiersAreTheCustomer()
    {
        var signal = One(SignalSource.Reporting, new JsonObject
        {
            ["object_type"] = "email",
            ["metric"] = "bounced",
            ["timestamp"] = T0.ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["identifiers"] = new JsonObject { ["email"] = "a@example.com", ["cio_id"] = "cio_2" } },
        });

        Assert.Equal("cio_2", signal.CustomerId);
        Assert.Equal(["email", "cio_id"], PropertyNames(signal.Customer));
        Assert.Equal(T0, signal.Trigger!.Timestamp);
        Assert.Equal(T0, signal.Timestamp);
    }

    // ---- Pipelines ----

    [Theory]
    [InlineData("""{"userId": "a", "user_id": "b", "anonymousId": "c", "anonymous_id": "d"}""", "a")]
    [InlineData("""{"user_id": "b", "anonymousId": "c", "anonymous_id": "d"}""", "b")]
    [InlineData("""{"anonymousId": "c", "anonymous_id": "d"}""", "c")]
    [InlineData("""{"anonymous_id": "d"}""", "d")]
    [InlineData("""{"userId": 5, "anonymous_id": "d"}""", "d")]
    [InlineData("""{}""", "")]
    public void PipelinesIdentify_TheUserId_InOrderOfPrecedence(string ids, string expected)
    {
        var body = JsonNode.Parse(ids)!.AsObject();
        body["type"] = "identify";

        var signal = One(SignalSource.Pipelines, body);

        Assert.Equal(expected, signal.CustomerId);
        Assert.Equal(expected, signal.Customer.GetProperty("id").GetString());
        Assert.Equal(["id"], PropertyNames(signal.Customer));
        Assert.Null(signal.Trigger);
    }

    [Theory]
    [InlineData("""{"userId": "a", "user_id": "b", "anonymousId": "c", "anonymous_id": "d"}""", "a")]
    [InlineData("""{"user_id": "b", "anonymousId": "c", "anonymous_id": "d"}""", "b")]
    [InlineData("""{"anonymousId": "c", "anonymous_id": "d"}""", "c")]
    [InlineData("""{"anonymous_id": "d"}""", "d")]
    [InlineData("""{}""", "")]
    public void PipelinesTrack_TheUserId_InOrderOfPrecedence(string ids, string expected)
    {
        var body = JsonNode.Parse(ids)!.AsObject();
        body["type"] = "track";
        body["event"] = "checkout_abandoned";

        var signal = One(SignalSource.Pipelines, body, "m7");

        Assert.Equal(expected, signal.CustomerId);
        Assert.Equal("checkout_abandoned", signal.Trigger!.EventName);
        Assert.Equal("m7", signal.Trigger.DeliveryId);
        Assert.Equal(JsonValueKind.Object, signal.Trigger.EventData.ValueKind);
        Assert.Empty(PropertyNames(signal.Trigger.EventData));
        Assert.Null(signal.Timestamp);
    }

    [Fact]
    public void Pipelines_TopLevelTraits_WinOverContextTraits()
    {
        var signal = One(SignalSource.Pipelines, new JsonObject
        {
            ["type"] = "identify",
            ["userId"] = "u1",
            ["traits"] = new JsonObject { ["plan"] = "top" },
            ["context"] = new JsonObject { ["traits"] = new JsonObject { ["plan"] = "context", ["extra"] = 1 } },
        });

        Assert.Equal(["id", "plan"], PropertyNames(signal.Customer));
        Assert.Equal("top", signal.Customer.GetProperty("plan").GetString());
    }

    [Fact]
    public void Pipelines_ContextTraits_WhenThereAreNoTopLevelTraits()
    {
        var signal = One(SignalSource.Pipelines, new JsonObject
        {
            ["type"] = "identify",
            ["userId"] = "u1",
            ["traits"] = "not an object",
            ["context"] = new JsonObject { ["traits"] = new JsonObject { ["plan"] = "context" } },
        });

        Assert.Equal(["id", "plan"], PropertyNames(signal.Customer));
        Assert.Equal("context", signal.Customer.GetProperty("plan").GetString());
    }

    [Fact]
    public void Pipelines_ContextWithoutTraits_OrNotAnObject_GivesOnlyTheId()
    {
        var noTraits = One(SignalSource.Pipelines, new JsonObject { ["type"] = "identify", ["userId"] = "u1", ["context"] = new JsonObject { ["ip"] = "1.2.3.4" } });
        var notAnObject = One(SignalSource.Pipelines, new JsonObject { ["type"] = "identify", ["userId"] = "u1", ["context"] = "x" });

        Assert.Equal(["id"], PropertyNames(noTraits.Customer));
        Assert.Equal(["id"], PropertyNames(notAnObject.Customer));
    }

    [Fact]
    public void Pipelines_TraitsThatGiveAnId_KeepIt_AndTheUserIdIsNotAdded()
    {
        var track = One(SignalSource.Pipelines, new JsonObject
        {
            ["type"] = "track",
            ["event"] = "e",
            ["userId"] = "u1",
            ["context"] = new JsonObject { ["traits"] = new JsonObject { ["id"] = "t1", ["ltv"] = 5 } },
        });

        Assert.Equal(["id", "ltv"], PropertyNames(track.Customer));
        Assert.Equal("t1", track.Customer.GetProperty("id").GetString());
        Assert.Equal("t1", track.CustomerId);
    }

    [Fact]
    public void Pipelines_TraitsWithoutAnId_GetTheUserIdFirst()
    {
        var signal = One(SignalSource.Pipelines, new JsonObject
        {
            ["type"] = "identify",
            ["userId"] = "u1",
            ["traits"] = new JsonObject { ["email"] = "a@example.com", ["ltv"] = 5 },
        });

        Assert.Equal(["id", "email", "ltv"], PropertyNames(signal.Customer));
        Assert.Equal("u1", signal.Customer.GetProperty("id").GetString());
        Assert.Equal("u1", signal.CustomerId);
    }

    [Fact]
    public void PipelinesTrack_PropertiesAreTheEventData_AndTheTimestampIsRead()
    {
        var signal = One(SignalSource.Pipelines, new JsonObject
        {
            ["type"] = "track",
            ["event"] = "e",
            ["userId"] = "u1",
            ["properties"] = new JsonObject { ["cart_value"] = 12 },
            ["timestamp"] = "2026-11-28T13:00:00Z",
        });

        Assert.Equal(12, signal.Trigger!.EventData.GetProperty("cart_value").GetInt32());
        Assert.Equal(T0, signal.Timestamp);
        Assert.Equal(T0, signal.Trigger.Timestamp);
    }

    [Fact]
    public void PipelinesIdentify_TheTimestampIsRead()
    {
        var signal = One(SignalSource.Pipelines, new JsonObject { ["type"] = "identify", ["userId"] = "u1", ["timestamp"] = T0.ToUnixTimeSeconds() });

        Assert.Equal(T0, signal.Timestamp);
    }

    // ---- Detect ----

    [Theory]
    [InlineData("""{"metric": "sent", "object_type": "email"}""", "Reporting")]
    [InlineData("""{"metric": "sent", "event_id": "e1"}""", "Reporting")]
    [InlineData("""{"metric": "sent", "object_type": "email", "type": "track", "userId": "u", "event": {"name": "x"}}""", "Reporting")]
    [InlineData("""{"type": "track", "messageId": "m"}""", "Pipelines")]
    [InlineData("""{"type": "identify", "message_id": "m"}""", "Pipelines")]
    [InlineData("""{"type": "page", "userId": "u"}""", "Pipelines")]
    [InlineData("""{"type": "screen", "user_id": "u"}""", "Pipelines")]
    [InlineData("""{"type": "group", "anonymousId": "a"}""", "Pipelines")]
    [InlineData("""{"type": "alias", "userId": "u"}""", "Pipelines")]
    [InlineData("""{"type": "track", "userId": "u", "event": "x", "customer": {}}""", "Pipelines")]
    [InlineData("""{"event": {"name": "x"}}""", "Journey")]
    [InlineData("""{"segment": "s"}""", "Journey")]
    [InlineData("""{"change": {}}""", "Journey")]
    [InlineData("""{"customer": {}}""", "Journey")]
    [InlineData("""{"metric": "sent", "customer": {}}""", "Journey")]
    [InlineData("""{"type": "track", "event": {"name": "x"}}""", "Journey")]
    [InlineData("""{"type": "identity", "userId": "u", "segment": "s"}""", "Journey")]
    public void Detect_TellsTheSourceByItsShape(string json, string expected)
    {
        Assert.Equal(Enum.Parse<SignalSource>(expected), SignalNormalizer.Detect(Json(json)));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"metric": "sent"}""")]
    [InlineData("""{"object_type": "email", "event_id": "e1"}""")]
    [InlineData("""{"metric": 5, "object_type": "email"}""")]
    [InlineData("""{"type": "track"}""")]
    [InlineData("""{"type": "other", "userId": "u"}""")]
    [InlineData("""{"type": "track", "userId": 5}""")]
    [InlineData("""[{"event": {}}]""")]
    [InlineData("""  "event" """)]
    public void Detect_NoneOfThem_IsNull(string json)
    {
        Assert.Null(SignalNormalizer.Detect(Json(json)));
    }

    // ---- DeliveryKeyOf ----

    [Theory]
    [InlineData("Journey", """{"delivery_id": "d", "event_id": "e", "messageId": "m"}""", "d")]
    [InlineData("Reporting", """{"delivery_id": "d", "event_id": "e", "messageId": "m"}""", "e")]
    [InlineData("Pipelines", """{"delivery_id": "d", "event_id": "e", "messageId": "m", "message_id": "m2"}""", "m")]
    [InlineData("Pipelines", """{"message_id": "m2"}""", "m2")]
    [InlineData("Pipelines", """{"messageId": 3, "message_id": "m2"}""", "m2")]
    public void DeliveryKeyOf_TheKeyEachSourceCarries(string source, string json, string expected)
    {
        Assert.Equal(expected, SignalNormalizer.DeliveryKeyOf(Enum.Parse<SignalSource>(source), Json(json)));
    }

    [Theory]
    [InlineData("Journey", """{"delivery_id": 4, "event_id": "e"}""")]
    [InlineData("Reporting", """{"delivery_id": "d"}""")]
    [InlineData("Pipelines", """{"delivery_id": "d", "event_id": "e"}""")]
    [InlineData("Journey", """["delivery_id"]""")]
    [InlineData("Pipelines", "\"messageId\"")]
    public void DeliveryKeyOf_NoneCarried_IsNull(string source, string json)
    {
        Assert.Null(SignalNormalizer.DeliveryKeyOf(Enum.Parse<SignalSource>(source), Json(json)));
    }

    // ---- CustomerId ----

    [Theory]
    [InlineData("""{"id": "a", "cio_id": "b", "email": "c"}""", "a")]
    [InlineData("""{"cio_id": "b", "email": "c"}""", "b")]
    [InlineData("""{"email": "c"}""", "c")]
    [InlineData("""{"id": "", "cio_id": "b"}""", "b")]
    [InlineData("""{"id": "", "cio_id": "", "email": "c"}""", "c")]
    [InlineData("""{"id": 42, "cio_id": "b"}""", "42")]
    [InlineData("""{"id": 1.50}""", "1.50")]
    [InlineData("""{"id": true, "cio_id": "b"}""", "b")]
    [InlineData("""{"id": null, "cio_id": {"x": 1}, "email": "c"}""", "c")]
    [InlineData("""{"id": ["a"]}""", "")]
    [InlineData("""{"name": "a"}""", "")]
    [InlineData("""{}""", "")]
    [InlineData("""["id"]""", "")]
    [InlineData("\"a\"", "")]
    public void CustomerId_IdElseCioIdElseEmail(string json, string expected)
    {
        Assert.Equal(expected, SignalNormalizer.CustomerId(Json(json)));
    }

    [Fact]
    public void CustomerId_OfAMissingElement_IsEmpty()
    {
        Assert.Equal("", SignalNormalizer.CustomerId(default));
    }

    // ---- Text ----

    [Theory]
    [InlineData("""{"a": "x"}""", "x")]
    [InlineData("""{"a": ""}""", "")]
    [InlineData("""{"a": 1}""", null)]
    [InlineData("""{"a": null}""", null)]
    [InlineData("""{"b": "x"}""", null)]
    [InlineData("""["a"]""", null)]
    public void Text_AStringPropertyOnly(string json, string? expected)
    {
        Assert.Equal(expected, SignalNormalizer.Text(Json(json), "a"));
    }
}
