using System.Text.Json;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Tests.Slack;
using RetentionPlaybooks.Workspace;
using Xunit;

namespace RetentionPlaybooks.Tests.Pipeline;

/// <summary>The in-memory history replays answer from, at each edge: the latest escalation, empty ids and keys, the window.</summary>
public sealed class InMemoryEscalationHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);
    private static readonly ChannelSymbol VipSaves = RenderHarness.Compilation.Workspace!.Channels["vip-saves"];
    private static readonly ChannelSymbol LeadDm = RenderHarness.Compilation.Workspace!.Channels["retention-lead-dm"];
    private readonly InMemoryEscalationHistory _history = new();

    private static Escalation Escalation(string customer, DateTimeOffset at, string? dedupe = null, string playbook = "p1", ChannelSymbol? channel = null) =>
        new("01" + Guid.NewGuid().ToString("N"), playbook, customer, channel ?? VipSaves, dedupe, new SlackMessage(new RetentionPlaybooks.Slack.BlockKit.BlockKitMessage("C", "t", [])), at);

    [Fact]
    public async Task LastEscalation_IsTheLatest_WhateverTheOrderRecorded_PerPlaybookAndCustomer()
    {
        _history.Record(Escalation("cus_1", T0 + TimeSpan.FromHours(2)));
        _history.Record(Escalation("cus_1", T0));
        _history.Record(Escalation("cus_1", T0 + TimeSpan.FromHours(5), playbook: "p2"));
        _history.Record(Escalation("cus_2", T0 + TimeSpan.FromHours(9)));

        Assert.Equal(T0 + TimeSpan.FromHours(2), await _history.LastEscalationAsync("p1", "cus_1", CancellationToken.None));
        Assert.Equal(T0 + TimeSpan.FromHours(5), await _history.LastEscalationAsync("p2", "cus_1", CancellationToken.None));
        Assert.Null(await _history.LastEscalationAsync("p2", "cus_2", CancellationToken.None));
        Assert.Null(await _history.LastEscalationAsync("p3", "cus_1", CancellationToken.None));
    }

    [Fact]
    public async Task LastEscalation_ALaterOneReplacesTheEarlier()
    {
        _history.Record(Escalation("cus_1", T0));
        _history.Record(Escalation("cus_1", T0 + TimeSpan.FromTicks(1)));

        Assert.Equal(T0 + TimeSpan.FromTicks(1), await _history.LastEscalationAsync("p1", "cus_1", CancellationToken.None));
    }

    [Fact]
    public async Task AnEscalationWithoutACustomerId_IsNoOnesLastEscalation()
    {
        _history.Record(Escalation("", T0));

        Assert.Null(await _history.LastEscalationAsync("p1", "", CancellationToken.None));
        Assert.Equal(1, await _history.CountSinceAsync(VipSaves.SlackTarget, "p1", T0, CancellationToken.None));
    }

    [Fact]
    public async Task DedupeKeys_PerPlaybook_AndAnEmptyKeyIsNotRecorded()
    {
        _history.Record(Escalation("cus_1", T0, dedupe: "k1"));
        _history.Record(Escalation("cus_2", T0, dedupe: ""));

        Assert.True(await _history.DedupeKeyUsedAsync("p1", "k1", CancellationToken.None));
        Assert.False(await _history.DedupeKeyUsedAsync("p2", "k1", CancellationToken.None));
        Assert.False(await _history.DedupeKeyUsedAsync("p1", "k2", CancellationToken.None));
        Assert.False(await _history.DedupeKeyUsedAsync("p1", "", CancellationToken.None));
    }

    [Fact]
    public async Task CountSince_FromExactlySince_PerTarget_OnePlaybookOrAll()
    {
        _history.Record(Escalation("a", T0 - TimeSpan.FromTicks(1)));
        _history.Record(Escalation("b", T0));
        _history.Record(Escalation("c", T0 + TimeSpan.FromHours(1), playbook: "p2"));
        _history.Record(Escalation("d", T0 + TimeSpan.FromHours(1), channel: LeadDm));

        Assert.Equal(2, await _history.CountSinceAsync(VipSaves.SlackTarget, null, T0, CancellationToken.None));
        Assert.Equal(1, await _history.CountSinceAsync(VipSaves.SlackTarget, "p1", T0, CancellationToken.None));
        Assert.Equal(1, await _history.CountSinceAsync(VipSaves.SlackTarget, "p2", T0, CancellationToken.None));
        Assert.Equal(3, await _history.CountSinceAsync(VipSaves.SlackTarget, null, T0 - TimeSpan.FromTicks(1), CancellationToken.None));
        Assert.Equal(1, await _history.CountSinceAsync(LeadDm.SlackTarget, null, T0, CancellationToken.None));
        Assert.Equal(0, await _history.CountSinceAsync("C-NONE", null, T0, CancellationToken.None));
    }

    [Fact]
    public async Task Commit_StoresTheBatchsEscalations_AndClearsTheBatch_SoTheyCountOnce()
    {
        var stores = new InMemoryStores();
        var pipeline = stores.Pipeline(RenderHarness.Compilation);
        var vip = RenderHarness.Compilation.Playbooks.Single(p => p.Id == "vip-cart-abandonment"); // daily cap 8
        var outcomes = new List<PlaybookOutcome> { new(null, Outcome.NoTrigger, "not an escalation") };
        for (var i = 0; i < 4; i++)
        {
            var escalation = Escalation($"cus_{i}", T0, dedupe: $"cart-{i}", playbook: vip.Id);
            pipeline.Guardrails.Add(i, escalation);
            outcomes.Add(new PlaybookOutcome(vip, Outcome.Escalated, "escalated", Escalation: escalation));
        }

        var count = stores.Commit(pipeline, outcomes);

        Assert.Equal(4, count);
        Assert.Equal(T0, await stores.History.LastEscalationAsync(vip.Id, "cus_0", CancellationToken.None));
        Assert.True(await stores.History.DedupeKeyUsedAsync(vip.Id, "cart-3", CancellationToken.None));
        Assert.Equal(4, await stores.History.CountSinceAsync(VipSaves.SlackTarget, vip.Id, T0, CancellationToken.None));
        // Four in the history; had the batch not been cleared they would count twice and reach the cap of 8.
        Assert.Null(await pipeline.Guardrails.CheckAsync(vip, VipSaves, "cus_new", null, T0 + TimeSpan.FromHours(1), CancellationToken.None));
    }
}

