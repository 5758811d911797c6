using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Pipeline;
using Xunit;

namespace RetentionPlaybooks.Tests.Pipeline;

public sealed class SignalNormalizerTests
{
    private static IReadOnlyList<Signal> Normalize(SignalSource source, JsonObject body, string key = "k1")
    {
        using var doc = JsonDocument.Parse(body.ToJsonString());
        return SignalNormalizer.Normalize(source, doc.RootElement, key).Signals;
    }

    [Fact]
    public void Reporting_BecomesAnEventNamedObjectTypeAndMetric_AboutTheIdentifiedPerson()
    {
        var signal = Assert.Single(Normalize(SignalSource.Reporting, new JsonObject
        {
            ["event_id"] = "01HX",
            ["object_type"] = "email",
            ["metric"] = "bounced",
            ["timestamp"] = 1795870800,
            ["data"] = new JsonObject { ["identifiers"] = new JsonObject { ["id"] = "cus_1", ["email"] = "a@example.com" }, ["campaign_id"] = 7 },
        }, "01HX"));

        Assert.Equal("cus_1", signal.CustomerId);
        Assert.Equal("email_bounced", signal.Trigger!.EventName);
        Assert.Equal("01HX", signal.Trigger.DeliveryId);
        Assert.Equal(7, signal.Trigger.EventData.GetProperty("campaign_id").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 13, 0, 0, TimeSpan.Zero), signal.Timestamp);
    }

    [Theory]
    [InlineData("userId", "messageId")]
    [InlineData("user_id", "message_id")]
    public void PipelinesTrack_BecomesAnEvent_WithTraitsFromContext_InEitherKeyCasing(string userKey, string messageKey)
    {
        var signal = Assert.Single(Normalize(SignalSource.Pipelines, new JsonObject
        {
            ["type"] = "track",
            [messageKey] = "m1",
            [userKey] = "cus_2",
            ["event"] = "checkout_abandoned",
            ["properties"] = new JsonObject { ["cart_value"] = 199 },
            ["context"] = new JsonObject { ["traits"] = new JsonObject { ["ltv"] = 1500 } },
            ["timestamp"] = "2026-11-28T13:00:00Z",
        }, "m1"));

        Assert.Equal("cus_2", signal.CustomerId);
        Assert.Equal("checkout_abandoned", signal.Trigger!.EventName);
        Assert.Equal(199, signal.Trigger.EventData.GetProperty("cart_value").GetInt32());
        Assert.Equal(1500, signal.Customer.GetProperty("ltv").GetInt32());
    }

    [Fact]
    public void PipelinesIdentify_IsAnAttributeUpdateWithoutTrigger()
    {
        var signal = Assert.Single(Normalize(SignalSource.Pipelines, new JsonObject
        {
            ["type"] = "identify",
            ["messageId"] = "m2",
            ["userId"] = "cus_3",
            ["traits"] = new JsonObject { ["subscription_status"] = "paused" },
        }, "m2"));

        Assert.Null(signal.Trigger);
        Assert.Equal("paused", signal.Customer.GetProperty("subscription_status").GetString());
    }

    [Fact]
    public void PipelinesPage_IsIgnored()
    {
        Assert.Empty(Normalize(SignalSource.Pipelines, new JsonObject { ["type"] = "page", ["messageId"] = "m3", ["userId"] = "cus_4" }));
    }
}
