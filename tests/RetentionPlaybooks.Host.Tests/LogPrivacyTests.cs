using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.FakeSlack;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Customer data is PII: whatever happens to a webhook — escalated, skipped, refused, quarantined, failed in Slack — no log line holds it.</summary>
public sealed class LogPrivacyTests
{
    // Values that appear nowhere but in the payloads, so any occurrence in a log is a leak.
    private static readonly string[] Secrets = ["Qwxzylophine", "qwxzy@leak.example", "+15559876543", "cus_qwxzy42", "chk_qwxzy77", "a3fqwxzy", "Qwxzyboulevard"];

    private static string Cart(string deliveryId, double value = 184) => Webhooks.Sample("vip-cart-abandoned.json", j =>
    {
        j["delivery_id"] = deliveryId;
        j["customer"]!["id"] = "cus_qwxzy42";
        j["customer"]!["cio_id"] = "a3fqwxzy";
        j["customer"]!["first_name"] = "Qwxzylophine";
        j["customer"]!["email"] = "qwxzy@leak.example";
        j["customer"]!["phone"] = "+15559876543";
        j["customer"]!["address"] = "1 Qwxzyboulevard";
        j["event"]!["data"]!["checkout_id"] = "chk_qwxzy77";
        j["event"]!["data"]!["cart_value"] = value;
    });

    [Fact]
    public async Task Logs_OfEveryPath_HoldNoCustomerValue()
    {
        var capture = new LogCapture();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(HostApp.Start);
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { TimeProvider = time, Channels = ["C07VIPSAVES", "C07SUBSAVES", "C07CXESCAL", "C07RETOPS"] });
        using var app = new HostApp(settings: new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
        }, time: time) { Logs = capture };
        using var client = app.CreateClient();
        slack.FailNext(2, 503);

        async Task<HttpStatusCode> Send(HttpRequestMessage request)
        {
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        var statuses = new List<HttpStatusCode>
        {
            await Send(Webhooks.Journey(Cart("leak-1"))),                                   // escalates; Slack fails twice first
            await Send(Webhooks.Journey(Cart("leak-1"))),                                   // a redelivery
            await Send(Webhooks.Journey(Cart("leak-2", value: 3))),                         // skipped by a gate
            await Send(Webhooks.Journey(Cart("leak-3"))),                                   // suppressed by the cooldown
            await Send(Webhooks.Journey(Cart("leak-4").Replace("\"delivery_id\"", "\"delivery_id\":\"x\",\"delivery_id\"", StringComparison.Ordinal))),
            await Send(Webhooks.Journey(Cart("leak-5")[..^5])),                            // malformed JSON
            await Send(Webhooks.Reporting(new JsonObject
            {
                ["event_id"] = "01HLEAK", ["object_type"] = "email", ["metric"] = "bounced", ["timestamp"] = HostApp.Start.ToUnixTimeSeconds(),
                ["data"] = new JsonObject { ["identifiers"] = new JsonObject { ["id"] = "cus_qwxzy42", ["email"] = "qwxzy@leak.example" } },
            }.ToJsonString(), HostApp.Start)),
            await Send(Webhooks.Pipelines(new JsonObject
            {
                ["type"] = "identify", ["messageId"] = "m-leak", ["userId"] = "cus_qwxzy42",
                ["traits"] = new JsonObject { ["first_name"] = "Qwxzylophine", ["email"] = "qwxzy@leak.example" },
            }.ToJsonString())),
        };
        // A body an older host stored that cannot be processed: quarantined, and logged as such.
        var poison = Encoding.UTF8.GetBytes(Cart("leak-6"));
        poison[Encoding.UTF8.GetString(poison).IndexOf("Qwxzylophine", StringComparison.Ordinal) + 3] = 0xFF;
        await app.Services.GetRequiredService<IStore>().Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, "leak-6", poison)], CancellationToken.None);
        await Send(Webhooks.Journey(Cart("leak-7")));
        await app.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Accepted, (HttpStatusCode)422, HttpStatusCode.BadRequest, HttpStatusCode.Accepted, HttpStatusCode.Accepted], statuses);
        Assert.Single(slack.Messages);
        var lines = capture.Lines;
        Assert.Contains(lines, l => l.Contains("quarantined", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("not delivered", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(") sent to ", StringComparison.Ordinal));
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }
}
