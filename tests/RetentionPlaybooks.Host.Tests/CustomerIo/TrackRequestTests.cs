using System.Text.Json.Nodes;
using RetentionPlaybooks.Host.CustomerIo;

namespace RetentionPlaybooks.Host.Tests.CustomerIo;

/// <summary>The request builders: the bodies they make, the limits they enforce (in UTF-8 bytes, at the exact edge), and the
/// paths they refuse. A request at a limit is also sent to the fake, which checks the same limits on its own.</summary>
public sealed class TrackRequestTests
{
    private static readonly DateTimeOffset At = TrackApiHarness.Now;

    [Fact]
    public void Event_Body_IsNameIdUnixSecondsAndData_InThatShape()
    {
        var request = TrackRequest.Event("cust-1", "retention_escalated", TrackApiHarness.EventId, At, new JsonObject { ["playbook"] = "winback", ["value"] = 180.5 });

        Assert.Equal("POST", request.Method);
        Assert.Equal("customers/cust-1/events", request.Path);
        Assert.Equal(
            """{"name":"retention_escalated","id":"01KB6MGR80AAAAAAAAAAAAAAAA","timestamp":1795873320,"data":{"playbook":"winback","value":180.5}}""",
            request.Body.ToJsonString());
    }

    [Fact]
    public void Attributes_Body_IsTheAttributes_AndACopy()
    {
        var attributes = new JsonObject { ["retention_hold_until"] = 1_796_478_120 };

        var request = TrackRequest.Attributes("cust-1", attributes);
        attributes["retention_hold_until"] = 0;

        Assert.Equal(("PUT", "customers/cust-1"), (request.Method, request.Path));
        Assert.Equal("""{"retention_hold_until":1796478120}""", request.Body.ToJsonString());
    }