/// <summary>The attribute stage at its edges: an explicit change, what is written and when, what a change trigger carries.</summary>
public sealed class AttributeTrackerEdgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<CompilationResult> Paused = new(SubscriptionPausedPlaybook.Compile);

    private readonly InMemoryAttributeSnapshots _snapshots = new();

    private AttributeTracker Tracker() => new(_snapshots, Paused.Value);

    private static JsonElement Customer(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static Signal Status(string customer, string status, TriggerInput? trigger = null, DateTimeOffset? at = null) =>
        new(customer, Customer($$"""{"id": "{{customer}}", "subscription_status": "{{status}}", "plan": "x"}"""), trigger, at);

    private static TriggerInput Trigger(JsonElement customer, string? eventName = null, string? changed = null) => new()
    {
        DeliveryId = "d-1",
        Customer = customer,
        EventName = eventName,
        EventData = Customer("{}"),
        ChangedAttribute = changed,
    };

    [Fact]
    public async Task AChange_CarriesTheSignalsCustomerTimestampAndDeliveryId_AndEmptyEventData()
    {
        _snapshots.Save("cus_1", "{\"subscription_status\":\"active\"}");
        var customer = Customer("""{"id": "cus_1", "subscription_status": "paused"}""");
        var signal = new Signal("cus_1", customer, Trigger(customer, eventName: "page_viewed"), T0);

        var change = Assert.Single(await Tracker().ChangesAsync(signal, CancellationToken.None));

        Assert.Equal("d-1", change.DeliveryId);
        Assert.Equal("cus_1", change.Customer.GetProperty("id").GetString());
        Assert.Equal(T0, change.Timestamp);
        Assert.Equal(JsonValueKind.Object, change.EventData.ValueKind);
        Assert.Empty(change.EventData.EnumerateObject());
        Assert.Null(change.EventName);
        Assert.Equal("subscription_status", change.ChangedAttribute);
        Assert.Equal("active", change.ChangedFrom!.Value.GetString());
        Assert.Equal("paused", change.ChangedTo!.Value.GetString());
    }

    [Fact]
    public async Task AChange_OfASignalWithoutTrigger_HasNoDeliveryId()
    {
        _snapshots.Save("cus_1", "{\"subscription_status\":\"active\"}");

        var change = Assert.Single(await Tracker().ChangesAsync(Status("cus_1", "paused"), CancellationToken.None));

        Assert.Null(change.DeliveryId);
        Assert.Null(change.Timestamp);
    }

    [Fact]
    public async Task AnExplicitChangeOfTheAttribute_IsNotTriggeredTwice_ButTheNewValueIsRemembered()
    {
        _snapshots.Save("cus_1", "{\"subscription_status\":\"active\"}");
        var tracker = Tracker();
        var customer = Customer("""{"id": "cus_1", "subscription_status": "paused"}""");

        var explicitChange = await tracker.ChangesAsync(new Signal("cus_1", customer, Trigger(customer, changed: "subscription_status"), null), CancellationToken.None);
        var otherExplicitChange = await Tracker().ChangesAsync(new Signal("cus_1", customer, Trigger(customer, changed: "plan"), null), CancellationToken.None);

        Assert.Empty(explicitChange);
        Assert.Single(otherExplicitChange);
        Assert.Equal([("cus_1", "{\"subscription_status\":\"paused\"}")], tracker.TakeUpdates());
    }

    [Fact]
    public async Task TheSameValueAgain_WritesNothing_AndTakeUpdatesEmptiesTheList()
    {
        var tracker = Tracker();

        await tracker.ChangesAsync(Status("cus_1", "active"), CancellationToken.None);
        var firstSighting = tracker.TakeUpdates();
        await tracker.ChangesAsync(Status("cus_1", "active"), CancellationToken.None);
        var same = tracker.TakeUpdates();

        Assert.Equal([("cus_1", "{\"subscription_status\":\"active\"}")], firstSighting);
        Assert.Empty(same);
    }

    [Fact]
    public async Task ASignalWithoutTheWatchedAttribute_ChangesNothing()
    {
        _snapshots.Save("cus_1", "{\"subscription_status\":\"active\"}");
        var tracker = Tracker();

        var changes = await tracker.ChangesAsync(new Signal("cus_1", Customer("""{"id": "cus_1", "plan": "y"}"""), null, null), CancellationToken.None);

        Assert.Empty(changes);
        Assert.Empty(tracker.TakeUpdates());
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("\"cus_1\"")]
    public async Task ACustomerThatIsNotAnObject_IsNotTracked(string json)
    {
        var tracker = Tracker();

        Assert.Empty(await tracker.ChangesAsync(new Signal("cus_1", Customer(json), null, null), CancellationToken.None));
        Assert.Empty(tracker.TakeUpdates());
    }

    [Fact]
    public async Task WhatWasTaken_StaysRemembered_WhenALaterRecordIsAbandoned()
    {
        // The snapshot store is not written here: after TakeUpdates the tracker's own memory is the truth for cus_1.
        _snapshots.Save("cus_1", "{\"subscription_status\":\"active\"}");
        var tracker = Tracker();

        Assert.Single(await tracker.ChangesAsync(Status("cus_1", "paused"), CancellationToken.None));
        tracker.TakeUpdates();
        await tracker.ChangesAsync(Status("cus_2", "active"), CancellationToken.None);
        tracker.Abandon();
        var again = await tracker.ChangesAsync(Status("cus_1", "paused"), CancellationToken.None);

        Assert.Empty(again);
    }

    [Fact]
    public async Task Abandon_DropsTheUpdatesNotYetTaken()
    {
        var tracker = Tracker();

        await tracker.ChangesAsync(Status("cus_1", "active"), CancellationToken.None);
        tracker.Abandon();

        Assert.Empty(tracker.TakeUpdates());
    }
}

