using System.Threading.Channels;
using Npgsql;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// Group commit for PostgreSQL's hottest write, the webhook insert: requests queued while a commit runs go into the next one,
/// written by one statement (<paramref name="applyMany"/>) in one transaction — one round trip and one WAL flush for many
/// webhooks instead of a transaction each. A few committers run at once, each on its own pooled connection; a lone request
/// is written at once, never held back to wait for company. A record's fault (a value PostgreSQL refuses) makes the group try
/// again request by request, so that the bad one fails alone; a fault of the store fails the whole group at once (trying
/// each alone would make the last wait for every connection timeout before it).
/// </summary>
internal sealed class PostgresAcceptQueue<TRequest, TResult> : IAsyncDisposable
{
    private readonly PostgresDatabase _db;
    private readonly Func<NpgsqlConnection, NpgsqlTransaction, IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> _applyMany;
    private readonly Func<TRequest, int> _size;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Task[] _committers;

    /// <param name="size">How many rows a request writes: a group holds at most <paramref name="maxBatch"/> rows (or one request).</param>
    public PostgresAcceptQueue(PostgresDatabase db, Func<NpgsqlConnection, NpgsqlTransaction, IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> applyMany,
        Func<TRequest, int> size, int maxBatch = 256, int committers = 4)
    {
        _db = db;
        _applyMany = applyMany;
        _size = size;
        _maxBatch = maxBatch;
        _committers = Enumerable.Range(0, committers).Select(_ => Task.Run(CommitLoopAsync)).ToArray();
    }

    /// <summary>Queues the request; the task completes when it is committed. Not cancelled once queued: a signal that was
    /// accepted must be stored or fail loudly.</summary>
    public Task<TResult> WriteAsync(TRequest request, CancellationToken ct)
    {
        var pending = new Pending(request);
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(PostgresAcceptQueue<TRequest, TResult>));
        return ct.CanBeCanceled ? pending.Done.Task.WaitAsync(ct) : pending.Done.Task;
    }

    private async Task CommitLoopAsync()
    {
        var group = new List<Pending>();
        Pending? carried = null;
        while (carried is not null || await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            var rows = 0;
            if (carried is not null)
            {
                group.Add(carried);
                rows = _size(carried.Request);
                carried = null;
            }
            while (rows < _maxBatch && _queue.Reader.TryRead(out var next))
            {
                var size = _size(next.Request);
                if (group.Count > 0 && rows + size > _maxBatch)
                {
                    carried = next;
                    break;
                }
                group.Add(next);
                rows += size;
            }
            if (group.Count == 0) continue;
            try
            {
                var requests = group.Select(p => p.Request).ToList();
                var results = await _db.RunAsync((connection, transaction) => _applyMany(connection, transaction, requests), accept: true,
                    recordFaultsCount: group.Count == 1).ConfigureAwait(false);
                for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(results[i]);
            }
            catch (Exception ex) when (group.Count > 1 && PostgresDatabase.IsRecordWriteFault(ex))
            {
                foreach (var pending in group)
                {
                    try
                    {
                        var result = await _db.RunAsync((connection, transaction) => _applyMany(connection, transaction, [pending.Request]), accept: true).ConfigureAwait(false);
                        pending.Done.TrySetResult(result[0]);
                    }
                    catch (Exception alone)
                    {
                        pending.Done.TrySetException(alone);
                    }
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in group) pending.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>Commits (or fails) what is queued, then stops taking requests.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_committers).ConfigureAwait(false);
    }

    private sealed class Pending(TRequest request)
    {
        public TRequest Request { get; } = request;

        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
