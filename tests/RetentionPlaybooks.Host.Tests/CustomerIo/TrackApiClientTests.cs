using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Host.CustomerIo;

namespace RetentionPlaybooks.Host.Tests.CustomerIo;

/// <summary>The Track API client against the fake Track API over real HTTP: what lands, and what each answer means.</summary>
public sealed class TrackApiClientTests
{
    [Fact]
    public async Task SendAsync_SendsBasicAuthOfSiteIdAndKey_AsJson()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var call = await h.SendAsync(TrackApiHarness.Hold());

        Assert.Equal(TrackCallOutcome.Success, call.Outcome);
        Assert.Equal(200, call.HttpStatus);
        Assert.Null(call.Error);
        var received = Assert.Single(h.Api.Calls);
        Assert.True(received.Authorized);
        Assert.Equal(TrackApiHarness.SiteId, received.SiteId);
        Assert.Equal("application/json; charset=utf-8", received.ContentType);
    }

    [Fact]
    public async Task SendAsync_WrongKey_IsPermanent401_AndChangesNothing()
    {
        await using var h = await TrackApiHarness.StartAsync(clientKey: "trk-wrong-key-0000");

        var call = await h.SendAsync(TrackApiHarness.Hold());

        Assert.Equal(TrackCallOutcome.Permanent, call.Outcome);
        Assert.Equal(401, call.HttpStatus);
        Assert.StartsWith("http_401", call.Error, StringComparison.Ordinal);
        Assert.False(Assert.Single(h.Api.Calls).Authorized);
        Assert.Null(h.Api.Person("cust-1"));
    }

    [Fact]
    public async Task CheckAsync_RightCredentials_ReportsTheRegion()
    {
        await using var h = await TrackApiHarness.StartAsync(region: "eu");

        var call = await h.Client.CheckAsync(CancellationToken.None);

        Assert.Equal(TrackCallOutcome.Success, call.Outcome);
        Assert.Equal("eu", call.Region);
        var received = Assert.Single(h.Api.Calls);
        Assert.Equal(("GET", "accounts/region"), (received.Method, received.Path));
    }

    [Fact]
    public async Task CheckAsync_WrongKey_IsPermanent401()
    {
        await using var h = await TrackApiHarness.StartAsync(clientKey: "trk-wrong-key-0000");

        var call = await h.Client.CheckAsync(CancellationToken.None);

        Assert.Equal(TrackCallOutcome.Permanent, call.Outcome);
        Assert.Equal(401, call.HttpStatus);
        Assert.Null(call.Region);
    }

    [Fact]
    public async Task SendAsync_Attributes_PutLandsOnThePerson()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var call = await h.SendAsync(TrackApiHarness.Hold("cust-1"));

        Assert.True(call.IsSuccess);
        var received = Assert.Single(h.Api.Calls);
        Assert.Equal(("PUT", "customers/cust-1", "cust-1"), (received.Method, received.Path, received.CustomerId));
        var person = h.Api.Person("cust-1");
        Assert.NotNull(person);
        Assert.Equal("1796478120", person.Attribute("retention_hold_until"));
        Assert.Equal("vip-cart-abandonment", person.Attribute("retention_hold_playbook"));
        Assert.Empty(person.Events);
    }

    [Fact]
    public async Task SendAsync_LaterAttributes_UpdateWithoutErasingOthers()
    {
        await using var h = await TrackApiHarness.StartAsync();
        await h.SendAsync(TrackApiHarness.Hold("cust-1"));

        await h.SendAsync(TrackRequest.Attributes("cust-1", new JsonObject { ["retention_hold_until"] = 1_796_400_000 }));

        var person = h.Api.Person("cust-1")!;
        Assert.Equal("1796400000", person.Attribute("retention_hold_until"));
        Assert.Equal("vip-cart-abandonment", person.Attribute("retention_hold_playbook"));
    }

    [Fact]
    public async Task SendAsync_Event_PostCarriesNameUlidUnixSecondsAndData()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var call = await h.SendAsync(TrackApiHarness.Escalated("cust-1"));

        Assert.True(call.IsSuccess);
        var received = Assert.Single(h.Api.Calls);
        Assert.Equal(("POST", "customers/cust-1/events"), (received.Method, received.Path));
        var e = Assert.Single(h.Api.Person("cust-1")!.Events);
        Assert.Equal("retention_escalated", e.Name);
        Assert.Equal(TrackApiHarness.EventId, e.Id);
        Assert.Equal(TrackApiHarness.Now.ToUnixTimeSeconds(), e.Timestamp);
        Assert.Equal("""{"playbook":"vip-cart-abandonment"}""", e.Data.ToJsonString());
    }

    [Fact]
    public async Task SendAsync_RepeatedEventId_IsAnsweredButDroppedByTheFake()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var first = await h.SendAsync(TrackApiHarness.Escalated("cust-1", TrackApiHarness.EventId));
        var again = await h.SendAsync(TrackApiHarness.Escalated("cust-1", TrackApiHarness.EventId));
        var other = await h.SendAsync(TrackApiHarness.Escalated("cust-1", "01KB6MGR80BBBBBBBBBBBBBBBB"));

        Assert.All(new[] { first, again, other }, c => Assert.Equal(TrackCallOutcome.Success, c.Outcome));
        Assert.Equal([false, true, false], h.Api.Calls.Select(c => c.DuplicateEvent));
        Assert.Equal([TrackApiHarness.EventId, "01KB6MGR80BBBBBBBBBBBBBBBB"], h.Api.Person("cust-1")!.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterSeconds_IsRateLimitedForThatLong()
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Api.RateLimitNext(1, TimeSpan.FromSeconds(7));

        var call = await h.SendAsync(TrackApiHarness.Hold());

        Assert.Equal(TrackCallOutcome.RateLimited, call.Outcome);
        Assert.Equal(429, call.HttpStatus);
        Assert.Equal(TimeSpan.FromSeconds(7), call.RetryAfter);
        Assert.Null(h.Api.Person("cust-1"));
    }

    [Fact]
    public async Task SendAsync_429WithoutRetryAfter_WaitsOneSecond()
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Api.RateLimitNext(1, retryAfter: null);

        var call = await h.SendAsync(TrackApiHarness.Hold());

        Assert.Equal(TrackCallOutcome.RateLimited, call.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(1), call.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterHttpDate_WaitsUntilThen_ByTheClientsClock()
    {
        await using var h = await TrackApiHarness.StartAsync(fakeClockForClient: true);
        h.Api.RateLimitNext(1, TrackApiHarness.Now.AddSeconds(30));

        var call = await h.SendAsync(TrackApiHarness.Hold());

        Assert.Equal(TrackCallOutcome.RateLimited, call.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(30), call.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterDateInThePast_RetriesAtOnce()
    {
        await using var h = await TrackApiHarness.StartAsync(fakeClockForClient: true);
        h.Api.RateLimitNext(1, TrackApiHarness.Now.AddSeconds(-30));

        var call = await h.SendAsync(TrackApiHarness.Hold());

        Assert.Equal(TimeSpan.Zero, call.RetryAfter);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    public async Task SendAsync_ServerErrorOr408_IsTransient(int status)
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Api.FailNext(1, status);

        var call = await h.SendAsync(TrackApiHarness.Hold());

        Assert.Equal(TrackCallOutcome.Transient, call.Outcome);
        Assert.Equal(status, call.HttpStatus);
        Assert.Equal($"http_{status}", call.Error);
        Assert.Null(call.RetryAfter);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task SendAsync_OtherClientError_IsPermanent(int status)
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Api.FailNext(1, status);

        var call = await h.SendAsync(TrackApiHarness.Hold());

        Assert.Equal(TrackCallOutcome.Permanent, call.Outcome);
        Assert.Equal(status, call.HttpStatus);
        Assert.StartsWith($"http_{status}", call.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_FaultsAreUsedUpInOrder_ThenCallsSucceed()
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Api.FailNext(2, 503);

        var outcomes = new List<TrackCallOutcome>();
        for (var i = 0; i < 3; i++) outcomes.Add((await h.SendAsync(TrackApiHarness.Hold())).Outcome);

        Assert.Equal([TrackCallOutcome.Transient, TrackCallOutcome.Transient, TrackCallOutcome.Success], outcomes);
    }

    [Fact]
    public async Task SendAsync_AnswerSlowerThanTheTimeout_IsTransient_AndAResendOfTheEventIsDropped()
    {
        await using var h = await TrackApiHarness.StartAsync(timeout: TimeSpan.FromMilliseconds(500));
        // A first call warms the connection and the JIT, so that the timed-out request surely reached the fake.
        Assert.True((await h.Client.CheckAsync(CancellationToken.None)).IsSuccess);
        h.Api.DelayNext(1, TimeSpan.FromSeconds(5));

        var call = await h.SendAsync(TrackApiHarness.Escalated("cust-1"));
        var resent = await h.SendAsync(TrackApiHarness.Escalated("cust-1"));

        Assert.Equal(TrackCallOutcome.Transient, call.Outcome);
        Assert.Equal("timeout: no answer within 0.5 s", call.Error);
        Assert.Null(call.HttpStatus);
        // Customer.io took the first one before the answer was lost; the resend is why repeating is safe.
        Assert.True(resent.IsSuccess);
        Assert.Single(h.Api.Person("cust-1")!.Events);
        Assert.Equal([false, true], h.Api.Calls.Skip(1).Select(c => c.DuplicateEvent));
    }

    [Fact]
    public async Task SendAsync_NothingListening_IsTransientConnectionFailure()
    {
        using var http = new HttpClient();
        var client = new TrackApiClient(http, new TrackApiOptions { SiteId = "s", TrackApiKey = "k", BaseUrl = TrackApiHarness.UnusedBaseUrl() });

        var call = await client.SendAsync(TrackApiHarness.Hold(), CancellationToken.None);

        Assert.Equal(TrackCallOutcome.Transient, call.Outcome);
        Assert.StartsWith("connection_failed", call.Error, StringComparison.Ordinal);
        Assert.Null(call.HttpStatus);
    }

    [Fact]
    public async Task SendAsync_CallerCancelsWhileWaiting_Throws()
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Api.DelayNext(1, TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource();

        var pending = h.Client.SendAsync(TrackApiHarness.Hold(), cts.Token);
        await h.Api.WaitForCallsAsync(1, TrackApiHarness.Guard());
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task SendAsync_AlreadyCancelled_ThrowsWithoutSending()
    {
        await using var h = await TrackApiHarness.StartAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Client.SendAsync(TrackApiHarness.Hold(), new CancellationToken(canceled: true)));

        Assert.Empty(h.Api.Calls);
    }

    [Theory]
    [InlineData("POST", "customers/cust-1/suppress")]
    [InlineData("POST", "customers/cust-1/Suppress")]
    [InlineData("PUT", "customers/suppress")]
    [InlineData("POST", "customers/cust-1%2Fsuppress/events")]
    [InlineData("POST", "customers/cust-1/events/../suppress")]
    [InlineData("POST", "customers/cust-1/suppress?x=1")]
    [InlineData("DELETE", "customers/cust-1")]
    [InlineData("POST", "customers/cust-1/devices")]
    [InlineData("PUT", "customers/cust-1/events")]
    [InlineData("POST", "customers/cust-1")]
    [InlineData("PUT", "customers/a/b")]
    [InlineData("PUT", "customers/what?now")]
    [InlineData("PUT", "customers/..")]
    [InlineData("PUT", "customers/")]
    [InlineData("put", "customers/cust-1")]
    [InlineData("PUT", "/customers/cust-1")]
    [InlineData("PUT", "http://elsewhere.example/customers/cust-1")]
    public async Task SendAsync_RequestOutsideTheTwoCalls_IsRefusedBeforeAnythingIsSent(string method, string path)
    {
        await using var h = await TrackApiHarness.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => h.SendAsync(new TrackRequest(method, path, new JsonObject { ["name"] = "x" })));

        Assert.Empty(h.Api.Calls);
    }

    [Fact]
    public async Task SendAsync_SuppressPath_NamesWhyInTheRefusal()
    {
        await using var h = await TrackApiHarness.StartAsync();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => h.SendAsync(new TrackRequest("POST", "customers/cust-1/suppress", [])));

        Assert.Contains("deletes the person", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("what?now")]
    [InlineData("jane doe")]
    [InlineData("jöns.åkesson")]
    [InlineData("名前")]
    [InlineData("jane+vip@example.com")]
    [InlineData("cio_id:03a0b4c1d2")]
    [InlineData("50%off")]
    [InlineData("a#b")]
    [InlineData("back\\slash")]
    public async Task SendAsync_CustomerIdWithReservedCharacters_IsEscapedIntoOneSegment_AndDecodesBack(string customerId)
    {
        await using var h = await TrackApiHarness.StartAsync();

        var attributes = await h.SendAsync(TrackApiHarness.Hold(customerId));
        var @event = await h.SendAsync(TrackApiHarness.Escalated(customerId));

        Assert.True(attributes.IsSuccess, attributes.ToString());
        Assert.True(@event.IsSuccess, @event.ToString());
        var escaped = Uri.EscapeDataString(customerId);
        Assert.Equal(["customers/" + escaped, "customers/" + escaped + "/events"], h.Api.Calls.Select(c => c.Path));
        Assert.All(h.Api.Calls, c => Assert.Equal(customerId, c.CustomerId));
        var person = h.Api.Person(customerId);
        Assert.NotNull(person);
        Assert.Equal("vip-cart-abandonment", person.Attribute("retention_hold_playbook"));
        Assert.Single(person.Events);
        Assert.Equal([customerId], h.Api.Workspace.People);
    }

    [Fact]
    public async Task SendAsync_BaseUrlWithoutTrailingSlash_StillAppendsThePath()
    {
        await using var h = await TrackApiHarness.StartAsync();
        using var http = new HttpClient();
        var client = new TrackApiClient(http, new TrackApiOptions
        {
            SiteId = TrackApiHarness.SiteId,
            TrackApiKey = TrackApiHarness.ApiKey,
            BaseUrl = new Uri(h.Api.BaseUrl.AbsoluteUri.TrimEnd('/')),
        });

        var call = await client.SendAsync(TrackApiHarness.Hold(), CancellationToken.None);

        Assert.True(call.IsSuccess, call.ToString());
        Assert.Equal("customers/cust-1", Assert.Single(h.Api.Calls).Path);
    }

    [Fact]
    public async Task SendAsync_NonAsciiBody_IsSentAsUtf8()
    {
        await using var h = await TrackApiHarness.StartAsync();

        await h.SendAsync(TrackRequest.Attributes("cust-1", new JsonObject { ["city"] = "Malmö 名前" }));

        Assert.Equal("Malmö 名前", h.Api.Person("cust-1")!.Attribute("city"));
    }

    /// <summary>The fake's error answers quote what they refuse — the credentials of a 401, the value of a 400 — so a client
    /// that copied an answer into its error would leak the key or customer data here.</summary>
    public static TheoryData<string> LeakScenarios => ["wrong-key", "value-too-long", "500", "429", "timeout", "refused"];

    [Theory]
    [MemberData(nameof(LeakScenarios))]
    public async Task TrackCall_Error_NeverHoldsTheKeyOrTheBody(string scenario)
    {
        const string Secret = "customer-secret-value-71f0";
        var key = scenario == "wrong-key" ? "trk-wrong-9b2e77c4" : TrackApiHarness.ApiKey;
        await using var h = await TrackApiHarness.StartAsync(clientKey: key, timeout: scenario == "timeout" ? TimeSpan.FromMilliseconds(200) : null);
        var request = new TrackRequest("PUT", "customers/cust-1", new JsonObject { ["note"] = Secret + new string('x', 1000) });
        if (scenario != "value-too-long") request = TrackRequest.Attributes("cust-1", new JsonObject { ["note"] = Secret });
        if (scenario == "500") h.Api.FailNext(1, 500);
        if (scenario == "429") h.Api.RateLimitNext(1, TimeSpan.FromSeconds(3));
        if (scenario == "timeout") h.Api.DelayNext(1, TimeSpan.FromSeconds(5));
        var client = scenario == "refused"
            ? new TrackApiClient(h.Http, new TrackApiOptions { SiteId = TrackApiHarness.SiteId, TrackApiKey = key, BaseUrl = TrackApiHarness.UnusedBaseUrl() })
            : h.Client;

        var call = await client.SendAsync(request, CancellationToken.None);

        Assert.NotEqual(TrackCallOutcome.Success, call.Outcome);
        Assert.NotNull(call.Error);
        Assert.DoesNotContain(key, call.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, call.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, call.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(TrackApiHarness.SiteId + ":" + key)), call.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFake_QuotesTheCredentialsInIts401_SoTheLeakTestCanFail()
    {
        await using var h = await TrackApiHarness.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(h.Api.BaseUrl, "accounts/region"));
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(TrackApiHarness.SiteId + ":trk-wrong-9b2e77c4")));

        using var response = await h.Http.SendAsync(request);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Contains("trk-wrong-9b2e77c4", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsWithEveryProblem()
    {
        using var http = new HttpClient();

        var e = Assert.Throws<ArgumentException>(() => new TrackApiClient(http, new TrackApiOptions { Timeout = TimeSpan.Zero }));

        Assert.Contains("SiteId is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("TrackApiKey is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout must be between", e.Message, StringComparison.Ordinal);
    }
}
