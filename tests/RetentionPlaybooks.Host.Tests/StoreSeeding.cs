using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Pipeline;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Puts work into a store the way the host does: a signal received, claimed, and completed with its results.</summary>
internal static class StoreSeeding
{
    /// <summary>The lease owner the tests' workers run as.</summary>
    public const string Owner = "test-host";

    private static long _keys;

    /// <summary>Receives one signal and claims it for <paramref name="owner"/>; returns its inbox id.</summary>
    public static async Task<long> ReceiveAsync(this IStore store, TimeProvider time, string? key = null, string owner = Owner)
    {
        var accepted = await store.Inbox.AcceptAsync([new InboxItem(SignalSource.Journey, key ?? $"seed-{Interlocked.Increment(ref _keys)}", "{}"u8.ToArray())], CancellationToken.None);
        var id = accepted.Ids.Single();
        var now = time.GetUtcNow();
        var claimed = await store.Inbox.ClaimAsync(owner, 1000, now, now + TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Contains(claimed, r => r.Id == id);
        return id;
    }

    /// <summary>Queues an escalation (and its post) as processing a received signal would; returns the decision written.</summary>
    public static async Task<DecisionRecord> QueueAsync(this IStore store, TimeProvider time, string id, string target = "C07VIPSAVES", string playbook = "vip-cart-abandonment",
        string? customer = null, string? dedupeKey = null, DateTimeOffset? evaluatedAt = null, GuardrailRecheck? recheck = null, byte[]? body = null, string owner = Owner)
    {
        var inbox = await store.ReceiveAsync(time, owner: owner);
        var now = time.GetUtcNow();
        var escalation = new NewEscalation(id, inbox, playbook, customer ?? "cus_" + id, "vip-saves", target, dedupeKey, body ?? "{}"u8.ToArray(), now, evaluatedAt ?? now, recheck);
        var decision = new DecisionRecord(inbox, playbook, "escalated", "escalated", "vip-saves", id);
        Assert.Equal(1, await store.Inbox.CompleteAsync(owner, [new ProcessingResult(inbox, [decision], [escalation], [])], now, CancellationToken.None));
        return (await store.Decisions.DecisionsAsync(inbox, CancellationToken.None)).Single();
    }
}