/// <summary>Escalation ids: 26 Crockford base32 characters, the first ten the time in milliseconds, the rest random.</summary>
public sealed class UlidTests
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static long Milliseconds(string id)
    {
        long ms = 0;
        foreach (var c in id[..10]) ms = (ms << 5) | (uint)Alphabet.IndexOf(c, StringComparison.Ordinal);
        return ms;
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(1795870800123L)]
    [InlineData(253402300799999L)] // the last millisecond of year 9999, the latest DateTimeOffset
    public void TheFirstTenCharacters_AreTheTimeInMilliseconds(long ms)
    {
        var id = Ulid.New(DateTimeOffset.FromUnixTimeMilliseconds(ms));

        Assert.Equal(26, id.Length);
        Assert.All(id, c => Assert.Contains(c, Alphabet));
        Assert.Equal(ms, Milliseconds(id));
    }

    [Fact]
    public void TheRest_IsRandom_AndIdsSortByTime()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1795870800123);
        var ids = Enumerable.Range(0, 20).Select(_ => Ulid.New(at)).ToList();
        var later = Ulid.New(at + TimeSpan.FromMilliseconds(1));

        Assert.Equal(20, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(ids[0][..10], id[..10]));
        // 80 random bits: across 20 ids, every one of the 16 random characters varies.
        for (var i = 10; i < 26; i++) Assert.True(ids.Select(id => id[i]).Distinct().Count() > 1, $"character {i} never varies");
        Assert.All(ids, id => Assert.True(string.CompareOrdinal(id, later) < 0));
    }
}
