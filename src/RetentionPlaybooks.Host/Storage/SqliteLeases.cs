using static RetentionPlaybooks.Host.Storage.SqliteDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>A stopping host's leases given back (<see cref="ILeaseStore"/>), on SQLite.</summary>
internal sealed class SqliteLeases(SqliteDatabase db) : ILeaseStore
{
    public Task<LeasesReleased> ReleaseAsync(string owner, DateTimeOffset now, DateTimeOffset destinationFreeAt, CancellationToken ct) =>
        db.Write((connection, transaction) =>
        {
            using var inbox = Command(connection, transaction,
                "UPDATE inbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $o AND processed_at IS NULL");
            Bind(inbox, ("$o", owner));
            var records = inbox.ExecuteNonQuery();
            using var deliveries = Command(connection, transaction,
                """
                UPDATE deliveries SET state = 'Pending', in_doubt = 1, lease_owner = NULL, lease_until = NULL, due_at = MIN(due_at, $n)
                WHERE lease_owner = $o AND state = 'Sending'
                """);
            Bind(deliveries, ("$o", owner), ("$n", Ms(now)));
            var sending = deliveries.ExecuteNonQuery();
            using var destinations = Command(connection, transaction, "UPDATE destinations SET held_by = NULL, next_free_at = $f WHERE held_by = $o");
            Bind(destinations, ("$o", owner), ("$f", Ms(destinationFreeAt)));
            return new LeasesReleased(records, sending, destinations.ExecuteNonQuery());
        }, ct);
}