    [Fact]
    public void Event_TakesACopyOfTheData()
    {
        var data = new JsonObject { ["outcome"] = "saved" };

        var request = TrackRequest.Event("cust-1", "retention_escalation_outcome", TrackApiHarness.EventId, At, data);
        data["outcome"] = "lost";

        Assert.Equal("saved", request.Body["data"]!["outcome"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("a/b", "customers/a%2Fb")]
    [InlineData("jane doe", "customers/jane%20doe")]
    [InlineData("what?now", "customers/what%3Fnow")]
    [InlineData("jöns", "customers/j%C3%B6ns")]
    [InlineData("jane@example.com", "customers/jane%40example.com")]
    [InlineData("cio_id:03a0", "customers/cio_id%3A03a0")]
    public void Attributes_CustomerId_IsPercentEscapedIntoOneSegment(string customerId, string path)
    {
        Assert.Equal(path, TrackRequest.Attributes(customerId, new JsonObject { ["a"] = 1 }).Path);
        Assert.Equal(path + "/events", TrackRequest.Event(customerId, "e", TrackApiHarness.EventId, At, []).Path);
    }

    [Theory]
    [InlineData("suppress")]
    [InlineData("SUPPRESS")]
    [InlineData("cust-1/suppress")]
    [InlineData("suppress/cust-1")]
    [InlineData(" suppress")]
    public void Builders_IdThatWouldPutASuppressSegmentInThePath_AreRefused(string customerId)
    {
        var a = Assert.Throws<ArgumentException>(() => TrackRequest.Attributes(customerId, new JsonObject { ["a"] = 1 }));
        var e = Assert.Throws<ArgumentException>(() => TrackRequest.Event(customerId, "e", TrackApiHarness.EventId, At, []));

        Assert.Contains("suppress", a.Message, StringComparison.Ordinal);
        Assert.Contains("suppress", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Builders_IdMerelyContainingSuppress_AreFine()
    {
        Assert.Equal("customers/suppressed-user", TrackRequest.Attributes("suppressed-user", new JsonObject { ["a"] = 1 }).Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Builders_EmptyId_IsRefused(string customerId)
    {
        Assert.ThrowsAny<ArgumentException>(() => TrackRequest.Attributes(customerId, new JsonObject { ["a"] = 1 }));
        Assert.ThrowsAny<ArgumentException>(() => TrackRequest.Event(customerId, "e", TrackApiHarness.EventId, At, []));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public void Builders_DotId_IsRefused_ForAUrlParserWouldResolveIt(string customerId)
    {
        var a = Assert.Throws<ArgumentException>(() => TrackRequest.Attributes(customerId, new JsonObject { ["a"] = 1 }));
        var e = Assert.Throws<ArgumentException>(() => TrackRequest.Event(customerId, "e", TrackApiHarness.EventId, At, []));

        Assert.Contains("cannot be put into a path", a.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be put into a path", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-ulid")]
    [InlineData("01KB6MGR80AAAAAAAAAAAAAAA")]   // 25
    [InlineData("01KB6MGR80AAAAAAAAAAAAAAAAA")] // 27
    [InlineData("81KB6MGR80AAAAAAAAAAAAAAAA")]  // above 128 bits
    [InlineData("01KB6MGR80AAAAAAAAAAAAAAAU")]  // U is not Crockford
    [InlineData("01KB6MGR80AAAAAAAAAAAAAAAI")]
    public void Event_IdThatIsNotAUlid_IsRefused(string id)
    {
        var e = Assert.Throws<ArgumentException>(() => TrackRequest.Event("cust-1", "e", id, At, []));

        Assert.Contains("ULID", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_LowerCaseUlid_IsAccepted()
    {
        Assert.Equal("01kb6mgr80aaaaaaaaaaaaaaaa", TrackRequest.Event("cust-1", "e", "01kb6mgr80aaaaaaaaaaaaaaaa", At, []).Body["id"]!.GetValue<string>());
    }

    [Fact]
    public void Event_AFreshUlidFromThePipeline_IsAccepted()
    {
        var id = Ulid.New(At);

        Assert.True(TrackRequest.IsUlid(id), id);
    }

    // ---- Limits -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Event_Name100Bytes_IsAccepted_AndTheFakeAgrees()
    {
        await using var h = await TrackApiHarness.StartAsync();
        var name = new string('n', 50) + new string('é', 25); // 50 + 50 bytes

        var call = await h.SendAsync(TrackRequest.Event("cust-1", name, TrackApiHarness.EventId, At, []));

        Assert.True(call.IsSuccess, call.ToString());
        Assert.Equal(name, Assert.Single(h.Api.Person("cust-1")!.Events).Name);
    }

    [Theory]
    [InlineData(101, 0)]
    [InlineData(1, 50)]  // 51 characters, 101 bytes: the limit is bytes
    public void Event_Name101Bytes_IsRefused(int ascii, int twoByte)
    {
        var name = new string('n', ascii) + new string('é', twoByte);

        var e = Assert.Throws<ArgumentException>(() => TrackRequest.Event("cust-1", name, TrackApiHarness.EventId, At, []));

        Assert.Contains("is 101 bytes; Customer.io accepts at most 100", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_EmptyName_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => TrackRequest.Event("cust-1", " ", TrackApiHarness.EventId, At, []));
    }

    /// <summary>{"s":"…"} is 8 bytes around the string; "é" is 2 bytes as UTF-8 (6 as a \u escape, which must not be what counts).</summary>
    private static JsonObject DataOf(int bytes) => new() { ["s"] = new string('é', (bytes - 8) / 2) + new string('a', (bytes - 8) % 2) };

    [Fact]
    public async Task Event_Data100000Bytes_IsAccepted_AndTheFakeAgrees()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var call = await h.SendAsync(TrackRequest.Event("cust-1", "e", TrackApiHarness.EventId, At, DataOf(100_000)));

        Assert.True(call.IsSuccess, call.ToString());
    }

    [Fact]
    public void Event_Data100001Bytes_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => TrackRequest.Event("cust-1", "e", TrackApiHarness.EventId, At, DataOf(100_001)));

        Assert.Contains("is 100001 bytes of JSON; Customer.io accepts at most 100000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_Data100001Bytes_SentAnyway_IsRefusedByTheFake()
    {
        await using var h = await TrackApiHarness.StartAsync();
        var body = new JsonObject { ["name"] = "e", ["id"] = TrackApiHarness.EventId, ["data"] = DataOf(100_001) };

        var call = await h.SendAsync(new TrackRequest("POST", "customers/cust-1/events", body));

        Assert.Equal((TrackCallOutcome.Permanent, 400), (call.Outcome, call.HttpStatus));
    }

    private static JsonObject Attributes(int count) =>
        new(Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"a{i}", (JsonNode?)JsonValue.Create(i))));

    [Fact]
    public async Task Attributes_300_AreAccepted_AndTheFakeAgrees()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var call = await h.SendAsync(TrackRequest.Attributes("cust-1", Attributes(300)));

        Assert.True(call.IsSuccess, call.ToString());
        Assert.Equal(300, h.Api.Person("cust-1")!.Attributes.Count);
    }

    [Fact]
    public void Attributes_301_AreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => TrackRequest.Attributes("cust-1", Attributes(301)));

        Assert.Contains("has 301 attributes; Customer.io accepts at most 300", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attributes_301_SentAnyway_AreRefusedByTheFake()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var call = await h.SendAsync(new TrackRequest("PUT", "customers/cust-1", Attributes(301)));

        Assert.Equal((TrackCallOutcome.Permanent, 400), (call.Outcome, call.HttpStatus));
        Assert.Null(h.Api.Person("cust-1"));
    }

    [Fact]
    public void Attributes_None_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => TrackRequest.Attributes("cust-1", []));
    }

    [Fact]
    public async Task Attributes_Value1000Bytes_IsAccepted_AndTheFakeAgrees()
    {
        await using var h = await TrackApiHarness.StartAsync();
        var attributes = new JsonObject { ["ascii"] = new string('v', 1000), ["two_byte"] = new string('é', 500) };

        var call = await h.SendAsync(TrackRequest.Attributes("cust-1", attributes));

        Assert.True(call.IsSuccess, call.ToString());
    }

    [Theory]
    [InlineData(1001, 0)]
    [InlineData(1, 500)] // 501 characters, 1001 bytes
    public void Attributes_Value1001Bytes_IsRefused_WithoutQuotingIt(int ascii, int twoByte)
    {
        var value = new string('v', ascii) + new string('é', twoByte);

        var e = Assert.Throws<ArgumentException>(() => TrackRequest.Attributes("cust-1", new JsonObject { ["note"] = value }));

        Assert.Contains("the value of attribute \"note\" is 1001 bytes; Customer.io accepts at most 1000", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("vvvv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attributes_NonStringValueOver1000BytesOfJson_IsRefused()
    {
        var list = new JsonArray(Enumerable.Range(0, 250).Select(i => (JsonNode?)JsonValue.Create(1000 + i)).ToArray()); // 1251 bytes

        Assert.Throws<ArgumentException>(() => TrackRequest.Attributes("cust-1", new JsonObject { ["list"] = list }));
    }

    [Fact]
    public async Task Attributes_Value1001Bytes_SentAnyway_IsRefusedByTheFake()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var call = await h.SendAsync(new TrackRequest("PUT", "customers/cust-1", new JsonObject { ["note"] = new string('v', 1001) }));

        Assert.Equal((TrackCallOutcome.Permanent, 400), (call.Outcome, call.HttpStatus));
    }

    [Fact]
    public async Task Attributes_Name150Bytes_IsAccepted_AndTheFakeAgrees()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var call = await h.SendAsync(TrackRequest.Attributes("cust-1", new JsonObject { [new string('k', 150)] = 1 }));

        Assert.True(call.IsSuccess, call.ToString());
    }

    [Theory]
    [InlineData(151, 0)]
    [InlineData(1, 75)]
    public void Attributes_Name151Bytes_IsRefused(int ascii, int twoByte)
    {
        var name = new string('k', ascii) + new string('é', twoByte);

        var e = Assert.Throws<ArgumentException>(() => TrackRequest.Attributes("cust-1", new JsonObject { [name] = 1 }));

        Assert.Contains("is 151 bytes; Customer.io accepts at most 150", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attributes_EmptyName_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => TrackRequest.Attributes("cust-1", new JsonObject { [""] = 1 }));
    }
}
