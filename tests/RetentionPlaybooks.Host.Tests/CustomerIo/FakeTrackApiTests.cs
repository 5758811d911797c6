using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.FakeCustomerIo;
using RetentionPlaybooks.Host.CustomerIo;

namespace RetentionPlaybooks.Host.Tests.CustomerIo;

/// <summary>The fake Track API's own rules, over raw HTTP where the client would refuse to send the request at all.</summary>
public sealed class FakeTrackApiTests
{
    private static async Task<(int Status, string Body)> RawAsync(TrackApiHarness h, HttpMethod method, string path, string? body, bool auth = true)
    {
        using var request = new HttpRequestMessage(method, new Uri(h.Api.BaseUrl, path));
        if (auth)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(TrackApiHarness.SiteId + ":" + TrackApiHarness.ApiKey)));
        }

        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await h.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BaseUrl_IsLoopback_EndingInApiV1()
    {
        await using var h = await TrackApiHarness.StartAsync();

        Assert.Equal("127.0.0.1", h.Api.BaseUrl.Host);
        Assert.NotEqual(0, h.Api.BaseUrl.Port);
        Assert.EndsWith("/api/v1/", h.Api.BaseUrl.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAuthorization_Is401()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var (status, _) = await RawAsync(h, HttpMethod.Put, "customers/cust-1", """{"a":1}""", auth: false);

        Assert.Equal(401, status);
        Assert.Null(h.Api.Person("cust-1"));
        Assert.Null(Assert.Single(h.Api.Calls).SiteId);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public async Task Attributes_BodyThatIsNoJsonObject_Is400(string body)
    {
        await using var h = await TrackApiHarness.StartAsync();

        var (status, _) = await RawAsync(h, HttpMethod.Put, "customers/cust-1", body);

        Assert.Equal(400, status);
        Assert.Null(h.Api.Person("cust-1"));
    }

    [Theory]
    [InlineData("""{"id":"01KB6MGR80AAAAAAAAAAAAAAAA"}""")]
    [InlineData("""{"name":"","id":"01KB6MGR80AAAAAAAAAAAAAAAA"}""")]
    [InlineData("""{"name":7}""")]
    [InlineData("""{"name":"e","id":"not-a-ulid"}""")]
    [InlineData("""{"name":"e","timestamp":"yesterday"}""")]
    [InlineData("""{"name":"e","data":[1]}""")]
    public async Task Event_WithoutAValidNameIdTimestampOrData_Is400(string body)
    {
        await using var h = await TrackApiHarness.StartAsync();

        var call = await h.SendAsync(new TrackRequest("POST", "customers/cust-1/events", JsonNode.Parse(body)!.AsObject()));

        Assert.Equal((TrackCallOutcome.Permanent, 400), (call.Outcome, call.HttpStatus));
        Assert.Null(h.Api.Person("cust-1"));
    }

    [Fact]
    public async Task Event_WithoutAnId_IsKept_AndNeverDeduplicated()
    {
        await using var h = await TrackApiHarness.StartAsync();

        await RawAsync(h, HttpMethod.Post, "customers/cust-1/events", """{"name":"e"}""");
        await RawAsync(h, HttpMethod.Post, "customers/cust-1/events", """{"name":"e"}""");

        Assert.Equal(2, h.Api.Person("cust-1")!.Events.Count);
    }

    [Theory]
    [InlineData("POST", "customers/cust-1/suppress")]
    [InlineData("POST", "customers/cust-1/SUPPRESS")]
    [InlineData("PUT", "customers/suppress")]
    public async Task Suppress_Is400_AndRecordedAsAViolation_EvenUnauthorized(string method, string path)
    {
        await using var h = await TrackApiHarness.StartAsync();

        var (authorized, _) = await RawAsync(h, new HttpMethod(method), path, "{}");
        var (anonymous, _) = await RawAsync(h, new HttpMethod(method), path, "{}", auth: false);

        Assert.Equal((400, 400), (authorized, anonymous));
        Assert.Equal(2, h.Api.Violations.Count);
        Assert.Empty(h.Api.Workspace.People);
    }

    [Fact]
    public async Task Violations_AreEmpty_AfterOrdinaryCalls()
    {
        await using var h = await TrackApiHarness.StartAsync();

        await h.SendAsync(TrackApiHarness.Hold());
        await h.SendAsync(TrackApiHarness.Escalated());

        Assert.Equal(2, h.Api.Calls.Count);
        Assert.Empty(h.Api.Violations);
    }

    [Theory]
    [InlineData("GET", "customers/cust-1", 405)]
    [InlineData("DELETE", "customers/cust-1", 405)]
    [InlineData("PUT", "customers/cust-1/events", 405)]
    [InlineData("POST", "customers/cust-1/devices", 404)]
    [InlineData("POST", "accounts/region", 405)]
    public async Task OtherPathsAndMethods_AreRefused(string method, string path, int expected)
    {
        await using var h = await TrackApiHarness.StartAsync();

        var (status, _) = await RawAsync(h, new HttpMethod(method), path, method == "GET" || method == "DELETE" ? null : "{}");

        Assert.Equal(expected, status);
        Assert.Empty(h.Api.Workspace.People);
    }

    [Fact]
    public async Task UpdateOnly_DoesNotCreateAPerson_ButUpdatesOneThatExists()
    {
        await using var h = await TrackApiHarness.StartAsync();

        await RawAsync(h, HttpMethod.Put, "customers/ghost", """{"_update":true,"a":1}""");
        await RawAsync(h, HttpMethod.Put, "customers/cust-1", """{"a":1}""");
        await RawAsync(h, HttpMethod.Put, "customers/cust-1", """{"_update":true,"_timestamp":1795873320,"a":2}""");

        Assert.Null(h.Api.Person("ghost"));
        var person = h.Api.Person("cust-1")!;
        Assert.Equal(["a"], person.Attributes.Keys);
        Assert.Equal("2", person.Attribute("a"));
    }

    [Fact]
    public async Task Calls_RecordTheDecodedBody_AndTheFakeClocksTime()
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Time.Advance(TimeSpan.FromMinutes(3));

        await h.SendAsync(TrackApiHarness.Hold());

        var call = Assert.Single(h.Api.Calls);
        Assert.Equal(TrackApiHarness.Now.AddMinutes(3), call.At);
        Assert.Equal(200, call.Status);
        Assert.Equal("vip-cart-abandonment", call.Body!["retention_hold_playbook"]!.GetValue<string>());
    }

    [Fact]
    public async Task Calls_FromManyThreadsAtOnce_AreAllRecorded()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var calls = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            h.SendAsync(TrackRequest.Event($"cust-{i % 4}", "e", Ulid.New(TrackApiHarness.Now), TrackApiHarness.Now, []))));

        Assert.All(calls, c => Assert.True(c.IsSuccess, c.ToString()));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), h.Api.Calls.Select(c => c.Sequence).Order());
        Assert.Equal(40, h.Api.Workspace.People.Sum(p => h.Api.Person(p)!.Events.Count));
    }

    [Fact]
    public async Task Dispose_WhileAnAnswerIsHeldBack_EndsTheDelayWithA503()
    {
        // The client would wait two minutes; the fake must not keep it (or its own shutdown) waiting that long.
        var h = await TrackApiHarness.StartAsync(timeout: TimeSpan.FromMinutes(2));
        h.Api.DelayNext(1, TimeSpan.FromMinutes(10));
        var pending = h.SendAsync(TrackApiHarness.Hold());
        await h.Api.WaitForCallsAsync(1, TrackApiHarness.Guard());

        await h.Api.DisposeAsync();
        var call = await pending;
        h.Http.Dispose();

        // 503 is the fake's own answer to a cancelled delay; without the cancel, shutdown would cut the connection instead.
        Assert.Equal((TrackCallOutcome.Transient, 503), (call.Outcome, call.HttpStatus));
        Assert.Equal(503, Assert.Single(h.Api.Calls).Status);
    }

    [Fact]
    public async Task Delay_CarriesTheCallOutBeforeHoldingTheAnswerBack()
    {
        await using var h = await TrackApiHarness.StartAsync(timeout: TimeSpan.FromMilliseconds(500));
        Assert.True((await h.Client.CheckAsync(CancellationToken.None)).IsSuccess); // warm: the timed-out request surely arrives
        h.Api.DelayNext(1, TimeSpan.FromSeconds(30));

        var call = await h.SendAsync(TrackApiHarness.Hold());

        Assert.Equal(TrackCallOutcome.Transient, call.Outcome);
        // Carried out although no answer came: "in doubt" in the real world.
        Assert.Equal("vip-cart-abandonment", h.Api.Person("cust-1")!.Attribute("retention_hold_playbook"));
    }

    [Fact]
    public async Task StartAsync_AnotherServer_GetsItsOwnPort()
    {
        await using var a = await FakeTrackApi.StartAsync("s", "k");
        await using var b = await FakeTrackApi.StartAsync("s", "k");

        Assert.NotEqual(a.BaseUrl.Port, b.BaseUrl.Port);
    }
}
