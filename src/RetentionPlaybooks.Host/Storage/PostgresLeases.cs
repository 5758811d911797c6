using static RetentionPlaybooks.Host.Storage.PostgresDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>A stopping host's leases given back (<see cref="ILeaseStore"/>), on PostgreSQL: the same three updates as
/// <see cref="SqliteLeases"/>, in one transaction.</summary>
internal sealed class PostgresLeases(PostgresDatabase db) : ILeaseStore
{
    public Task<LeasesReleased> ReleaseAsync(string owner, DateTimeOffset now, DateTimeOffset destinationFreeAt, CancellationToken ct) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var inbox = Command(connection, transaction,
                "UPDATE inbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = @o AND processed_at IS NULL");
            Bind(inbox, ("o", owner));
            var records = await inbox.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using var deliveries = Command(connection, transaction,
                """
                UPDATE deliveries SET state = 'Pending', in_doubt = true, lease_owner = NULL, lease_until = NULL, due_at = LEAST(due_at, @n)
                WHERE lease_owner = @o AND state = 'Sending'
                """);
            Bind(deliveries, ("o", owner), ("n", Ms(now)));
            var sending = await deliveries.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using var destinations = Command(connection, transaction, "UPDATE destinations SET held_by = NULL, next_free_at = @f WHERE held_by = @o");
            Bind(destinations, ("o", owner), ("f", Ms(destinationFreeAt)));
            return new LeasesReleased(records, sending, await destinations.ExecuteNonQueryAsync(ct).ConfigureAwait(false));
        }, ct);
}
