using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Interactivity;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// The preview sink a host without a Slack token delivers to, in process: what it keeps (the last 200 of each), what it
/// prints on the console (the host's words, never a customer id), where updates and replies land, what it finds again when
/// a delivery is in doubt, and the /preview page's order and title.
/// </summary>
public sealed class PreviewSenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly StringWriter _console = new();
    private readonly PreviewSender _sender;

    public PreviewSenderTests() => _sender = new PreviewSender(_time, _console);

    private static byte[] Message(string text) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["channel"] = "C07VIPSAVES",
        ["text"] = text,
        ["blocks"] = new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text } }),
    }.ToJsonString());

    private static DeliveryItem Item(DeliveryKind kind, byte[] body, string escalation = "E1", string? postChannel = null, string? postTs = null) =>
        new("D-" + Guid.NewGuid().ToString("N"), escalation, kind, "vip-cart-abandonment", "vip-saves", "C07VIPSAVES", body, DeliveryState.Sending, 0, Now, Now,
            null, null, null, PostChannel: postChannel, PostTs: postTs);

    private static byte[] Call(string method, string path, JsonObject body) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["method"] = method, ["path"] = path, ["body"] = body }.ToJsonString());

    [Fact]
    public async Task APost_IsKept_ReadIntoTheModel_AndPrinted_WithATsOfTheClockAndASequence()
    {
        var first = await _sender.SendAsync(Item(DeliveryKind.Post, Message("VIP cart abandoned")), CancellationToken.None);
        var second = await _sender.SendAsync(Item(DeliveryKind.Post, Message("Another"), "E2"), CancellationToken.None);

        Assert.Equal(SendResult.Posted("C07VIPSAVES", $"{Now.ToUnixTimeSeconds()}.000001"), first);
        Assert.Equal($"{Now.ToUnixTimeSeconds()}.000002", second.Ts);
        var entry = _sender.Messages[0];
        Assert.Equal(("E1", "vip-cart-abandonment", "vip-saves", DeliveryKind.Post), (entry.EscalationId, entry.Playbook, entry.Channel, entry.Kind));
        Assert.Equal("VIP cart abandoned", entry.Model.Text);
        Assert.Equal("VIP cart abandoned", (string?)entry.Message["text"]);
        var console = _console.ToString();
        Assert.Contains("[preview] #vip-saves ← vip-cart-abandonment (escalation E1); no Slack token set, see /preview", console, StringComparison.Ordinal);
        Assert.Contains("VIP cart abandoned", console[console.IndexOf("(escalation E1)", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Update", "update of ")]
    [InlineData("ThreadReply", "thread reply to ")]
    [InlineData("Forward", "SLA escalation of ")]
    public async Task WhatFollowsAPost_WaitsForIt_ThenLands_AnUpdateInThePostsPlace(string kindName, string what)
    {
        var kind = Enum.Parse<DeliveryKind>(kindName);
        var waiting = await _sender.SendAsync(Item(kind, Message($"x {CaseMessages.PermalinkPlaceholder}")), CancellationToken.None);
        var noTs = await _sender.SendAsync(Item(kind, Message("x"), postChannel: "C07VIPSAVES"), CancellationToken.None);
        var noChannel = await _sender.SendAsync(Item(kind, Message("x"), postTs: "1.000001"), CancellationToken.None);
        var sent = await _sender.SendAsync(Item(kind, Message($"see {CaseMessages.PermalinkPlaceholder}"), postChannel: "C07VIPSAVES", postTs: "1.000001"), CancellationToken.None);

        Assert.All([waiting, noTs, noChannel], r => Assert.Equal(new SendResult(SendOutcome.Transient, Error: "waiting for the escalation's message to be posted first"), r));
        Assert.Equal(SendOutcome.Sent, sent.Outcome);
        Assert.Equal(kind == DeliveryKind.Update ? "1.000001" : $"{Now.ToUnixTimeSeconds()}.000001", sent.Ts);
        var entry = Assert.Single(_sender.Messages);
        Assert.Equal(kind, entry.Kind);
        Assert.Equal(kind == DeliveryKind.Forward ? "see preview://C07VIPSAVES/1.000001" : $"see {CaseMessages.PermalinkPlaceholder}",
            (string?)entry.Message["blocks"]![0]!["text"]!["text"]);
        Assert.Contains($"[preview] #vip-saves ← vip-cart-abandonment ({what}escalation E1); no Slack token set, see /preview", _console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADigest_NeedsNoPost_AndIsPrintedAsADigestToItsTarget()
    {
        var sent = await _sender.SendAsync(Item(DeliveryKind.Digest, Message("3 more cases"), "G1"), CancellationToken.None);

        Assert.Equal(SendResult.Posted("C07VIPSAVES", $"{Now.ToUnixTimeSeconds()}.000001"), sent);
        Assert.Equal(DeliveryKind.Digest, Assert.Single(_sender.Messages).Kind);
        Assert.Contains("[preview] C07VIPSAVES ← digest G1; no Slack token set, see /preview", _console.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("#vip-saves", _console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEphemeralReply_IsPrintedOnly()
    {
        var body = Encoding.UTF8.GetBytes("""{"response_url":"https://hooks.slack.com/x","message":{"text":"Only you can see this"}}""");

        var sent = await _sender.SendAsync(Item(DeliveryKind.Ephemeral, body), CancellationToken.None);

        Assert.Equal(SendResult.Posted("ephemeral", "-"), sent);
        Assert.Empty(_sender.Messages);
        Assert.Contains("[preview] only the person who clicked on escalation E1 sees: Only you can see this", _console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWriteBack_IsKept_AndPrintedAsWhatNotWhom()
    {
        var hold = Call("PUT", "customers/cus_secret", new JsonObject { ["retention_hold_until"] = 1, ["retention_hold_playbook"] = "vip", ["_timestamp"] = 1, ["_update"] = true });
        var escalated = Call("POST", "customers/cus_secret/events", new JsonObject { ["name"] = WriteBack.EscalatedEvent, ["data"] = new JsonObject() });

        var first = await _sender.SendAsync(Item(DeliveryKind.CustomerIo, hold), CancellationToken.None);
        await _sender.SendAsync(Item(DeliveryKind.CustomerIo, escalated), CancellationToken.None);

        Assert.Equal(SendResult.Posted(WriteBack.Target, "-"), first);
        Assert.Equal(["PUT", "POST"], _sender.WriteBacks.Select(c => (string?)c["method"]));
        Assert.Empty(_sender.Messages);
        var console = _console.ToString();
        Assert.Contains("[preview] Customer.io ← PUT attributes retention_hold_until, retention_hold_playbook (escalation E1); no Track API credentials set", console, StringComparison.Ordinal);
        Assert.Contains($"[preview] Customer.io ← POST event {WriteBack.EscalatedEvent} (escalation E1); no Track API credentials set", console, StringComparison.Ordinal);
        Assert.DoesNotContain("cus_secret", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLast200OfEach_AreKept_TheOldestDropped()
    {
        for (var i = 1; i <= 201; i++)
        {
            await _sender.SendAsync(Item(DeliveryKind.Post, Message($"m{i}"), $"E{i}"), CancellationToken.None);
            await _sender.SendAsync(Item(DeliveryKind.CustomerIo, Call("POST", "customers/x/events", new JsonObject { ["name"] = $"e{i}" })), CancellationToken.None);
        }

        Assert.Equal(200, _sender.Messages.Count);
        Assert.Equal("E2", _sender.Messages[0].EscalationId);
        Assert.Equal("E201", _sender.Messages[^1].EscalationId);
        Assert.Equal(200, _sender.WriteBacks.Count);
        Assert.Equal("e2", (string?)_sender.WriteBacks[0]["body"]!["name"]);
    }

    [Fact]
    public async Task InDoubt_APostOrReplyIsFoundByItsEscalationAndKind_TheRestAreNeverFound()
    {
        await _sender.SendAsync(Item(DeliveryKind.Post, Message("a")), CancellationToken.None);
        var reply = await _sender.SendAsync(Item(DeliveryKind.ThreadReply, Message("r"), postChannel: "C07VIPSAVES", postTs: "1.1"), CancellationToken.None);

        var post = await _sender.FindAsync(Item(DeliveryKind.Post, Message("a")), CancellationToken.None);
        var thread = await _sender.FindAsync(Item(DeliveryKind.ThreadReply, Message("r")), CancellationToken.None);

        Assert.Equal(new FindResult(true, "C07VIPSAVES", $"{Now.ToUnixTimeSeconds()}.000001"), post);
        Assert.Equal(new FindResult(true, "C07VIPSAVES", reply.Ts), thread);
        Assert.Equal(new FindResult(false), await _sender.FindAsync(Item(DeliveryKind.Post, Message("a"), "E2"), CancellationToken.None));
        Assert.Equal(new FindResult(false), await _sender.FindAsync(Item(DeliveryKind.Forward, Message("a")), CancellationToken.None));
        // Resent when in doubt: an update is idempotent, an ephemeral reply and a write-back are not looked for.
        foreach (var kind in new[] { DeliveryKind.Update, DeliveryKind.Ephemeral, DeliveryKind.CustomerIo })
        {
            Assert.Equal(new FindResult(false), await _sender.FindAsync(Item(kind, Message("a")), CancellationToken.None));
        }
    }

    [Fact]
    public async Task ThePreviewPage_ListsTheMessagesNewestFirst_WithTheirCount()
    {
        using var app = new HostApp();
        using var client = app.CreateClient();
        var preview = app.Preview;
        await preview.SendAsync(Item(DeliveryKind.Post, Message("Older message"), "E1"), CancellationToken.None);
        await preview.SendAsync(Item(DeliveryKind.Post, Message("Newer message"), "E2"), CancellationToken.None);

        using var response = await client.GetAsync("/preview");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("RetentionPlaybooks preview — 2 message(s), newest first", page, StringComparison.Ordinal);
        Assert.True(page.IndexOf("Newer message", StringComparison.Ordinal) < page.IndexOf("Older message", StringComparison.Ordinal), "newest first");
        Assert.Contains("escalation E2", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<section id=\"write-back\">", page, StringComparison.Ordinal);
    }
}
