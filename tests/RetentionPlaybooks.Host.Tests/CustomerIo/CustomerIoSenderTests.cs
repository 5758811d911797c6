using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Host.CustomerIo;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests.CustomerIo;

/// <summary>The Customer.io sender against the fake Track API: its stored body, and what each answer means for a delivery.</summary>
public sealed class CustomerIoSenderTests
{
    private static DeliveryItem Item(byte[] body) => new(
        "D1", "E1", DeliveryKind.CustomerIo, "vip-cart-abandonment", "vip-saves", "customerio", body,
        DeliveryState.Pending, 0, TrackApiHarness.Now, TrackApiHarness.Now, null, null, null);

    private static DeliveryItem Item(TrackRequest request) => Item(CustomerIoSender.Body(request));

    [Fact]
    public void Name_And_Delivers_OnlyCustomerIoDeliveries()
    {
        using var http = new HttpClient();
        var sender = new CustomerIoSender(new TrackApiClient(http, new TrackApiOptions { SiteId = "s", TrackApiKey = "k" }));

        Assert.Equal("customerio", sender.Name);
        Assert.Equal([DeliveryKind.CustomerIo], Enum.GetValues<DeliveryKind>().Where(sender.Delivers));
    }

    [Fact]
    public async Task Send_Success_IsSent_ToCustomerIo()
    {
        await using var h = await TrackApiHarness.StartAsync();
        var sender = new CustomerIoSender(h.Client);

        var result = await sender.SendAsync(Item(TrackApiHarness.Hold("cust-1")), CancellationToken.None);

        Assert.Equal(SendResult.Posted("customerio", "-"), result);
        Assert.Equal("vip-cart-abandonment", h.Api.Person("cust-1")!.Attribute("retention_hold_playbook"));
    }

    [Fact]
    public async Task Send_Event_LandsOnThePerson()
    {
        await using var h = await TrackApiHarness.StartAsync();
        var sender = new CustomerIoSender(h.Client);

        var result = await sender.SendAsync(Item(TrackApiHarness.Escalated("jane doe")), CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.Equal("retention_escalated", Assert.Single(h.Api.Person("jane doe")!.Events).Name);
    }

    [Fact]
    public async Task Send_RateLimited_CarriesRetryAfter()
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Api.RateLimitNext(1, TimeSpan.FromSeconds(7));

        var result = await new CustomerIoSender(h.Client).SendAsync(Item(TrackApiHarness.Hold()), CancellationToken.None);

        Assert.Equal(SendOutcome.RateLimited, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.StartsWith("http_429", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Send_ServerError_IsTransient_NotInDoubt(int status)
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Api.FailNext(1, status);

        var result = await new CustomerIoSender(h.Client).SendAsync(Item(TrackApiHarness.Hold()), CancellationToken.None);

        Assert.Equal(new SendResult(SendOutcome.Transient, Error: $"http_{status}", InDoubt: false), result);
    }

    [Fact]
    public async Task Send_Timeout_IsTransient_AndStillNotInDoubt()
    {
        // Unlike a Slack post, a call that may have landed needs no lookup: repeating it is harmless.
        await using var h = await TrackApiHarness.StartAsync(timeout: TimeSpan.FromMilliseconds(200));
        h.Api.DelayNext(1, TimeSpan.FromSeconds(5));

        var result = await new CustomerIoSender(h.Client).SendAsync(Item(TrackApiHarness.Escalated()), CancellationToken.None);

        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.StartsWith("timeout", result.Error, StringComparison.Ordinal);
        Assert.False(result.InDoubt);
    }

    [Fact]
    public async Task Send_NothingListening_IsTransient_NotInDoubt()
    {
        using var http = new HttpClient();
        var sender = new CustomerIoSender(new TrackApiClient(http, new TrackApiOptions { SiteId = "s", TrackApiKey = "k", BaseUrl = TrackApiHarness.UnusedBaseUrl() }));

        var result = await sender.SendAsync(Item(TrackApiHarness.Hold()), CancellationToken.None);

        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.False(result.InDoubt);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task Send_ClientError_IsPermanent_WithTheError(int status)
    {
        await using var h = await TrackApiHarness.StartAsync();
        h.Api.FailNext(1, status);

        var result = await new CustomerIoSender(h.Client).SendAsync(Item(TrackApiHarness.Hold()), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith($"http_{status}", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"method":"PUT","path":"customers/cust-1"}""")]
    [InlineData("""{"method":"PUT","path":"customers/cust-1","body":[1]}""")]
    [InlineData("""{"method":1,"path":"customers/cust-1","body":{}}""")]
    [InlineData("""{"method":"DELETE","path":"customers/cust-1","body":{}}""")]
    [InlineData("""{"method":"POST","path":"customers/cust-1/suppress","body":{}}""")]
    [InlineData("""{"method":"PUT","path":"customers/a/b","body":{"x":1}}""")]
    public async Task Send_BodyThatIsNoTrackRequest_IsPermanent_AndSendsNothing(string body)
    {
        await using var h = await TrackApiHarness.StartAsync();

        var result = await new CustomerIoSender(h.Client).SendAsync(Item(Encoding.UTF8.GetBytes(body)), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith("invalid Customer.io delivery body: ", result.Error, StringComparison.Ordinal);
        Assert.Empty(h.Api.Calls);
    }

    [Fact]
    public async Task Find_IsAlwaysNotThere_SoTheWorkerResends()
    {
        using var http = new HttpClient();
        var sender = new CustomerIoSender(new TrackApiClient(http, new TrackApiOptions { SiteId = "s", TrackApiKey = "k", BaseUrl = TrackApiHarness.UnusedBaseUrl() }));

        var found = await sender.FindAsync(Item(TrackApiHarness.Hold()) with { InDoubt = true }, CancellationToken.None);

        Assert.Equal(new FindResult(false), found);
    }

    [Fact]
    public void Body_IsMethodPathAndBody_AsUtf8Json()
    {
        var request = TrackRequest.Attributes("jane@example.com", new JsonObject { ["city"] = "Malmö", ["retention_hold_until"] = 1_796_478_120 });

        var body = Encoding.UTF8.GetString(CustomerIoSender.Body(request));

        Assert.Equal("""{"method":"PUT","path":"customers/jane%40example.com","body":{"city":"Malmö","retention_hold_until":1796478120}}""", body);
    }

    [Fact]
    public void Body_RoundTrips_ThroughTryParse()
    {
        var request = TrackRequest.Event("a/b c", "retention_escalation_outcome", TrackApiHarness.EventId, TrackApiHarness.Now,
            new JsonObject { ["outcome"] = "saved", ["reason"] = "discount", ["seconds_to_acknowledge"] = 95, ["sla_met"] = true, ["value"] = 180.5 });

        Assert.True(CustomerIoSender.TryParse(CustomerIoSender.Body(request), out var parsed, out var problem), problem);

        Assert.Equal(request.Method, parsed.Method);
        Assert.Equal(request.Path, parsed.Path);
        Assert.True(JsonNode.DeepEquals(request.Body, parsed.Body), parsed.Body.ToJsonString());
    }

    [Fact]
    public void TryParse_SuppressPath_SaysWhy()
    {
        Assert.False(CustomerIoSender.TryParse("""{"method":"POST","path":"customers/x/suppress","body":{}}"""u8, out _, out var problem));

        Assert.Contains("suppress", problem, StringComparison.Ordinal);
    }
}
