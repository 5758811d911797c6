using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Host.Report;
using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Tests.Storage;

/// <summary>
/// What every store must do, whatever its engine: one set of tests, one fixture per engine (SQLite now; PostgreSQL joins
/// with the fleet). A fixture opens a fresh database, and a second store instance on the same database (another host).
/// Time is the fake clock; nothing sleeps.
/// </summary>
public abstract class StoreContract : IAsyncLifetime
{
    protected FakeTimeProvider Time { get; } = new(HostApp.Start);

    private readonly List<IStore> _opened = [];

    private const string A = "host-a";
    private const string B = "host-b";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private static readonly Lazy<CompiledPlaybook> VipCart = new(() =>
        PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks).Playbooks.Single(p => p.Id == "vip-cart-abandonment"));

    private static RetentionPlaybooks.Workspace.ChannelSymbol VipSaves => VipCart.Value.Channels.Single(c => c.Name == "vip-saves");

    /// <summary>A fresh, empty database and a store on it.</summary>
    private protected abstract Task<IStore> CreateAsync(TimeProvider time);

    /// <summary>Another store instance on the database <see cref="CreateAsync"/> made (another process or host).</summary>
    private protected abstract Task<IStore> OpenAnotherAsync(TimeProvider time);

    /// <summary>Deletes the database.</summary>
    protected abstract Task DropAsync();

    private IStore Store => _opened[0];

    public async Task InitializeAsync() => _opened.Add(await CreateAsync(Time));

    public async Task DisposeAsync()
    {
        foreach (var store in _opened) await store.DisposeAsync();
        await DropAsync();
    }

    private async Task<IStore> AnotherAsync()
    {
        var store = await OpenAnotherAsync(Time);
        _opened.Add(store);
        return store;
    }

    private DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>A message body of one text.</summary>
    private static byte[] Body(string text) => System.Text.Encoding.UTF8.GetBytes($"{{\"text\":\"{text}\"}}");

    private static InboxItem Item(string key, SignalSource source = SignalSource.Journey) => new(source, key, System.Text.Encoding.UTF8.GetBytes($"{{\"k\":\"{key}\"}}"));

    private async Task<IReadOnlyList<long>> AcceptAsync(IStore store, int count, string prefix = "d")
    {
        var result = await store.Inbox.AcceptAsync(Enumerable.Range(0, count).Select(i => Item($"{prefix}-{i}")).ToList(), CancellationToken.None);
        return result.Ids;
    }

    private Task<IReadOnlyList<InboxRecord>> ClaimAsync(IStore store, string owner, int limit = 1000) =>
        store.Inbox.ClaimAsync(owner, limit, Now, Now + Lease, CancellationToken.None);

    private NewEscalation Escalation(string id, long inbox, string customer = "cus_1", string? dedupe = null, string target = "C07VIPSAVES", bool recheck = false, DateTimeOffset? at = null) =>
        new(id, inbox, "vip-cart-abandonment", customer, "vip-saves", target, dedupe, Body(id), Now, at ?? Now,
            recheck ? new GuardrailRecheck(VipCart.Value, VipSaves) : null);

    private static ProcessingResult Escalated(long inbox, NewEscalation e) =>
        new(inbox, [new DecisionRecord(inbox, e.Playbook, "escalated", "escalated", e.Channel, e.Id)], [e], []);

    /// <summary>Receives and claims one signal for <paramref name="owner"/>, then completes it with one escalation; returns the decision the store kept.</summary>
    private async Task<DecisionRecord> EscalateAsync(IStore store, string owner, Func<long, NewEscalation> escalation)
    {
        var id = await CompleteAsync(store, owner, inbox => Escalated(inbox, escalation(inbox)));
        return (await store.Decisions.DecisionsAsync(id, CancellationToken.None)).Single();
    }

    /// <summary>Receives and claims one signal for <paramref name="owner"/>, then completes it with <paramref name="result"/> (given the
    /// record's id); returns the id.</summary>
    private async Task<long> CompleteAsync(IStore store, string owner, Func<long, ProcessingResult> result)
    {
        var id = (await store.Inbox.AcceptAsync([Item($"e-{Guid.NewGuid():N}")], CancellationToken.None)).Ids.Single();
        Assert.Contains(await ClaimAsync(store, owner), r => r.Id == id);
        Assert.Equal(1, await store.Inbox.CompleteAsync(owner, [result(id)], Now, CancellationToken.None));
        return id;
    }

    // ---- Digests -------------------------------------------------------------------------------------------------------

    private static readonly TimeSpan Every = TimeSpan.FromMinutes(30);

    /// <summary>vip-saves with a budget of <paramref name="budget"/> and a digest every 30 minutes.</summary>
    private static RetentionPlaybooks.Workspace.ChannelSymbol DigestingVipSaves(int budget) =>
        VipSaves with { DailyBudget = budget, Digest = new RetentionPlaybooks.Workspace.DigestPolicy(Every) };

    /// <summary>An escalation of vip-saves (budget <paramref name="budget"/>, digest every 30m), rolled in by the pipeline when
    /// <paramref name="digested"/>; its line names it.</summary>
    private NewEscalation DigestCase(string id, long inbox, bool digested, int budget = 25, bool recheck = true) =>
        Escalation(id, inbox, customer: "cus_" + id) with
        {
            Recheck = recheck ? new GuardrailRecheck(VipCart.Value, DigestingVipSaves(budget)) : null,
            Digest = new DigestFiling(digested, System.Text.Encoding.UTF8.GetBytes("{\"type\":\"section\",\"block_id\":\"rp_line_" + id + "\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"line " + id + "\"}}"),
                RetentionPlaybooks.Slack.DigestMessage.Head(DigestingVipSaves(budget)), Every,
                [RemindClock(id)]),
        };

    /// <summary>An escalation's reminder clock ("clock-" and its id) in vip-saves, due in an hour.</summary>
    private NewDelivery RemindClock(string escalation) =>
        new("clock-" + escalation, escalation, DeliveryKind.ThreadReply, "C07VIPSAVES", Body("remind"), Now + TimeSpan.FromHours(1), SlaClocks.Remind);

    private async Task<DeliveryItem?> ClaimDeliveryAsync(IStore store, string owner = A) =>
        await store.Deliveries.ClaimAsync(owner, Now, Now + Lease, CancellationToken.None);

    [Fact]
    public async Task Digested_FiledIntoOneDigestDueAnIntervalOn_NoPostOfItsOwn_TheDigestClaimedAsTheMessageOfItsLines()
    {
        var opened = Now;
        await EscalateAsync(Store, A, inbox => DigestCase("E1", inbox, digested: true));
        Time.Advance(TimeSpan.FromMinutes(10));
        var second = await EscalateAsync(Store, A, inbox => DigestCase("E2", inbox, digested: true));

        Assert.Equal(("escalated", "E2"), (second.Outcome, second.EscalationId));
        Assert.DoesNotContain(await Store.Deliveries.OfEscalationAsync("E1", CancellationToken.None), d => d.Kind == DeliveryKind.Post);
        Assert.Contains(await Store.Deliveries.OfEscalationAsync("E1", CancellationToken.None), d => d.Id == "clock-E1");
        // Nothing is due before the interval has passed since the digest opened.
        Assert.Equal(opened + Every, await Store.Deliveries.NextClaimAsync(CancellationToken.None) is { } next && next <= opened + Every ? await FirstDigestDueAsync() : null);
        Time.SetUtcNow(opened + Every - TimeSpan.FromMilliseconds(1));
        Assert.Null(await ClaimDeliveryAsync(Store));
        Time.SetUtcNow(opened + Every);
        var digest = await ClaimDeliveryAsync(Store);

        Assert.Equal(DeliveryKind.Digest, digest?.Kind);
        Assert.Equal(digest!.Id, digest.EscalationId);
        var message = System.Text.Json.Nodes.JsonNode.Parse(digest.Body)!;
        Assert.Equal("C07VIPSAVES", message["channel"]!.GetValue<string>());
        Assert.Equal("Digest: 2 escalations for vip-saves", message["text"]!.GetValue<string>());
        Assert.Equal(["rp_line_E1", "rp_line_E2"], message["blocks"]!.AsArray().Skip(2).Select(b => b!["block_id"]!.GetValue<string>()));
        Assert.Equal(digest.Id, message["metadata"]!["event_payload"]!["escalation_id"]!.GetValue<string>());
        Assert.Equal(1, await Store.Escalations.CountSinceAsync("C07VIPSAVES", null, opened, CancellationToken.None) - 1);
        Assert.Equal(0, await Store.Escalations.PostsSinceAsync("C07VIPSAVES", opened, CancellationToken.None));
    }

    private async Task<DateTimeOffset?> FirstDigestDueAsync() => await Store.Deliveries.NextClaimAsync(CancellationToken.None);

    [Fact]
    public async Task Digest_OnceTried_TakesNoMoreLines_TheNextOpensAnIntervalAfterIt_AndItsLandingPlaceIsItsCases()
    {
        await EscalateAsync(Store, A, inbox => DigestCase("E1", inbox, digested: true));
        Time.Advance(Every);
        var first = (await ClaimDeliveryAsync(Store))!;
        await EscalateAsync(Store, A, inbox => DigestCase("E2", inbox, digested: true));
        await Store.Deliveries.MarkSentAsync(A, first.Id, "C07VIPSAVES", "1700000000.000100", Now, Now + TimeSpan.FromSeconds(1), CancellationToken.None);

        var e1 = await Store.Actions.CaseAsync("E1", CancellationToken.None);
        var e2 = await Store.Actions.CaseAsync("E2", CancellationToken.None);
        Assert.Equal((first.Id, "C07VIPSAVES", "1700000000.000100"), (e1!.DigestId, e1.PostChannel, e1.PostTs));
        Assert.NotEqual(first.Id, e2!.DigestId);
        Assert.Null(e2.PostTs);
        Assert.Equal(Now + Every, await Store.Deliveries.NextClaimAsync(CancellationToken.None));
        // The case's reminder goes into the digest's thread.
        var clock = (await Store.Deliveries.OfEscalationAsync("E1", CancellationToken.None)).Single(d => d.Id == "clock-E1");
        Assert.Equal(("C07VIPSAVES", "1700000000.000100"), (clock.PostChannel, clock.PostTs));
    }

    [Fact]
    public async Task Digest_GivenBackAfterARateLimit_TakesLinesAgain_ButNotOnceItMayHaveBeenPosted()
    {
        await EscalateAsync(Store, A, inbox => DigestCase("E1", inbox, digested: true));
        Time.Advance(Every);
        var digest = (await ClaimDeliveryAsync(Store))!;
        // Slack answered 429: nothing was posted, the attempt is given back; the digest is open again.
        await Store.Deliveries.MarkRetryAsync(A, digest.Id, Now + TimeSpan.FromSeconds(30), "ratelimited", countAttempt: false, inDoubt: false, Now + TimeSpan.FromSeconds(30), CancellationToken.None);
        await EscalateAsync(Store, A, inbox => DigestCase("E2", inbox, digested: true));
        Time.Advance(TimeSpan.FromMinutes(1));
        var again = (await ClaimDeliveryAsync(Store))!;
        // A lookup that could not tell whether it was posted: the attempt given back, but in doubt. Lines filed now must not join
        // it: if the lookup finds the earlier post, they would be marked posted without ever being shown.
        await Store.Deliveries.MarkRetryAsync(A, again.Id, Now + TimeSpan.FromSeconds(30), "lookup failed", countAttempt: false, inDoubt: true, Now + TimeSpan.FromSeconds(30), CancellationToken.None);
        await EscalateAsync(Store, A, inbox => DigestCase("E3", inbox, digested: true));

        Assert.Equal(digest.Id, again.Id);
        Assert.Equal(digest.Id, (await Store.Actions.CaseAsync("E2", CancellationToken.None))!.DigestId);
        Assert.Equal("Digest: 2 escalations for vip-saves", System.Text.Json.Nodes.JsonNode.Parse(again.Body)!["text"]!.GetValue<string>());
        Assert.NotEqual(digest.Id, (await Store.Actions.CaseAsync("E3", CancellationToken.None))!.DigestId);
    }

    [Fact]
    public async Task Digest_TwoHostsFilingAtOnce_FileIntoOneDigest()
    {
        var other = await AnotherAsync();
        await AcceptAsync(Store, 30, "digest");
        var mine = await ClaimAsync(Store, A, 15);
        var theirs = await ClaimAsync(other, B, 15);
        var work = mine.Select(r => (Store: Store, Owner: A, r.Id)).Concat(theirs.Select(r => (Store: other, Owner: B, r.Id)))
            .Select((w, i) => Task.Run(() => w.Store.Inbox.CompleteAsync(w.Owner, [Escalated(w.Id, DigestCase($"E{i:00}", w.Id, digested: true, recheck: false))], Now, CancellationToken.None)));

        Assert.All(await Task.WhenAll(work), completed => Assert.Equal(1, completed));

        var digests = new HashSet<string?>();
        for (var i = 0; i < 30; i++) digests.Add((await Store.Actions.CaseAsync($"E{i:00}", CancellationToken.None))!.DigestId);
        Assert.Single(digests);
        Assert.NotNull(digests.Single());
    }

    [Fact]
    public async Task Digest_Full_TheNextLineOpensAnotherDueAtTheSameTime()
    {
        var opened = Now;
        for (var i = 0; i < RetentionPlaybooks.Workspace.DigestPolicy.MaxLines + 1; i++)
        {
            var id = $"E{i:00}";
            // Rolled in by the pipeline, no recheck (the playbook's daily cap of 8 would hold the ninth back).
            await EscalateAsync(Store, A, inbox => DigestCase(id, inbox, digested: true, recheck: false));
            Time.Advance(TimeSpan.FromSeconds(10));
        }

        var first = await Store.Actions.CaseAsync("E00", CancellationToken.None);
        var last = await Store.Actions.CaseAsync($"E{RetentionPlaybooks.Workspace.DigestPolicy.MaxLines:00}", CancellationToken.None);
        var beforeLast = await Store.Actions.CaseAsync($"E{RetentionPlaybooks.Workspace.DigestPolicy.MaxLines - 1:00}", CancellationToken.None);
        Assert.Equal(first!.DigestId, beforeLast!.DigestId);
        Assert.NotEqual(first.DigestId, last!.DigestId);
        Assert.Equal((opened + Every, opened + Every), ((await Store.Deliveries.GetAsync(first.DigestId!, CancellationToken.None))!.DueAt, (await Store.Deliveries.GetAsync(last.DigestId!, CancellationToken.None))!.DueAt));
        Time.SetUtcNow(opened + Every);
        var claimed = (await ClaimDeliveryAsync(Store))!;
        Assert.Equal(first.DigestId, claimed.Id);
        Assert.Equal($"Digest: {RetentionPlaybooks.Workspace.DigestPolicy.MaxLines} escalations for vip-saves", System.Text.Json.Nodes.JsonNode.Parse(claimed.Body)!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recheck_BudgetSpentByAnotherHostMeanwhile_RollsTheEscalationIntoTheDigest_AndItsDecisionSaysSo()
    {
        var other = await AnotherAsync();
        await EscalateAsync(other, B, inbox => DigestCase("E1", inbox, digested: false, budget: 1));

        var decision = await EscalateAsync(Store, A, inbox => DigestCase("E2", inbox, digested: false, budget: 1));

        Assert.Equal(("digested", "E2"), (decision.Outcome, decision.EscalationId));
        Assert.Equal("channel budget: 1 message(s) to vip-saves in the last 24 h (daily_budget 1); rolled into the digest (every 30m)", decision.Reason);
        Assert.NotNull((await Store.Actions.CaseAsync("E2", CancellationToken.None))!.DigestId);
        Assert.DoesNotContain(await Store.Deliveries.OfEscalationAsync("E2", CancellationToken.None), d => d.Kind == DeliveryKind.Post);
        Assert.Null((await Store.Actions.CaseAsync("E1", CancellationToken.None))!.DigestId);
    }

    /// <summary>One signal escalated by two playbooks, both rolled into the digest by the recheck: each decision says so.</summary>
    [Fact]
    public async Task Recheck_TwoEscalationsOfOneSignalBothRolledIntoTheDigest_BothDecisionsSaySo()
    {
        var other = await AnotherAsync();
        await EscalateAsync(other, B, inbox => DigestCase("E0", inbox, digested: false, budget: 1));

        var id = await CompleteAsync(Store, A, inbox =>
        {
            NewEscalation[] both = [DigestCase("E1", inbox, digested: false, budget: 1), DigestCase("E2", inbox, digested: false, budget: 1) with { Playbook = "vip-cart-second-look" }];
            return new ProcessingResult(inbox, [.. both.Select(e => new DecisionRecord(inbox, e.Playbook, "escalated", "escalated", e.Channel, e.Id))], both, []);
        });

        var decisions = await Store.Decisions.DecisionsAsync(id, CancellationToken.None);
        Assert.Equal([("digested", "E1"), ("digested", "E2")], decisions.Select(d => (d.Outcome, d.EscalationId)).Order());
    }

    [Fact]
    public async Task Recheck_BudgetSpentMeanwhile_WithoutADigestFiling_HoldsTheEscalationBack()
    {
        var other = await AnotherAsync();
        await EscalateAsync(other, B, inbox => DigestCase("E1", inbox, digested: false, budget: 1));

        // The channel declares a digest in the recheck, but the escalation came without its filing (its line): held back, as
        // on a channel without a digest — never filed into a digest it has no line for.
        var decision = await EscalateAsync(Store, A, inbox => DigestCase("E2", inbox, digested: false, budget: 1) with { Digest = null });

        Assert.Equal(("suppressed", null), (decision.Outcome, decision.EscalationId));
        Assert.StartsWith("channel budget: 1 message(s) to vip-saves", decision.Reason, StringComparison.Ordinal);
        Assert.Null(await Store.Actions.CaseAsync("E2", CancellationToken.None));
    }

    [Fact]
    public async Task Digest_Dead_FreesItsCasesGuardrails_AndCancelsTheirClocks()
    {
        await EscalateAsync(Store, A, inbox => DigestCase("E1", inbox, digested: true));
        Time.Advance(Every);
        var digest = (await ClaimDeliveryAsync(Store))!;

        await Store.Deliveries.MarkDeadAsync(A, digest.Id, "channel_not_found", Now, Now, CancellationToken.None);

        Assert.Null(await Store.Escalations.LastEscalationAsync("vip-cart-abandonment", "cus_E1", CancellationToken.None));
        var clock = (await Store.Deliveries.GetAsync("clock-E1", CancellationToken.None))!;
        Assert.Equal((DeliveryState.Cancelled, "the digest holding the escalation was never posted"), (clock.State, clock.LastError));
    }

    [Fact]
    public async Task Post_Dead_FreesItsGuardrails_CancelsItsClocks_NotAnotherCases_AndGivesTheChannelBack()
    {
        await EscalateAsync(Store, A, inbox => Escalation("E1", inbox, customer: "cus_E1") with { Clocks = [RemindClock("E1")] });
        await EscalateAsync(Store, A, inbox => Escalation("E2", inbox, customer: "cus_E2") with { Clocks = [RemindClock("E2")] });
        var post = (await ClaimDeliveryAsync(Store))!;
        Assert.Equal("E1", post.EscalationId);

        await Store.Deliveries.MarkDeadAsync(A, post.Id, "channel_not_found", Now, Now + TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Null(await Store.Escalations.LastEscalationAsync("vip-cart-abandonment", "cus_E1", CancellationToken.None));
        var clock = (await Store.Deliveries.GetAsync("clock-E1", CancellationToken.None))!;
        Assert.Equal((DeliveryState.Cancelled, "the escalation's message was never posted"), (clock.State, clock.LastError));
        Assert.Equal(DeliveryState.Pending, (await Store.Deliveries.GetAsync("clock-E2", CancellationToken.None))!.State);
        Assert.NotNull(await Store.Escalations.LastEscalationAsync("vip-cart-abandonment", "cus_E2", CancellationToken.None));
        // The channel is given back, free one interval on, to any host: not held until the dead attempt's lease runs out.
        Assert.Null(await Store.Deliveries.ClaimAsync(B, Now + TimeSpan.FromMilliseconds(999), Now + Lease, CancellationToken.None));
        Assert.Equal("E2", (await Store.Deliveries.ClaimAsync(B, Now + TimeSpan.FromSeconds(1), Now + Lease, CancellationToken.None))?.EscalationId);
    }

    [Fact]
    public async Task Digested_Replayed_InsertsNothingTwice_AndLeavesNoEmptyDigest()
    {
        var id = (await Store.Inbox.AcceptAsync([Item("replayed")], CancellationToken.None)).Ids.Single();
        await ClaimAsync(Store, A);
        var result = Escalated(id, DigestCase("E1", id, digested: true));
        Assert.Equal(1, await Store.Inbox.CompleteAsync(A, [result], Now, CancellationToken.None));
        Time.Advance(Every);
        var digest = (await ClaimDeliveryAsync(Store))!;
        await Store.Deliveries.MarkSentAsync(A, digest.Id, "C07VIPSAVES", "1.1", Now, Now, CancellationToken.None);

        // The same result again (a host that completed it, lost the answer, and was given the record back): the escalation
        // exists, so nothing is inserted — and the digest that would have been opened for it is not left behind empty.
        // (Without a recheck, which would hold it back by the cooldown before any insert.)
        Time.Advance(TimeSpan.FromMinutes(5));
        var again = await Store.Inbox.AcceptAsync([Item("replayed-2")], CancellationToken.None);
        await ClaimAsync(Store, A);
        await Store.Inbox.CompleteAsync(A, [Escalated(again.Ids.Single(), DigestCase("E1", id, digested: true, recheck: false))], Now, CancellationToken.None);

        // Only the case's reminder waits (due an hour after it was raised); no digest due an interval from now.
        Time.Advance(TimeSpan.FromHours(2));
        var left = new List<DeliveryItem>();
        while (await ClaimDeliveryAsync(Store) is { } item)
        {
            left.Add(item);
            await Store.Deliveries.MarkSentAsync(A, item.Id, "C07VIPSAVES", "2.2", Now, Now, CancellationToken.None);
        }
        Assert.Equal(["clock-E1"], left.Select(d => d.Id));
    }

    // ---- Inbox ---------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Accept_StoresEachDeliveryOnce_ARedeliveryIsADuplicate_PerSource()
    {
        var first = await Store.Inbox.AcceptAsync([Item("a"), Item("b")], CancellationToken.None);
        var again = await Store.Inbox.AcceptAsync([Item("a"), Item("c"), Item("a", SignalSource.Reporting)], CancellationToken.None);

        Assert.Equal((2, 0), (first.Accepted, first.Duplicates));
        Assert.Equal((2, 1), (again.Accepted, again.Duplicates));
        Assert.Equal(4, first.Ids.Concat(again.Ids).Distinct().Count());
        Assert.Equal((first.Ids[0], false), await Store.Inbox.FindAsync(SignalSource.Journey, "a", CancellationToken.None));
        Assert.Null(await Store.Inbox.FindAsync(SignalSource.Pipelines, "a", CancellationToken.None));
    }

    [Fact]
    public async Task Claim_GivesRecordsInArrivalOrder_UpToTheLimit_WithTheirPayloadAndTime()
    {
        var ids = await AcceptAsync(Store, 5);

        var first = await ClaimAsync(Store, A, limit: 3);
        var rest = await ClaimAsync(Store, B, limit: 3);

        Assert.Equal(ids.Take(3), first.Select(r => r.Id));
        Assert.Equal(ids.Skip(3), rest.Select(r => r.Id));
        Assert.Equal("{\"k\":\"d-0\"}", System.Text.Encoding.UTF8.GetString(first[0].Payload));
        Assert.Equal((SignalSource.Journey, "d-0", HostApp.Start), (first[0].Source, first[0].DeliveryKey, first[0].ReceivedAt));
    }

    [Fact]
    public async Task Claim_ARecordHeldByAnother_IsNotGiven_UntilTheLeaseHasExpired_ThenItIsTakenOver()
    {
        var ids = await AcceptAsync(Store, 2);
        Assert.Equal(2, (await ClaimAsync(Store, A)).Count);

        Time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        var early = await ClaimAsync(Store, B);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var expired = await ClaimAsync(Store, B);

        Assert.Empty(early);
        Assert.Equal(ids, expired.Select(r => r.Id));
    }

    [Fact]
    public async Task Claim_TheOwnersOwnUnfinishedRecords_AreGivenBackToIt_AtOnce()
    {
        var ids = await AcceptAsync(Store, 2);
        await ClaimAsync(Store, A);

        var again = await ClaimAsync(Store, A);

        Assert.Equal(ids, again.Select(r => r.Id));
    }

    [Fact]
    public async Task Complete_WritesDecisionsEscalationItsPostAndAttributes_AndTheRecordIsNotClaimedAgain()
    {
        var id = (await AcceptAsync(Store, 1)).Single();
        await ClaimAsync(Store, A);
        var e = Escalation("01E", id);
        var result = Escalated(id, e) with { Attributes = [("cus_1", "{\"plan\":\"gold\"}")] };

        Assert.Equal(1, await Store.Inbox.CompleteAsync(A, [result], Now, CancellationToken.None));

        Assert.Equal("escalated", Assert.Single(await Store.Decisions.DecisionsAsync(id, CancellationToken.None)).Outcome);
        var post = Assert.Single(await Store.Deliveries.OfEscalationAsync("01E", CancellationToken.None));
        Assert.Equal((DeliveryKind.Post, DeliveryState.Pending, "C07VIPSAVES", 0), (post.Kind, post.State, post.Target, post.Attempts));
        Assert.Equal("{\"text\":\"01E\"}", System.Text.Encoding.UTF8.GetString(post.Body));
        Assert.Equal("{\"plan\":\"gold\"}", await Store.Attributes.LastSeenAttributesAsync("cus_1", CancellationToken.None));
        Assert.Equal(Now, await Store.Escalations.LastEscalationAsync("vip-cart-abandonment", "cus_1", CancellationToken.None));
        Assert.Equal((id, true), await Store.Inbox.FindAsync(SignalSource.Journey, "d-0", CancellationToken.None));
        Time.Advance(Lease);
        Assert.Empty(await ClaimAsync(Store, B));
    }

    [Fact]
    public async Task Complete_ByAHostWhoseLeaseWasTakenOver_WritesNothing_TheNewHoldersResultsCount()
    {
        var id = (await AcceptAsync(Store, 1)).Single();
        await ClaimAsync(Store, A);
        Time.Advance(Lease);
        await ClaimAsync(Store, B);

        var late = await Store.Inbox.CompleteAsync(A, [Escalated(id, Escalation("01LATE", id))], Now, CancellationToken.None);
        var holder = await Store.Inbox.CompleteAsync(B, [Escalated(id, Escalation("01HOLDER", id))], Now, CancellationToken.None);
        var twice = await Store.Inbox.CompleteAsync(B, [Escalated(id, Escalation("01TWICE", id))], Now, CancellationToken.None);

        Assert.Equal((0, 1, 0), (late, holder, twice));
        Assert.Equal("01HOLDER", Assert.Single(await Store.Decisions.DecisionsAsync(id, CancellationToken.None)).EscalationId);
        Assert.Empty(await Store.Deliveries.OfEscalationAsync("01LATE", CancellationToken.None));
        Assert.Single(await Store.Deliveries.OfEscalationAsync("01HOLDER", CancellationToken.None));
    }

    [Fact]
    public async Task Complete_Quarantined_IsListedWithItsReason_AndCountsAsProcessed()
    {
        var id = (await AcceptAsync(Store, 1)).Single();
        await ClaimAsync(Store, A);
        Time.Advance(TimeSpan.FromSeconds(3));

        await Store.Inbox.CompleteAsync(A, [ProcessingResult.Quarantined(id, "FormatException in X.Y while reading")], Now, CancellationToken.None);

        var record = Assert.Single(await Store.Inbox.QuarantinedAsync(10, CancellationToken.None));
        Assert.Equal((id, "d-0", "FormatException in X.Y while reading", HostApp.Start, Now), (record.InboxId, record.DeliveryKey, record.Reason, record.ReceivedAt, record.QuarantinedAt));
        Assert.Equal((id, true), await Store.Inbox.FindAsync(SignalSource.Journey, "d-0", CancellationToken.None));
    }

    [Fact]
    public async Task Scrub_BlanksOnlyBodiesProcessedBeforeTheCutoff()
    {
        var ids = await AcceptAsync(Store, 3);
        await ClaimAsync(Store, A);
        await Store.Inbox.CompleteAsync(A, [new ProcessingResult(ids[0], [], [], [])], Now, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(10));
        await Store.Inbox.CompleteAsync(A, [new ProcessingResult(ids[1], [], [], [])], Now, CancellationToken.None);

        Assert.Equal(1, await Store.Inbox.ScrubPayloadsAsync(Now, CancellationToken.None));
        Assert.Equal(0, await Store.Inbox.ScrubPayloadsAsync(Now, CancellationToken.None));
        Assert.Equal(1, await Store.Inbox.ScrubPayloadsAsync(Now + TimeSpan.FromMilliseconds(1), CancellationToken.None));
        // The unprocessed one keeps its body: it is still to be processed.
        Time.Advance(Lease);
        Assert.Equal("{\"k\":\"d-2\"}", System.Text.Encoding.UTF8.GetString(Assert.Single(await ClaimAsync(Store, A)).Payload));
    }

    // ---- Escalations and guardrails --------------------------------------------------------------------------------------

    [Fact]
    public async Task History_CountsByTargetAndPlaybook_FromTheWindowsStartInclusive()
    {
        await EscalateAsync(Store, A, id => Escalation("01A", id, customer: "c1", at: HostApp.Start));
        await EscalateAsync(Store, A, id => Escalation("01B", id, customer: "c2", at: HostApp.Start.AddHours(1)));
        await EscalateAsync(Store, A, id => Escalation("01C", id, customer: "c3", target: "C07OTHER", at: HostApp.Start.AddHours(1)));

        Assert.Equal(2, await Store.Escalations.CountSinceAsync("C07VIPSAVES", null, HostApp.Start, CancellationToken.None));
        Assert.Equal(1, await Store.Escalations.CountSinceAsync("C07VIPSAVES", null, HostApp.Start.AddMilliseconds(1), CancellationToken.None));
        Assert.Equal(2, await Store.Escalations.CountSinceAsync("C07VIPSAVES", "vip-cart-abandonment", HostApp.Start, CancellationToken.None));
        Assert.Equal(0, await Store.Escalations.CountSinceAsync("C07VIPSAVES", "other-playbook", HostApp.Start, CancellationToken.None));
        Assert.True(await Store.Escalations.DedupeKeyUsedAsync("vip-cart-abandonment", "k", CancellationToken.None) is false);
        Assert.Null(await Store.Escalations.LastEscalationAsync("vip-cart-abandonment", "nobody", CancellationToken.None));
    }

    [Fact]
    public async Task Insert_ADedupeKeyAlreadyEscalated_IsRefusedByTheStore_AndRecordedAsSuppressed()
    {
        var first = await EscalateAsync(Store, A, id => Escalation("01FIRST", id, customer: "c1", dedupe: "cart-1"));
        var second = await EscalateAsync(Store, A, id => Escalation("01SECOND", id, customer: "c2", dedupe: "cart-1"));
        var other = await EscalateAsync(Store, A, id => Escalation("01OTHER", id, customer: "c3", dedupe: "cart-2"));

        Assert.Equal(("escalated", "01FIRST"), (first.Outcome, first.EscalationId));
        Assert.Equal(("suppressed", null, "duplicate: dedupe key \"cart-1\" already escalated"), (second.Outcome, second.EscalationId, second.Reason));
        Assert.Empty(await Store.Deliveries.OfEscalationAsync("01SECOND", CancellationToken.None));
        Assert.Equal("escalated", other.Outcome);
        Assert.True(await Store.Escalations.DedupeKeyUsedAsync("vip-cart-abandonment", "cart-1", CancellationToken.None));
    }

    /// <summary>An empty dedupe key (its template rendered nothing) is no key: it never suppresses another escalation.</summary>
    [Fact]
    public async Task Insert_AnEmptyDedupeKey_IsNoKey()
    {
        var first = await EscalateAsync(Store, A, id => Escalation("01FIRST", id, customer: "c1", dedupe: ""));
        var second = await EscalateAsync(Store, A, id => Escalation("01SECOND", id, customer: "c2", dedupe: ""));

        Assert.Equal([("escalated", "01FIRST"), ("escalated", "01SECOND")], new[] { (first.Outcome, first.EscalationId), (second.Outcome, second.EscalationId) });
    }

    [Fact]
    public async Task Insert_WithRecheck_CooldownPassedMeanwhile_IsSuppressedWithTheCooldownsReason()
    {
        await EscalateAsync(Store, A, id => Escalation("01FIRST", id, customer: "cus_same", recheck: true));
        Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMilliseconds(1));
        var within = await EscalateAsync(Store, A, id => Escalation("01WITHIN", id, customer: "cus_same", recheck: true));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var after = await EscalateAsync(Store, A, id => Escalation("01AFTER", id, customer: "cus_same", recheck: true));

        Assert.Equal("suppressed", within.Outcome);
        Assert.StartsWith("cooldown: this customer was escalated", within.Reason, StringComparison.Ordinal);
        Assert.Equal("escalated", after.Outcome);
    }

    [Fact]
    public async Task Insert_WithRecheck_TheDailyCapReachedMeanwhile_IsSuppressed_AndFreesAfter24Hours()
    {
        var cap = VipCart.Value.Guardrails.DailyCap!.Value;
        var target = VipSaves.SlackTarget;
        for (var i = 0; i < cap; i++)
        {
            var n = i;
            var d = await EscalateAsync(Store, A, id => Escalation($"01CAP{n}", id, customer: $"c{n}", target: target, recheck: true));
            Assert.True(d.Outcome == "escalated", $"{n}: {d.Reason}");
        }

        var over = await EscalateAsync(Store, A, id => Escalation("01OVER", id, customer: "c-over", target: target, recheck: true));
        Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMilliseconds(1));
        var nextDay = await EscalateAsync(Store, A, id => Escalation("01NEXT", id, customer: "c-next", target: target, recheck: true));

        Assert.Equal("suppressed", over.Outcome);
        Assert.StartsWith($"daily cap: {cap} escalation(s) to", over.Reason, StringComparison.Ordinal);
        Assert.Empty(await Store.Deliveries.OfEscalationAsync("01OVER", CancellationToken.None));
        Assert.Equal("escalated", nextDay.Outcome);
    }

    // ---- Open cases (inhibit rules) -------------------------------------------------------------------------------------

    private static readonly Lazy<CompiledPlaybook> Winback = new(() =>
        PlaybookCompiler.CompileDirectory(RepoPaths.Playbooks).Playbooks.Single(p => p.Id == "winback-exclusions"));

    private NewEscalation CaseOf(string playbook, string id, long inbox, string customer, DateTimeOffset at, bool recheck = false) =>
        new(id, inbox, playbook, customer, "any", $"C-{playbook}", null, Body(id), Now, at,
            recheck ? new GuardrailRecheck(Winback.Value, Winback.Value.Channels.Single()) : null);

    private Task<OpenCase?> OpenCaseAsync(IStore store, string customer, DateTimeOffset since, params string[] playbooks) =>
        store.Escalations.OpenCaseAsync(playbooks, customer, since, CancellationToken.None).AsTask();

    /// <summary>Marks the case's outcome (or acknowledges it) as a click applied by the action worker would.</summary>
    private async Task MarkAsync(string escalationId, RetentionPlaybooks.Host.Interactivity.CaseAction action)
    {
        var accepted = await Store.Actions.AcceptAsync([new RetentionPlaybooks.Host.Interactivity.BlockAction("T1", "U1", action, escalationId, action == RetentionPlaybooks.Host.Interactivity.CaseAction.Lost ? "price" : null, $"{Now.ToUnixTimeSeconds()}.{action}", null)], CancellationToken.None);
        Assert.Equal(RetentionPlaybooks.Host.Storage.CaseResult.Applied, (await Store.Actions.ApplyAsync(accepted.Ids.Single(), Now, _ => null, _ => [], CancellationToken.None))!.Result);
    }

    [Fact]
    public async Task OpenCase_IsTheCustomersLatestCaseInThePlaybooks_FromSinceOn_EdgeIncluded()
    {
        var t = Now;
        await EscalateAsync(Store, A, id => CaseOf("cancel-save", "01OLDER", id, "cus_1", t - TimeSpan.FromHours(1)));
        await EscalateAsync(Store, A, id => CaseOf("vip-cart", "01LATEST", id, "cus_1", t));
        await EscalateAsync(Store, A, id => CaseOf("winback", "01NOTLISTED", id, "cus_1", t + TimeSpan.FromHours(1)));
        await EscalateAsync(Store, A, id => CaseOf("cancel-save", "01OTHERCUST", id, "cus_2", t + TimeSpan.FromHours(1)));

        Assert.Equal(new OpenCase("01LATEST", "vip-cart", t), await OpenCaseAsync(Store, "cus_1", t - TimeSpan.FromDays(1), "cancel-save", "vip-cart"));
        Assert.Equal(new OpenCase("01OLDER", "cancel-save", t - TimeSpan.FromHours(1)), await OpenCaseAsync(Store, "cus_1", t - TimeSpan.FromHours(1), "cancel-save"));
        Assert.Null(await OpenCaseAsync(Store, "cus_1", t - TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(1), "cancel-save"));
        Assert.Null(await OpenCaseAsync(Store, "cus_3", t - TimeSpan.FromDays(1), "cancel-save", "vip-cart"));
        Assert.Null(await OpenCaseAsync(Store, "cus_1", t - TimeSpan.FromDays(1)));
        // Another instance on the same database answers alike.
        Assert.Equal("01LATEST", (await OpenCaseAsync(await AnotherAsync(), "cus_1", t - TimeSpan.FromDays(1), "cancel-save", "vip-cart"))?.EscalationId);
    }

    [Fact]
    public async Task OpenCase_AcknowledgedIsStillOpen_AnOutcomeOrADeadPostCloses()
    {
        var t = Now;
        await EscalateAsync(Store, A, id => CaseOf("cancel-save", "01DEAD", id, "cus_dead", t));
        var post = await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);
        await Store.Deliveries.MarkDeadAsync(A, post!.Id, "channel_not_found", Now, Now, CancellationToken.None);
        await EscalateAsync(Store, A, id => CaseOf("cancel-save", "01ACKED", id, "cus_ack", t));
        await EscalateAsync(Store, A, id => CaseOf("cancel-save", "01SAVED", id, "cus_saved", t));
        await EscalateAsync(Store, A, id => CaseOf("cancel-save", "01LOST", id, "cus_lost", t));
        await MarkAsync("01ACKED", RetentionPlaybooks.Host.Interactivity.CaseAction.Acknowledge);
        await MarkAsync("01SAVED", RetentionPlaybooks.Host.Interactivity.CaseAction.Saved);
        await MarkAsync("01LOST", RetentionPlaybooks.Host.Interactivity.CaseAction.Lost);

        Assert.Equal("01ACKED", (await OpenCaseAsync(Store, "cus_ack", t, "cancel-save"))?.EscalationId);
        Assert.Null(await OpenCaseAsync(Store, "cus_saved", t, "cancel-save"));
        Assert.Null(await OpenCaseAsync(Store, "cus_lost", t, "cancel-save"));
        Assert.Null(await OpenCaseAsync(Store, "cus_dead", t, "cancel-save"));
    }

    [Fact]
    public async Task Insert_WithRecheck_ACaseAnotherHostOpenedMeanwhile_Inhibits_AndNothingIsQueued()
    {
        var other = await AnotherAsync();
        // Host B's pipeline judged the winback audit before host A committed the cancel-save case; A commits first.
        var b = await other.Inbox.AcceptAsync([Item("winback")], CancellationToken.None);
        await ClaimAsync(other, B);
        await EscalateAsync(Store, A, id => CaseOf("subscription-cancel-save", "01CANCEL", id, "cus_same", Now - TimeSpan.FromHours(2)));

        await other.Inbox.CompleteAsync(B, [Escalated(b.Ids[0], CaseOf("winback-exclusions", "01WINBACK", b.Ids[0], "cus_same", Now, recheck: true))], Now, CancellationToken.None);
        var decision = (await Store.Decisions.DecisionsAsync(b.Ids[0], CancellationToken.None)).Single();
        var stillOpen = await EscalateAsync(Store, A, id => CaseOf("winback-exclusions", "01OTHER", id, "cus_other", Now, recheck: true));

        Assert.Equal(("inhibited", "inhibited: case 01CANCEL of subscription-cancel-save is open (escalated 2 h ago)", null), (decision.Outcome, decision.Reason, decision.EscalationId));
        Assert.Empty(await Store.Deliveries.OfEscalationAsync("01WINBACK", CancellationToken.None));
        Assert.Null(await Store.Actions.CaseAsync("01WINBACK", CancellationToken.None));
        Assert.Equal("escalated", stillOpen.Outcome);
    }

    [Fact]
    public async Task DeadPost_FreesTheEscalationsGuardrails()
    {
        await EscalateAsync(Store, A, id => Escalation("01DEAD", id, dedupe: "cart-1"));
        var post = await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);
        await Store.Deliveries.MarkDeadAsync(A, post!.Id, "channel_not_found", Now, Now, CancellationToken.None);

        Assert.False(await Store.Escalations.DedupeKeyUsedAsync("vip-cart-abandonment", "cart-1", CancellationToken.None));
        Assert.Null(await Store.Escalations.LastEscalationAsync("vip-cart-abandonment", "cus_1", CancellationToken.None));
        Assert.Equal(0, await Store.Escalations.CountSinceAsync("C07VIPSAVES", null, HostApp.Start, CancellationToken.None));
        Assert.Equal("escalated", (await EscalateAsync(Store, A, id => Escalation("01AGAIN", id, dedupe: "cart-1"))).Outcome);
        var dead = Assert.Single(await Store.Deliveries.DeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(("01DEAD", DeliveryKind.Post, "channel_not_found", "vip-cart-abandonment"), (dead.EscalationId, dead.Kind, dead.LastError, dead.Playbook));
    }

    // ---- Deliveries ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task ClaimDelivery_MarksSending_CountsTheAttempt_AndHoldsItsDestinationUntilTheAttemptEnds_OthersStayFree()
    {
        await EscalateAsync(Store, A, id => Escalation("01A", id, customer: "c1"));
        await EscalateAsync(Store, A, id => Escalation("01B", id, customer: "c2"));
        await EscalateAsync(Store, A, id => Escalation("01C", id, customer: "c3", target: "C07OTHER"));

        var first = await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);
        var other = await Store.Deliveries.ClaimAsync(B, Now, Now + Lease, CancellationToken.None);
        var none = await Store.Deliveries.ClaimAsync("host-c", Now, Now + Lease, CancellationToken.None);

        Assert.Equal(("01A", DeliveryState.Sending, 1, false), (first!.Id, first.State, first.Attempts, first.InDoubt));
        Assert.Equal("01C", other!.Id);
        Assert.Null(none);
        await Store.Deliveries.MarkSentAsync(B, "01C", "C07OTHER", "1", Now, Now, CancellationToken.None);
        // However long A's send takes, its channel stays held: a slow send never lets a second post overtake it.
        Assert.Equal(Now + Lease, await Store.Deliveries.DestinationFreeAtAsync("C07VIPSAVES", CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(await Store.Deliveries.ClaimAsync(B, Now, Now + Lease, CancellationToken.None));
        var free = Now + TimeSpan.FromSeconds(1);
        await Store.Deliveries.MarkSentAsync(A, "01A", "C07VIPSAVES", "1", Now, free, CancellationToken.None);
        Assert.Equal(free, await Store.Deliveries.DestinationFreeAtAsync("C07VIPSAVES", CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        Assert.Null(await Store.Deliveries.ClaimAsync(B, Now, Now + Lease, CancellationToken.None));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("01B", (await Store.Deliveries.ClaimAsync(B, Now, Now + Lease, CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task ADestinationHeldByAHostThatDied_IsFreeWhenItsLeaseEnds_AndAtOnceForThatHostRestarting()
    {
        await EscalateAsync(Store, A, id => Escalation("01A", id, customer: "c1"));
        await EscalateAsync(Store, A, id => Escalation("01B", id, customer: "c2"));
        await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);   // A dies here

        var byA = await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);   // A restarting
        await Store.Deliveries.MarkSentAsync(A, byA!.Id, "C07VIPSAVES", "1", Now, Now, CancellationToken.None);
        await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);   // A dies again, holding 01B's channel
        Time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        var early = await Store.Deliveries.ClaimAsync(B, Now, Now + Lease, CancellationToken.None);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var byB = await Store.Deliveries.ClaimAsync(B, Now, Now + Lease, CancellationToken.None);
        // The old holder's late mark neither completes the delivery nor frees the channel B holds now.
        await Store.Deliveries.MarkRetryAsync(A, "01B", Now, "late", countAttempt: true, inDoubt: false, Now, CancellationToken.None);

        Assert.Equal(("01A", true), (byA.Id, byA.InDoubt));
        Assert.Null(early);
        Assert.Equal(("01B", true), (byB!.Id, byB.InDoubt));
        Assert.Equal(DeliveryState.Sending, (await Store.Deliveries.GetAsync("01B", CancellationToken.None))!.State);
        Assert.Equal(Now + Lease, await Store.Deliveries.DestinationFreeAtAsync("C07VIPSAVES", CancellationToken.None));
    }

    /// <summary>Issue #11's graceful stop: what a stopping host holds is given back in one go, and another host takes it at
    /// once — not after the lease — with a send that may have landed looked up first.</summary>
    [Fact]
    public async Task Release_GivesBackWhatTheOwnerHolds_AnotherHostTakesItAtOnce_ASendInFlightInDoubt_OthersUntouched()
    {
        await EscalateAsync(Store, A, id => Escalation("01A", id, customer: "c1"));
        await EscalateAsync(Store, A, id => Escalation("01B", id, customer: "c2", target: "C07OTHER"));
        var ids = await AcceptAsync(Store, 4, "rel");
        var heldByA = await Store.Inbox.ClaimAsync(A, 2, Now, Now + Lease, CancellationToken.None);
        var heldByC = await Store.Inbox.ClaimAsync("host-c", 1, Now, Now + Lease, CancellationToken.None);
        var sending = await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);   // 01A, its channel held
        var byC = await Store.Deliveries.ClaimAsync("host-c", Now, Now + Lease, CancellationToken.None);   // 01B, held by another
        var interval = TimeSpan.FromSeconds(1);

        var released = await Store.Leases.ReleaseAsync(A, Now, Now + interval, CancellationToken.None);
        var again = await Store.Leases.ReleaseAsync(A, Now, Now + interval, CancellationToken.None);
        var takenByB = await Store.Inbox.ClaimAsync(B, 1000, Now, Now + Lease, CancellationToken.None);
        var early = await Store.Deliveries.ClaimAsync(B, Now + interval - TimeSpan.FromMilliseconds(1), Now + Lease, CancellationToken.None);
        var deliveryForB = await Store.Deliveries.ClaimAsync(B, Now + interval, Now + Lease, CancellationToken.None);

        Assert.Equal(new LeasesReleased(2, 1, 1), released);
        Assert.Equal(new LeasesReleased(0, 0, 0), again);
        Assert.Equal(2, heldByA.Count);
        // A's two records and the one nobody held; host-c's record stays with host-c until its lease ends.
        Assert.Equal(ids.Except(heldByC.Select(r => r.Id)).Order(), takenByB.Select(r => r.Id).Order());
        Assert.Equal("01A", sending!.Id);
        Assert.Null(early);
        Assert.Equal(("01A", true, 2), (deliveryForB!.Id, deliveryForB.InDoubt, deliveryForB.Attempts));
        Assert.Equal(("01B", DeliveryState.Sending), (byC!.Id, (await Store.Deliveries.GetAsync("01B", CancellationToken.None))!.State));
        Assert.Equal(Now + Lease, await Store.Deliveries.DestinationFreeAtAsync("C07OTHER", CancellationToken.None));
    }

    [Fact]
    public async Task ClaimDelivery_LeftSendingByAnother_IsTakenOverInDoubt_OnlyOnceItsLeaseHasExpired()
    {
        await EscalateAsync(Store, A, id => Escalation("01A", id));
        await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);

        Time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        var early = await Store.Deliveries.ClaimAsync(B, Now, Now + Lease, CancellationToken.None);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var taken = await Store.Deliveries.ClaimAsync(B, Now, Now + Lease, CancellationToken.None);
        await Store.Deliveries.MarkSentAsync(A, "01A", "C07VIPSAVES", "1.1", Now, Now, CancellationToken.None); // the old holder, too late

        Assert.Null(early);
        Assert.Equal(("01A", true, 2), (taken!.Id, taken.InDoubt, taken.Attempts));
        Assert.Equal(DeliveryState.Sending, (await Store.Deliveries.GetAsync("01A", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task ClaimDelivery_LeftSendingByItsOwnOwner_IsGivenBackAtOnce_InDoubt()
    {
        await EscalateAsync(Store, A, id => Escalation("01A", id));
        await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);

        var again = await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);

        Assert.Equal(("01A", true), (again!.Id, again.InDoubt));
    }

    [Fact]
    public async Task Sent_RecordsWhereThePostLanded_UpdatesAndRepliesGoThere()
    {
        await EscalateAsync(Store, A, id => Escalation("01A", id));
        await Store.Deliveries.AddAsync([new NewDelivery("01UPD", "01A", DeliveryKind.Update, "C07VIPSAVES", "{\"text\":\"u\"}"u8.ToArray(), Now)], Now, CancellationToken.None);
        var waiting = await Store.Deliveries.GetAsync("01UPD", CancellationToken.None);

        var post = await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);
        await Store.Deliveries.MarkSentAsync(A, post!.Id, "C07VIPSAVES", "1700.01", Now, Now, CancellationToken.None);
        var update = await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);

        Assert.Equal("01A", post.Id);
        Assert.Equal((null, null), (waiting!.PostChannel, waiting.PostTs));
        Assert.Equal(("01UPD", DeliveryKind.Update, "C07VIPSAVES", "1700.01"), (update!.Id, update.Kind, update.PostChannel, update.PostTs));
        var sent = (await Store.Deliveries.GetAsync("01A", CancellationToken.None))!;
        Assert.Equal((DeliveryState.Sent, "C07VIPSAVES", "1700.01", false), (sent.State, sent.SlackChannel, sent.SlackTs, sent.InDoubt));
        Assert.Equal(["01A", "01UPD"], (await Store.Deliveries.OfEscalationAsync("01A", CancellationToken.None)).Select(d => d.Id));
    }

    [Fact]
    public async Task Retry_IsDueWhenAsked_GivesTheAttemptBackWhenAsked_AndCanHoldTheWholeDestination()
    {
        await EscalateAsync(Store, A, id => Escalation("01A", id, customer: "c1"));
        await EscalateAsync(Store, A, id => Escalation("01B", id, customer: "c2"));
        await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);

        await Store.Deliveries.MarkRetryAsync(A, "01A", Now + TimeSpan.FromSeconds(30), "rate limited", countAttempt: false, inDoubt: false, Now + TimeSpan.FromSeconds(30), CancellationToken.None);

        var row = (await Store.Deliveries.GetAsync("01A", CancellationToken.None))!;
        Assert.Equal((DeliveryState.Pending, 0, Now + TimeSpan.FromSeconds(30), "rate limited"), (row.State, row.Attempts, row.DueAt, row.LastError));
        Assert.Null(await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None)); // 01B waits with its channel
        Assert.Equal(Now + TimeSpan.FromSeconds(30), await Store.Deliveries.NextClaimAsync(CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(30));
        // Both due now: the one due first goes first.
        Assert.Equal("01B", (await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None))!.Id);
        await Store.Deliveries.MarkSentAsync(A, "01B", "C07VIPSAVES", "1", Now, Now, CancellationToken.None);
        Assert.Equal("01A", (await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None))!.Id);
        await Store.Deliveries.MarkRetryAsync(A, "01A", Now, "http 503", countAttempt: true, inDoubt: true, Now, CancellationToken.None);
        var counted = (await Store.Deliveries.GetAsync("01A", CancellationToken.None))!;
        Assert.Equal((1, true), (counted.Attempts, counted.InDoubt));
    }

    [Fact]
    public async Task NextClaim_IsTheLaterOfDueAndDestinationFree_TheEarliestOverAll_NullWhenNothingWaits()
    {
        Assert.Null(await Store.Deliveries.NextClaimAsync(CancellationToken.None));
        await EscalateAsync(Store, A, id => Escalation("01A", id, customer: "c1"));
        await EscalateAsync(Store, A, id => Escalation("01B", id, customer: "c2"));
        await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None);
        await Store.Deliveries.MarkSentAsync(A, "01A", "C07VIPSAVES", "1", Now, Now + TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(Now + TimeSpan.FromSeconds(1), await Store.Deliveries.NextClaimAsync(CancellationToken.None));
        await Store.Deliveries.ClaimAsync(A, Now + TimeSpan.FromSeconds(1), Now + Lease, CancellationToken.None);
        // Held (sending) by its claimer: claimable by another host when the lease runs out, not before.
        Assert.Equal(Now + Lease, await Store.Deliveries.NextClaimAsync(CancellationToken.None));
    }

    /// <summary>The Track API's pace (issue #10: 100 requests/s at most): a destination paced as a rate gives one claim per
    /// interval, none sooner, however many calls wait; a pause lets no burst build up.</summary>
    [Fact]
    public async Task ClaimDelivery_PacedAsARate_OnePerInterval_NoneSooner_AndNoBurstAfterAPause()
    {
        var rate = new DeliveryRate(TimeSpan.FromMilliseconds(10), TimeSpan.Zero);
        var calls = Enumerable.Range(0, 6).Select(i => new NewDelivery($"01CIO{i}", "01A", DeliveryKind.CustomerIo, "customerio", "{}"u8.ToArray(), Now)).ToList();
        await Store.Deliveries.AddAsync(calls, Now, CancellationToken.None);
        var t = Now;
        // Each call claimed is answered at once (as the worker marks it), so only the pace can hold the next one back.
        async Task<DeliveryItem?> ClaimAt(DateTimeOffset at)
        {
            var item = await Store.Deliveries.ClaimAsync(A, at, at + Lease, CancellationToken.None, DeliveryLane.CustomerIo, rate);
            if (item is not null) await Store.Deliveries.MarkSentAsync(A, item.Id, "customerio", "200", at, at, CancellationToken.None);
            return item;
        }

        var first = await ClaimAt(t);
        var sameInstant = await ClaimAt(t);
        var oneMsEarly = await ClaimAt(t + TimeSpan.FromMilliseconds(9));
        var next = await ClaimAt(t + TimeSpan.FromMilliseconds(10));
        var nextClaim = await Store.Deliveries.NextClaimAsync(CancellationToken.None, DeliveryLane.CustomerIo, rate);
        // A second of quiet earns no burst: the first call after it goes, the one right behind it waits its interval.
        var afterPause = await ClaimAt(t + TimeSpan.FromSeconds(1));
        var rightBehind = await ClaimAt(t + TimeSpan.FromSeconds(1));

        Assert.Equal("01CIO0", first?.Id);
        Assert.Null(sameInstant);
        Assert.Null(oneMsEarly);
        Assert.Equal("01CIO1", next?.Id);
        Assert.Equal(t + TimeSpan.FromMilliseconds(20), nextClaim);
        Assert.Equal("01CIO2", afterPause?.Id);
        Assert.Null(rightBehind);
        // The Slack lane does not see the Track API's calls.
        Assert.Null(await Store.Deliveries.ClaimAsync(A, t + TimeSpan.FromHours(1), t + TimeSpan.FromHours(1) + Lease, CancellationToken.None));
    }

    /// <summary>A rate with a burst: calls may run that far ahead of the pace — at one instant, one more than the burst holds
    /// intervals — and then wait until the pace is within the burst again.</summary>
    [Fact]
    public async Task ClaimDelivery_PacedAsARateWithABurst_RunsABurstAhead_ThenWaitsForThePace()
    {
        var rate = new DeliveryRate(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(30));
        var calls = Enumerable.Range(0, 6).Select(i => new NewDelivery($"01CIO{i}", "01A", DeliveryKind.CustomerIo, "customerio", "{}"u8.ToArray(), Now)).ToList();
        await Store.Deliveries.AddAsync(calls, Now, CancellationToken.None);
        var claimed = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            var item = await Store.Deliveries.ClaimAsync(A, Now, Now + Lease, CancellationToken.None, DeliveryLane.CustomerIo, rate);
            if (item is not null) await Store.Deliveries.MarkSentAsync(A, item.Id, "customerio", "200", Now, Now, CancellationToken.None);
            claimed.Add(item?.Id);
        }

        // The pace's next slot is 40 ms ahead after four calls: within the burst again 10 ms from now.
        Assert.Equal(["01CIO0", "01CIO1", "01CIO2", "01CIO3", null], claimed);
        Assert.Equal(Now + TimeSpan.FromMilliseconds(10), await Store.Deliveries.NextClaimAsync(CancellationToken.None, DeliveryLane.CustomerIo, rate));
        Assert.Null(await Store.Deliveries.ClaimAsync(A, Now + TimeSpan.FromMilliseconds(9), Now + Lease, CancellationToken.None, DeliveryLane.CustomerIo, rate));
        Assert.Equal("01CIO4", (await Store.Deliveries.ClaimAsync(A, Now + TimeSpan.FromMilliseconds(10), Now + Lease, CancellationToken.None, DeliveryLane.CustomerIo, rate))?.Id);
    }

    // ---- Two store instances on one database (two hosts) -------------------------------------------------------------------

    /// <summary>Issue #9's lease test: two instances claiming 1,000 inbox records concurrently never get the same one, every
    /// record is claimed, and a record whose holder stopped (lease expired) is taken over.</summary>
    [Fact]
    public async Task TwoInstances_Claiming1000RecordsConcurrently_NeverGetTheSameOne_AndAnExpiredLeaseIsTakenOver()
    {
        var other = await AnotherAsync();
        var ids = new List<long>();
        for (var i = 0; i < 10; i++) ids.AddRange(await AcceptAsync(Store, 100, $"b{i}"));
        var claims = new ConcurrentBag<(string Owner, long Id)>();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task Drain(IStore store, string owner)
        {
            await go.Task;
            while (true)
            {
                var batch = await store.Inbox.ClaimAsync(owner, 7, Now, Now + Lease, CancellationToken.None);
                if (batch.Count == 0) return;
                foreach (var r in batch) claims.Add((owner, r.Id));
                // Complete all but a few of A's, as a host that then dies would leave them.
                var done = batch.Where(r => owner != A || r.Id % 97 != 0).Select(r => new ProcessingResult(r.Id, [], [], [])).ToList();
                Assert.Equal(done.Count, await store.Inbox.CompleteAsync(owner, done, Now, CancellationToken.None));
                await Task.Delay(1); // both keep claiming side by side; neither drains the inbox alone
            }
        }

        // A keeps claiming its own unfinished records back, so it is stopped after one pass: run both until the inbox is empty of unheld records.
        var both = Task.WhenAll(Task.Run(() => DrainOnce(Store, A)), Task.Run(() => Drain(other, B)));
        go.SetResult();
        await both;

        var byId = claims.GroupBy(c => c.Id).ToList();
        Assert.Equal(1000, byId.Count);
        Assert.All(byId, g => Assert.Single(g));
        Assert.Equal(ids.Order(), byId.Select(g => g.Key).Order());
        Assert.True(claims.Count(c => c.Owner == A) > 0 && claims.Count(c => c.Owner == B) > 0, $"A {claims.Count(c => c.Owner == A)}, B {claims.Count(c => c.Owner == B)}");

        // A died holding its unfinished records: B takes them over once the lease has run out, and not before.
        var abandoned = claims.Where(c => c.Owner == A && c.Id % 97 == 0).Select(c => c.Id).Order().ToList();
        Assert.Empty(await other.Inbox.ClaimAsync(B, 1000, Now, Now + Lease, CancellationToken.None));
        Time.Advance(Lease);
        var taken = await other.Inbox.ClaimAsync(B, 1000, Now, Now + Lease, CancellationToken.None);
        Assert.Equal(abandoned, taken.Select(r => r.Id));
        Assert.Equal(abandoned.Count, await other.Inbox.CompleteAsync(B, taken.Select(r => new ProcessingResult(r.Id, [], [], [])).ToList(), Now, CancellationToken.None));

        async Task DrainOnce(IStore store, string owner)
        {
            await go.Task;
            var seen = new HashSet<long>();
            while (true)
            {
                var batch = (await store.Inbox.ClaimAsync(owner, 7, Now, Now + Lease, CancellationToken.None)).Where(r => seen.Add(r.Id)).ToList();
                if (batch.Count == 0) return;
                foreach (var r in batch) claims.Add((owner, r.Id));
                var done = batch.Where(r => r.Id % 97 != 0).Select(r => new ProcessingResult(r.Id, [], [], [])).ToList();
                Assert.Equal(done.Count, await store.Inbox.CompleteAsync(owner, done, Now, CancellationToken.None));
                await Task.Delay(1);
            }
        }
    }

    [Fact]
    public async Task TwoInstances_ClaimingDeliveriesConcurrently_NeverShareOne_AndNeverUseADestinationTwiceInAnInterval()
    {
        var other = await AnotherAsync();
        var targets = new[] { "C1", "C2", "C3", "C4", "C5" };
        for (var i = 0; i < 200; i++)
        {
            var n = i;
            await EscalateAsync(Store, A, id => Escalation($"01D{n:D4}", id, customer: $"c{n}", target: targets[n % targets.Length]));
        }
        var claims = new ConcurrentBag<(string Id, string Target, DateTimeOffset At)>();
        var interval = TimeSpan.FromSeconds(1);
        using var stop = new CancellationTokenSource();

        // What each worker last found nothing to claim at: the clock moves on only when both have.
        var idleAt = new long[2];

        async Task Deliver(IStore store, string owner, int index)
        {
            while (!stop.IsCancellationRequested)
            {
                var now = Now;
                var item = await store.Deliveries.ClaimAsync(owner, now, now + Lease, CancellationToken.None);
                if (item is null)
                {
                    Volatile.Write(ref idleAt[index], now.UtcTicks);
                    await Task.Delay(1);
                    continue;
                }
                claims.Add((item.Id, item.Target, now));
                await store.Deliveries.MarkSentAsync(owner, item.Id, item.Target, $"{owner}.{item.Id}", now, now + interval, CancellationToken.None);
            }
        }

        var workers = new[] { Task.Run(() => Deliver(Store, A, 0)), Task.Run(() => Deliver(other, B, 1)) };
        // The clock moves in 250 ms steps, each once both workers found nothing more to claim at the current time: each
        // destination may be used once per second at most. (Bounded: 400 steps, each waiting at most 10 s of real time.)
        for (var step = 0; step < 400 && claims.Count < 200; step++)
        {
            for (var i = 0; i < 2000 && claims.Count < 200 && (Volatile.Read(ref idleAt[0]) != Now.UtcTicks || Volatile.Read(ref idleAt[1]) != Now.UtcTicks); i++) await Task.Delay(5);
            Time.Advance(TimeSpan.FromMilliseconds(250));
        }
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Equal(200, claims.Count);
        Assert.Equal(200, claims.Select(c => c.Id).Distinct().Count());
        foreach (var perTarget in claims.GroupBy(c => c.Target))
        {
            var times = perTarget.Select(c => c.At).Order().ToList();
            for (var i = 1; i < times.Count; i++) Assert.True(times[i] - times[i - 1] >= interval, $"{perTarget.Key}: claims {times[i - 1]:O} and {times[i]:O}");
        }
    }

    [Fact]
    public async Task TwoInstances_EscalatingTheSameCustomerAtOnce_EscalateOnce()
    {
        var other = await AnotherAsync();
        // Fewer rounds than the playbook's daily cap: only the cooldown may hold the second one back.
        for (var round = 0; round < VipCart.Value.Guardrails.DailyCap!.Value - 1; round++)
        {
            var customer = $"cus_race_{round}";
            var a = await Store.Inbox.AcceptAsync([Item($"ra-{round}")], CancellationToken.None);
            await ClaimAsync(Store, A);
            var b = await other.Inbox.AcceptAsync([Item($"rb-{round}")], CancellationToken.None);
            await ClaimAsync(other, B);
            // Both pipelines saw no earlier escalation of this customer; both commit at once.
            var results = await Task.WhenAll(
                Task.Run(() => Store.Inbox.CompleteAsync(A, [Escalated(a.Ids[0], Escalation($"01A{round}", a.Ids[0], customer: customer, dedupe: $"cart-{round}-a", recheck: true))], Now, CancellationToken.None)),
                Task.Run(() => other.Inbox.CompleteAsync(B, [Escalated(b.Ids[0], Escalation($"01B{round}", b.Ids[0], customer: customer, dedupe: $"cart-{round}-b", recheck: true))], Now, CancellationToken.None)));

            var outcomes = (await Store.Decisions.DecisionsAsync(a.Ids[0], CancellationToken.None)).Concat(await Store.Decisions.DecisionsAsync(b.Ids[0], CancellationToken.None)).Select(d => d.Outcome).Order().ToList();
            Assert.Equal([1, 1], results);
            Assert.Equal(["escalated", "suppressed"], outcomes);
        }
    }

    // ---- Health figures and stored clicks -------------------------------------------------------------------------------

    /// <summary>
    /// /health's figures from the store: an unprocessed signal, a quarantined one, a post sent, one parked dead, one being
    /// sent, a reminder waiting for its time (then due), a failing one; counted the same on every engine.
    /// </summary>
    [Fact]
    public async Task Stats_CountTheInboxAndTheOutboxByState_ClocksScheduledUntilDue_RecentFromTheGivenTime()
    {
        var t0 = Now;
        var ids = await AcceptAsync(Store, 3, "stats");
        Assert.Equal(3, (await ClaimAsync(Store, A)).Count);
        var clock = new NewDelivery("clock-S1", "S1", DeliveryKind.ThreadReply, "C-ONE", Body("remind"), t0 + TimeSpan.FromHours(1), SlaClocks.Remind);
        Assert.Equal(2, await Store.Inbox.CompleteAsync(A, [
            Escalated(ids[0], Escalation("S1", ids[0], target: "C-ONE") with { Clocks = [clock] }),
            ProcessingResult.Quarantined(ids[1], "bad_payload"),
        ], Now, CancellationToken.None));
        Time.Advance(TimeSpan.FromMinutes(1));
        await EscalateAsync(Store, A, id => Escalation("S2", id, "cus_2", target: "C-TWO"));
        await EscalateAsync(Store, A, id => Escalation("S3", id, "cus_3", target: "C-THREE"));
        await EscalateAsync(Store, A, id => Escalation("S4", id, "cus_4", target: "C-FOUR"));
        // One sender each (a sender that claims again is given back what it holds).
        var posts = new Dictionary<string, (string Owner, DeliveryItem Item)>();
        foreach (var owner in new[] { "w1", "w2", "w3", "w4" })
        {
            var item = (await ClaimDeliveryAsync(Store, owner))!;
            posts[item.EscalationId] = (owner, item);
        }
        Assert.Equal(["S1", "S2", "S3", "S4"], posts.Keys.Order(StringComparer.Ordinal));
        await Store.Deliveries.MarkSentAsync(posts["S1"].Owner, posts["S1"].Item.Id, "C-ONE", "1.1", Now, Now, CancellationToken.None);
        await Store.Deliveries.MarkDeadAsync(posts["S2"].Owner, posts["S2"].Item.Id, "channel_not_found", Now, Now, CancellationToken.None);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var s3 = attempt == 0 ? posts["S3"].Item : (await ClaimDeliveryAsync(Store, "w3"))!;
            Assert.Equal(posts["S3"].Item.Id, s3.Id);
            await Store.Deliveries.MarkRetryAsync("w3", s3.Id, Now, "timeout", countAttempt: true, inDoubt: false, Now, CancellationToken.None);
        }
        // S4's post stays claimed (being sent).

        var stats = await Store.Health.StatsAsync(3, t0, t0 + TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Equal(new StoreStats(InboxPending: 1, InboxTotal: 6, Pending: 1, Sending: 1, Sent: 1, Dead: 1, Quarantined: 1, OldestInboxPendingAt: t0,
            OldestOutboxAt: t0 + TimeSpan.FromMinutes(1), Failing: 1, RecentQuarantined: 1, RecentDead: 1, Scheduled: 1, WriteBackPending: 0, WriteBackSent: 0), stats);

        // An hour on the reminder is due (pending, the oldest undelivered); from a later time nothing is recent; at four
        // attempts the failing one is not failing yet.
        var later = await Store.Health.StatsAsync(4, t0 + TimeSpan.FromMinutes(2), t0 + TimeSpan.FromHours(2), CancellationToken.None);
        Assert.Equal(stats with { Pending = 2, Scheduled = 0, OldestOutboxAt = t0 + TimeSpan.FromMinutes(1), Failing = 0, RecentQuarantined = 0, RecentDead = 0 }, later);
    }

    [Fact]
    public async Task Clicks_PendingUntilApplied_AllListsEveryOne_WithItsResult_UpToTheLimit()
    {
        await EscalateAsync(Store, A, id => Escalation("C1", id));
        var accepted = await Store.Actions.AcceptAsync([
            new RetentionPlaybooks.Host.Interactivity.BlockAction("T1", "U1", RetentionPlaybooks.Host.Interactivity.CaseAction.Acknowledge, "C1", null, "1.1", null),
            new RetentionPlaybooks.Host.Interactivity.BlockAction("T1", "U2", RetentionPlaybooks.Host.Interactivity.CaseAction.Lost, "C1", "price", "1.2", "https://hooks.slack.com/actions/T1/1/x"),
        ], CancellationToken.None);
        Assert.Equal(CaseResult.Applied, (await Store.Actions.ApplyAsync(accepted.Ids[0], Now, _ => ["price"], _ => [], CancellationToken.None))!.Result);

        var pending = Assert.Single(await Store.Actions.PendingAsync(10, CancellationToken.None));
        Assert.Equal((accepted.Ids[1], "U2", "price", "https://hooks.slack.com/actions/T1/1/x", (DateTimeOffset?)null, (string?)null),
            (pending.Id, pending.Action.UserId, pending.Action.Reason, pending.Action.ResponseUrl, pending.ProcessedAt, pending.Result));
        var all = await Store.Actions.AllAsync(10, CancellationToken.None);
        Assert.Equal([accepted.Ids[0], accepted.Ids[1]], all.Select(a => a.Id).Order());
        var applied = all.Single(a => a.Id == accepted.Ids[0]);
        Assert.Equal((RetentionPlaybooks.Host.Interactivity.CaseAction.Acknowledge, (DateTimeOffset?)Now, "Applied"), (applied.Action.Action, applied.ProcessedAt, applied.Result));
        Assert.Single(await Store.Actions.AllAsync(1, CancellationToken.None));
        Assert.Empty(await Store.Actions.PendingAsync(0, CancellationToken.None));
    }

    /// <summary>
    /// What a sent delivery marks on its case: the hold's write-back to Customer.io that the hold was written (counted in
    /// the report), the SLA's breach clock that the SLA was missed (at the SLA's end, not when the clock fired); a reminder
    /// neither.
    /// </summary>
    [Fact]
    public async Task Sent_HoldWriteBackAndBreachClock_MarkTheCase_OtherDeliveriesDoNot()
    {
        var t0 = Now;
        var due = t0 + TimeSpan.FromMinutes(30);
        await EscalateAsync(Store, A, id => Escalation("H1", id, "cus_h", target: "C-HOLD") with
        {
            SlaDueAt = due,
            HoldUntil = t0 + TimeSpan.FromDays(3),
            Clocks =
            [
                new NewDelivery("hold-H1", "H1", DeliveryKind.CustomerIo, "cus_h", Body("hold"), t0, Purpose: DeliveryPurposes.Hold),
                new NewDelivery("remind-H1", "H1", DeliveryKind.ThreadReply, "C-HOLD", Body("remind"), t0 + TimeSpan.FromMinutes(20), SlaClocks.Remind),
                new NewDelivery("breach-H1", "H1", DeliveryKind.ThreadReply, "C-HOLD", Body("breach"), due + TimeSpan.FromMinutes(1), SlaClocks.Breach),
            ],
        });

        var post = await ClaimDeliveryAsync(Store, "slack");
        Assert.Equal(DeliveryKind.Post, post?.Kind);
        Time.Advance(TimeSpan.FromSeconds(5));
        await Store.Deliveries.MarkSentAsync("slack", post!.Id, "C-HOLD", "1.5", Now, Now, CancellationToken.None);
        var hold = await Store.Deliveries.ClaimAsync("cio", Now, Now + Lease, CancellationToken.None, DeliveryLane.CustomerIo);
        Assert.Equal("hold-H1", hold?.Id);
        Time.Advance(TimeSpan.FromSeconds(5));
        await Store.Deliveries.MarkSentAsync("cio", hold!.Id, "-", "-", Now, Now, CancellationToken.None);

        Time.SetUtcNow(t0 + TimeSpan.FromMinutes(20));
        var remind = await ClaimDeliveryAsync(Store, "slack");
        Assert.Equal("remind-H1", remind?.Id);
        await Store.Deliveries.MarkSentAsync("slack", remind!.Id, "C-HOLD", "1.6", Now, Now, CancellationToken.None);
        Assert.Null((await Store.Actions.CaseAsync("H1", CancellationToken.None))!.SlaMissedAt);

        Time.SetUtcNow(due + TimeSpan.FromMinutes(2));
        var breach = await ClaimDeliveryAsync(Store, "slack");
        Assert.Equal("breach-H1", breach?.Id);
        await Store.Deliveries.MarkSentAsync("slack", breach!.Id, "C-HOLD", "1.7", Now, Now, CancellationToken.None);

        Assert.Equal(due, (await Store.Actions.CaseAsync("H1", CancellationToken.None))!.SlaMissedAt);
        var day = new DateTimeOffset(t0.UtcDateTime.Date, TimeSpan.Zero);
        var cases = Assert.Single((await ReportOf(Store).ReadAsync(day, day.AddDays(1), Now, CancellationToken.None)).Cases);
        Assert.Equal(1, cases.HoldsWritten);
    }

    // ---- The outcome report's reads ------------------------------------------------------------------------------------

    /// <summary>A digest is one message in its channel, on the day of its first case, however many cases it holds; a case
    /// posted on its own is one more.</summary>
    [Fact]
    public async Task Report_ChannelDays_CountADigestOnce_BesideThePostsOfTheDay()
    {
        await EscalateAsync(Store, A, inbox => DigestCase("E1", inbox, digested: true));
        Time.Advance(TimeSpan.FromMinutes(5));
        await EscalateAsync(Store, A, inbox => DigestCase("E2", inbox, digested: true));
        await EscalateAsync(Store, A, inbox => Escalation("E3", inbox, customer: "cus_E3"));
        var day = new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero);

        var data = await ReportOf(Store).ReadAsync(day, day.AddDays(1), Now, CancellationToken.None);

        Assert.Equal([("vip-saves", DateOnly.FromDateTime(day.UtcDateTime), 2L)], data.ChannelDays);
    }

    /// <summary>The SLA's edges in the report: a first action exactly at the SLA's end meets it, an SLA ending exactly now
    /// is missed, an outcome is the first action when nobody acknowledged, and an outcome exactly at the period's end is the
    /// next period's.</summary>
    [Fact]
    public async Task Report_SlaMetAtItsEndMissedAtNow_AndAnOutcomeAtThePeriodsEndIsTheNextPeriods()
    {
        var from = new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        var to = from.AddDays(1);
        var start = from + TimeSpan.FromHours(10);
        var end = start + TimeSpan.FromMinutes(30);
        Time.SetUtcNow(start);
        foreach (var id in new[] { "S1", "S2", "S3", "S4" })
        {
            await CompleteAsync(Store, A, inbox => Escalated(inbox, Escalation(id, inbox, "cus_" + id) with { SlaDueAt = end }));
        }
        Time.SetUtcNow(start + TimeSpan.FromMinutes(10));
        await MarkAsync("S4", RetentionPlaybooks.Host.Interactivity.CaseAction.Acknowledge);   // on time; its outcome comes late
        Time.SetUtcNow(end);
        await MarkAsync("S1", RetentionPlaybooks.Host.Interactivity.CaseAction.Acknowledge);   // exactly at the SLA's end
        Time.SetUtcNow(end + TimeSpan.FromMinutes(10));
        await MarkAsync("S3", RetentionPlaybooks.Host.Interactivity.CaseAction.Saved);         // no acknowledgement: late
        await MarkAsync("S4", RetentionPlaybooks.Host.Interactivity.CaseAction.Saved);
        Time.SetUtcNow(to);
        await MarkAsync("S1", RetentionPlaybooks.Host.Interactivity.CaseAction.Saved);         // exactly at the period's end

        var data = await ReportOf(Store).ReadAsync(from, to, end, CancellationToken.None);   // S2's SLA ends exactly now

        var cases = Assert.Single(data.Cases);
        Assert.Equal((4L, 2L, 2L, 2L), (cases.Cases, cases.Acknowledged, cases.SlaMet, cases.SlaMissed));
        Assert.Equal([new OutcomeDay(DateOnly.FromDateTime(from.UtcDateTime), "vip-cart-abandonment", 2, 0, 0m)], data.OutcomeDays);
    }

    /// <summary>The engine's report reads on a store <see cref="CreateAsync"/> made.</summary>
    private protected abstract IReportStore ReportOf(IStore store);

    /// <summary>
    /// One day of one playbook, read back through the engine's report: a case from the day before saved in the period,
    /// three cases in it (acknowledged in 10 minutes and saved; lost for price without an acknowledgement; left open past its
    /// SLA), a suppressed signal, a case of the next day (outside), and a promotion sent during a running hold.
    /// </summary>
    [Fact]
    public async Task Report_ADay_CountsDecisionsCasesOutcomesTimesAndHoldViolations_WithinThePeriodOnly()
    {
        var from = new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        var to = from.AddDays(1);
        NewEscalation Case(string id, long inbox, string customer, decimal value, DateTimeOffset at, DateTimeOffset? holdUntil = null) =>
            Escalation(id, inbox, customer, at: at) with { CreatedAt = at, SlaDueAt = at + TimeSpan.FromMinutes(30), Value = value, HoldUntil = holdUntil };

        await CompleteAsync(Store, A, inbox => Escalated(inbox, Case("E0", inbox, "cus_0", 90m, Now)));
        var start = from + TimeSpan.FromHours(10);
        Time.SetUtcNow(start);
        await CompleteAsync(Store, A, inbox => Escalated(inbox, Case("E1", inbox, "cus_1", 150m, Now)));
        await CompleteAsync(Store, A, inbox => Escalated(inbox, Case("E2", inbox, "cus_2", 200.5m, Now, holdUntil: Now + TimeSpan.FromDays(2))));
        await CompleteAsync(Store, A, inbox => Escalated(inbox, Case("E3", inbox, "cus_3", 300m, Now)));
        await CompleteAsync(Store, A, inbox => new(inbox, [new DecisionRecord(inbox, "vip-cart-abandonment", "suppressed", "cooldown", "vip-saves", null, "cooldown")], [], []));
        // A signal no route took (no channel), and one set aside (its decision is no playbook's: not counted).
        await CompleteAsync(Store, A, inbox => new(inbox, [new DecisionRecord(inbox, "vip-cart-abandonment", "skipped", "gate", null, null, "gate")], [], []));
        await CompleteAsync(Store, A, inbox => ProcessingResult.Quarantined(inbox, "bad_payload"));
        Time.Advance(TimeSpan.FromMinutes(10));
        await MarkAsync("E1", RetentionPlaybooks.Host.Interactivity.CaseAction.Acknowledge);
        await MarkAsync("E0", RetentionPlaybooks.Host.Interactivity.CaseAction.Saved);
        Time.Advance(TimeSpan.FromMinutes(10));
        await MarkAsync("E1", RetentionPlaybooks.Host.Interactivity.CaseAction.Saved);
        Time.Advance(TimeSpan.FromMinutes(20));
        await MarkAsync("E2", RetentionPlaybooks.Host.Interactivity.CaseAction.Lost);
        await CompleteAsync(Store, A, inbox => new(inbox, [], [], [], Promotions: [new PromotionSent("cus_2", "campaign:12", Now)]));
        Time.SetUtcNow(to + TimeSpan.FromMinutes(5));
        await CompleteAsync(Store, A, inbox => Escalated(inbox, Case("E4", inbox, "cus_4", 1000m, Now)));

        var data = await ReportOf(Store).ReadAsync(from, to, start + TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal(
            ["vip-cart-abandonment /skipped/gate 1", "vip-cart-abandonment vip-saves/escalated/ 3", "vip-cart-abandonment vip-saves/suppressed/cooldown 1"],
            data.Decisions.Select(d => $"{d.Playbook} {d.Channel}/{d.Outcome}/{d.Kind} {d.Count}").Order(StringComparer.Ordinal));
        var cases = Assert.Single(data.Cases);
        Assert.Equal(new CaseCount("vip-cart-abandonment", "vip-saves", Cases: 3, Acknowledged: 1, SlaMet: 1, SlaMissed: 2, Saved: 1, Lost: 1, Open: 1,
            ValueAtStake: 650.5m, ValueSaved: 150m, HoldsWritten: 0), cases);
        Assert.Equal([("vip-cart-abandonment", "vip-saves", "price", 1L)], data.LostReasons);
        Assert.Equal([("vip-cart-abandonment", "vip-saves", 600_000L)], data.AckMilliseconds);
        Assert.Equal([("vip-saves", DateOnly.FromDateTime(from.UtcDateTime), 3L)], data.ChannelDays);
        Assert.Equal([new OutcomeDay(DateOnly.FromDateTime(from.UtcDateTime), "vip-cart-abandonment", 2, 1, 240m)], data.OutcomeDays);
        Assert.Equal([("vip-cart-abandonment", "vip-saves", 1L)], data.HoldViolations);

        // An empty period reads as nothing at all.
        var none = await ReportOf(Store).ReadAsync(to.AddDays(5), to.AddDays(6), to.AddDays(6), CancellationToken.None);
        Assert.Empty(none.Decisions);
        Assert.Empty(none.Cases);
        Assert.Empty(none.OutcomeDays);
        Assert.Empty(none.HoldViolations);
    }
}

/// <summary>The store contract on the embedded engine: a SQLite file per test; the second instance opens the same file.</summary>
public sealed class SqliteStoreContractTests : StoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"rp-contract-{Guid.NewGuid():N}.db");

    private protected override Task<IStore> CreateAsync(TimeProvider time) => Task.FromResult<IStore>(new SqliteStore(_path, time, busyTimeout: TimeSpan.FromSeconds(30)));

    private protected override Task<IStore> OpenAnotherAsync(TimeProvider time) => Task.FromResult<IStore>(new SqliteStore(_path, time, busyTimeout: TimeSpan.FromSeconds(30)));

    private protected override IReportStore ReportOf(IStore store) => new SqliteReport(((SqliteStore)store).Database);

    protected override Task DropAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(f);
        return Task.CompletedTask;
    }
}
