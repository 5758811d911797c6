using Npgsql;
using static RetentionPlaybooks.Host.Storage.PostgresDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// The deliveries on PostgreSQL: the same states, leases and in-doubt protocol as <see cref="SqliteDeliveries"/>. Every delivery's
/// destination has its row (made when the first delivery to it is added), and a claim locks the delivery and its destination's
/// row together with <c>FOR UPDATE SKIP LOCKED</c>: two hosts claiming at once never take the same delivery, nor two deliveries
/// of one destination, and the destination's next-free time is moved in the claim's transaction.
/// </summary>
internal sealed class PostgresDeliveries(PostgresDatabase db) : IDeliveryStore
{
    private const string Select =
        """
        SELECT d.id, d.escalation_id, d.kind, COALESCE(e.playbook, '-'), COALESCE(e.channel, '-'), d.target, d.body, d.state, d.attempts, d.due_at, d.created_at,
               d.slack_channel, d.slack_ts, d.last_error, d.in_doubt, e.slack_channel, e.slack_ts, d.clock
        FROM deliveries d LEFT JOIN escalations e ON e.id = d.escalation_id
        """;

    internal static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewDelivery d, DateTimeOffset at)
    {
        await using var insert = Command(connection, transaction,
            """
            INSERT INTO destinations (target) VALUES (@t) ON CONFLICT (target) DO NOTHING;
            INSERT INTO deliveries (id, escalation_id, kind, target, body, state, attempts, due_at, created_at, clock, purpose) VALUES (@id, @e, @k, @t, @b, 'Pending', 0, @d, @c, @clock, @p)
            """);
        Bind(insert, ("id", d.Id), ("e", d.EscalationId), ("k", d.Kind.ToString()), ("t", d.Target), ("b", d.Body), ("d", Ms(d.DueAt)), ("c", Ms(at)), ("clock", d.Clock), ("p", d.Purpose));
        await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public Task AddAsync(IReadOnlyList<NewDelivery> deliveries, DateTimeOffset at, CancellationToken ct) => db.WriteAsync(async (connection, transaction) =>
    {
        foreach (var d in deliveries) await InsertAsync(connection, transaction, d, at).ConfigureAwait(false);
        return true;
    }, ct);

    private static string InLane(DeliveryLane lane) => DeliveryKinds.Of(lane);

    public Task<DeliveryItem?> ClaimAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct, DeliveryLane lane = DeliveryLane.Slack, DeliveryRate? rate = null) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var free = rate is null ? "(c.next_free_at IS NULL OR c.next_free_at <= @n OR c.held_by = @o)" : "(c.next_free_at IS NULL OR c.next_free_at <= @n + @burst)";
            // As on SQLite: first a delivery left sending whose lease expired (or this owner's own), claimed in doubt; then the
            // oldest due pending one — either only where its destination is free. Locking the destination's row with the
            // delivery's (skipping any another host holds) is what keeps one claim per destination at a time across hosts.
            var burst = rate is null ? 0 : (long)rate.Burst.TotalMilliseconds;
            await using var pick = Command(connection, transaction,
                $"""
                SELECT d.id FROM deliveries d JOIN destinations c ON c.target = d.target
                WHERE d.state = 'Sending' AND {InLane(lane)} AND (d.lease_until IS NULL OR d.lease_until <= @n OR d.lease_owner = @o) AND {free}
                ORDER BY d.lease_until, d.id LIMIT 1
                FOR UPDATE OF d, c SKIP LOCKED
                """);
            Bind(pick, ("n", Ms(now)), ("o", owner), ("burst", burst));
            var id = await pick.ExecuteScalarAsync().ConfigureAwait(false) as string;
            if (id is null)
            {
                pick.CommandText =
                    $"""
                    SELECT d.id FROM deliveries d JOIN destinations c ON c.target = d.target
                    WHERE d.state = 'Pending' AND {InLane(lane)} AND d.due_at <= @n AND {free}
                    ORDER BY d.due_at, d.created_at, d.id LIMIT 1
                    FOR UPDATE OF d, c SKIP LOCKED
                    """;
                id = await pick.ExecuteScalarAsync().ConfigureAwait(false) as string;
            }
            if (id is null) return null;
            await using var claim = Command(connection, transaction,
                $"""
                UPDATE deliveries SET in_doubt = (state = 'Sending' OR in_doubt), state = 'Sending', attempts = attempts + 1, lease_owner = @o, lease_until = @u
                WHERE id = @id;
                UPDATE destinations SET {(rate is null ? "next_free_at = @u, held_by = @o" : "next_free_at = GREATEST(COALESCE(next_free_at, 0), @n) + @i, held_by = NULL")}
                WHERE target = (SELECT target FROM deliveries WHERE id = @id)
                """);
            Bind(claim, ("o", owner), ("u", Ms(leaseUntil)), ("id", id), ("n", Ms(now)), ("i", rate is null ? 0 : (long)rate.Interval.TotalMilliseconds));
            await claim.ExecuteNonQueryAsync().ConfigureAwait(false);
            await using var read = Command(connection, transaction, $"{Select} WHERE d.id = @id");
            Bind(read, ("id", id));
            var item = (await ReadAsync(read).ConfigureAwait(false)).Single();
            return item.Kind == DeliveryKind.Digest ? Digests.Assembled(item, await LinesAsync(connection, transaction, item.Id).ConfigureAwait(false)) : item;
        }, ct);

    public Task<DateTimeOffset?> NextClaimAsync(CancellationToken ct, DeliveryLane lane = DeliveryLane.Slack, DeliveryRate? rate = null) => db.ReadAsync(async connection =>
    {
        await using var query = Command(connection, null,
            $"""
            SELECT MIN(at) FROM (
                SELECT GREATEST(d.due_at, COALESCE(c.next_free_at, 0) - @burst) AS at FROM deliveries d JOIN destinations c ON c.target = d.target WHERE d.state = 'Pending' AND {InLane(lane)}
                UNION ALL
                SELECT GREATEST(COALESCE(d.lease_until, 0), COALESCE(c.next_free_at, 0) - @burst) FROM deliveries d JOIN destinations c ON c.target = d.target WHERE d.state = 'Sending' AND {InLane(lane)}) s
            """);
        Bind(query, ("burst", rate is null ? 0 : (long)rate.Burst.TotalMilliseconds));
        return await query.ExecuteScalarAsync(ct).ConfigureAwait(false) is long ms ? At(ms) : (DateTimeOffset?)null;
    }, ct);

    public Task MarkSentAsync(string owner, string id, string slackChannel, string slackTs, DateTimeOffset at, DateTimeOffset destinationFreeAt, CancellationToken ct) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var sent = Command(connection, transaction,
                """
                UPDATE deliveries SET state = 'Sent', slack_channel = @c, slack_ts = @ts, sent_at = @t, last_error = NULL, in_doubt = false, lease_owner = NULL, lease_until = NULL
                WHERE id = @id AND state = 'Sending' AND lease_owner = @o
                RETURNING escalation_id, kind, target, clock, purpose
                """);
            Bind(sent, ("c", slackChannel), ("ts", slackTs), ("t", Ms(at)), ("id", id), ("o", owner));
            string? escalation = null, kind = null, target = null, clock = null, purpose = null;
            await using (var reader = await sent.ExecuteReaderAsync().ConfigureAwait(false))
            {
                if (await reader.ReadAsync().ConfigureAwait(false)) (escalation, kind, target, clock, purpose) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), TextOf(reader, 3), TextOf(reader, 4));
            }
            if (escalation is null) return false;
            await using var after = Command(connection, transaction, "");
            if (purpose == DeliveryPurposes.Hold)
            {
                // The hold set at escalation (not the call that ends it later) is written.
                after.CommandText = "UPDATE escalations SET hold_written_at = COALESCE(hold_written_at, @t) WHERE id = @e";
                Bind(after, ("t", Ms(at)), ("e", escalation));
                await after.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            if (clock == SlaClocks.Breach)
            {
                after.CommandText = "UPDATE escalations SET sla_missed_at = COALESCE(sla_missed_at, sla_due_at, @t) WHERE id = @e";
                Bind(after, ("t", Ms(at)), ("e", escalation));
                await after.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            if (kind is nameof(DeliveryKind.Post) or nameof(DeliveryKind.Digest))
            {
                // A digest's landing place is each of its escalations' (their replies go in its thread).
                after.CommandText = kind == nameof(DeliveryKind.Post)
                    ? "UPDATE escalations SET slack_channel = @c, slack_ts = @ts, sent_at = @t WHERE id = @e"
                    : "UPDATE escalations SET slack_channel = @c, slack_ts = @ts, sent_at = @t WHERE digest_id = @e";
                Bind(after, ("c", slackChannel), ("ts", slackTs), ("t", Ms(at)), ("e", escalation));
                await after.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            await ReleaseAsync(connection, transaction, target!, owner, destinationFreeAt).ConfigureAwait(false);
            return true;
        }, ct);

    public Task MarkRetryAsync(string owner, string id, DateTimeOffset dueAt, string error, bool countAttempt, bool inDoubt, DateTimeOffset destinationFreeAt, CancellationToken ct) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var retry = Command(connection, transaction,
                $"""
                UPDATE deliveries SET state = 'Pending', due_at = @n, last_error = @e, in_doubt = @d, lease_owner = NULL, lease_until = NULL{(countAttempt ? "" : ", attempts = GREATEST(attempts - 1, 0)")}
                WHERE id = @id AND state = 'Sending' AND lease_owner = @o
                RETURNING target
                """);
            Bind(retry, ("n", Ms(dueAt)), ("e", error), ("d", inDoubt), ("id", id), ("o", owner));
            if (await retry.ExecuteScalarAsync().ConfigureAwait(false) is string target) await ReleaseAsync(connection, transaction, target, owner, destinationFreeAt).ConfigureAwait(false);
            return true;
        }, ct);

    public Task MarkDeadAsync(string owner, string id, string error, DateTimeOffset at, DateTimeOffset destinationFreeAt, CancellationToken ct) => db.WriteAsync(async (connection, transaction) =>
    {
        await using var dead = Command(connection, transaction,
            """
            UPDATE deliveries SET state = 'Dead', last_error = @e, dead_at = @t, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND state = 'Sending' AND lease_owner = @o
            RETURNING escalation_id, kind, target
            """);
        Bind(dead, ("e", error), ("t", Ms(at)), ("id", id), ("o", owner));
        string? escalation = null, kind = null, target = null;
        await using (var reader = await dead.ExecuteReaderAsync().ConfigureAwait(false))
        {
            if (await reader.ReadAsync().ConfigureAwait(false)) (escalation, kind, target) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }
        if (escalation is null) return false;
        if (kind == nameof(DeliveryKind.Post))
        {
            // An escalation that never reached Slack does not count against the guardrails, and has no SLA to remind of.
            await using var free = Command(connection, transaction, "UPDATE escalations SET dead_at = @t WHERE id = @e");
            Bind(free, ("t", Ms(at)), ("e", escalation));
            await free.ExecuteNonQueryAsync().ConfigureAwait(false);
            await CancelClocksAsync(connection, transaction, escalation, "the escalation's message was never posted", at).ConfigureAwait(false);
        }
        else if (kind == nameof(DeliveryKind.Digest))
        {
            // Nor do the escalations of a digest that never reached Slack.
            await using var free = Command(connection, transaction, "UPDATE escalations SET dead_at = @t WHERE digest_id = @e RETURNING id");
            Bind(free, ("t", Ms(at)), ("e", escalation));
            var ids = new List<string>();
            await using (var reader = await free.ExecuteReaderAsync().ConfigureAwait(false))
            {
                while (await reader.ReadAsync().ConfigureAwait(false)) ids.Add(reader.GetString(0));
            }
            foreach (var each in ids) await CancelClocksAsync(connection, transaction, each, "the digest holding the escalation was never posted", at).ConfigureAwait(false);
        }
        await ReleaseAsync(connection, transaction, target!, owner, destinationFreeAt).ConfigureAwait(false);
        return true;
    }, ct);

    /// <summary>The lines of a digest's escalations, oldest first, as many as one message holds.</summary>
    private static async Task<List<byte[]>> LinesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string digestId)
    {
        await using var query = Command(connection, transaction, "SELECT digest_line FROM escalations WHERE digest_id = @d ORDER BY evaluated_at, id LIMIT @l");
        Bind(query, ("d", digestId), ("l", RetentionPlaybooks.Workspace.DigestPolicy.MaxLines));
        await using var reader = await query.ExecuteReaderAsync().ConfigureAwait(false);
        var lines = new List<byte[]>();
        while (await reader.ReadAsync().ConfigureAwait(false)) lines.Add((byte[])reader[0]);
        return lines;
    }

    /// <summary>
    /// As <see cref="SqliteDeliveries.FileDigest"/>: the channel's open digest (not yet tried, locked so a claim skips it until this
    /// transaction ends) while it has room; after a full one, another due at the same time; otherwise a new one, one interval on.
    /// </summary>
    internal static async Task<string> FileDigestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, byte[] head, TimeSpan every, DateTimeOffset at)
    {
        await using var open = Command(connection, transaction,
            """
            SELECT d.id, d.due_at, (SELECT COUNT(*) FROM escalations x WHERE x.digest_id = d.id) FROM deliveries d
            WHERE d.kind = 'Digest' AND d.target = @t AND d.state = 'Pending' AND d.attempts = 0 AND NOT d.in_doubt
            ORDER BY d.due_at DESC, d.id DESC LIMIT 1
            FOR UPDATE OF d
            """);
        Bind(open, ("t", target));
        DateTimeOffset? due = null;
        await using (var reader = await open.ExecuteReaderAsync().ConfigureAwait(false))
        {
            if (await reader.ReadAsync().ConfigureAwait(false))
            {
                if (reader.GetInt64(2) < RetentionPlaybooks.Workspace.DigestPolicy.MaxLines) return reader.GetString(0);
                due = At(reader.GetInt64(1));
            }
        }
        var id = RetentionPlaybooks.Pipeline.Ulid.New(at);
        await InsertAsync(connection, transaction, new NewDelivery(id, id, DeliveryKind.Digest, target, head, due ?? at + every), at).ConfigureAwait(false);
        return id;
    }

    /// <summary>Removes a digest opened for an escalation that was then not inserted, when no other line is filed into it.</summary>
    internal static async Task DropEmptyDigestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string digestId)
    {
        await using var drop = Command(connection, transaction,
            "DELETE FROM deliveries WHERE id = @d AND kind = 'Digest' AND NOT EXISTS (SELECT 1 FROM escalations WHERE digest_id = @d)");
        Bind(drop, ("d", digestId));
        await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>The case's SLA clocks that have not fired yet no longer apply; a clock being sent right now goes out.</summary>
    internal static async Task<int> CancelClocksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string escalationId, string why, DateTimeOffset at)
    {
        await using var cancel = Command(connection, transaction,
            "UPDATE deliveries SET state = 'Cancelled', last_error = @w, dead_at = @t WHERE escalation_id = @e AND clock IS NOT NULL AND state = 'Pending'");
        Bind(cancel, ("w", why), ("t", Ms(at)), ("e", escalationId));
        return await cancel.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>The attempt is over: the destination is free at <paramref name="freeAt"/> — unless another host holds it now,
    /// whose hold stands; a destination paced as a rate (held by no one) only has its next-free time pushed later.</summary>
    private static async Task ReleaseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, string owner, DateTimeOffset freeAt)
    {
        await using var release = Command(connection, transaction,
            """
            UPDATE destinations SET next_free_at = CASE WHEN held_by = @o THEN @f ELSE GREATEST(COALESCE(next_free_at, 0), @f) END, held_by = NULL
            WHERE target = @t AND (held_by = @o OR held_by IS NULL)
            """);
        Bind(release, ("t", target), ("f", Ms(freeAt)), ("o", owner));
        await release.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public Task<DeliveryItem?> GetAsync(string id, CancellationToken ct) => db.ReadAsync(async connection =>
    {
        await using var query = Command(connection, null, $"{Select} WHERE d.id = @id");
        Bind(query, ("id", id));
        return (await ReadAsync(query).ConfigureAwait(false)).FirstOrDefault();
    }, ct);

    public Task<IReadOnlyList<DeliveryItem>> OfEscalationAsync(string escalationId, CancellationToken ct) => db.ReadAsync(async connection =>
    {
        await using var query = Command(connection, null, $"{Select} WHERE d.escalation_id = @e ORDER BY d.created_at, d.seq");
        Bind(query, ("e", escalationId));
        return await ReadAsync(query).ConfigureAwait(false);
    }, ct);

    public Task<IReadOnlyList<DeliveryItem>> DeadLettersAsync(int limit, CancellationToken ct) => db.ReadAsync(async connection =>
    {
        await using var query = Command(connection, null, $"{Select} WHERE d.state = 'Dead' ORDER BY d.created_at DESC, d.seq DESC LIMIT @l");
        Bind(query, ("l", limit));
        return await ReadAsync(query).ConfigureAwait(false);
    }, ct);

    public Task<DateTimeOffset?> DestinationFreeAtAsync(string target, CancellationToken ct) => db.ReadAsync(async connection =>
    {
        await using var query = Command(connection, null, "SELECT next_free_at FROM destinations WHERE target = @t");
        Bind(query, ("t", target));
        return await query.ExecuteScalarAsync(ct).ConfigureAwait(false) is long ms ? At(ms) : (DateTimeOffset?)null;
    }, ct);

    private static async Task<IReadOnlyList<DeliveryItem>> ReadAsync(NpgsqlCommand query)
    {
        await using var reader = await query.ExecuteReaderAsync().ConfigureAwait(false);
        var list = new List<DeliveryItem>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            // A kind a newer host wrote is not ours to show or send.
            if (!DeliveryKinds.TryRead(reader.GetString(2), out var kind)) continue;
            list.Add(new DeliveryItem(reader.GetString(0), reader.GetString(1), kind, reader.GetString(3), reader.GetString(4),
                reader.GetString(5), (byte[])reader[6], Enum.Parse<DeliveryState>(reader.GetString(7)), reader.GetInt32(8), At(reader.GetInt64(9)), At(reader.GetInt64(10)),
                TextOf(reader, 11), TextOf(reader, 12), TextOf(reader, 13), reader.GetBoolean(14), TextOf(reader, 15), TextOf(reader, 16), TextOf(reader, 17)));
        }
        return list;
    }
}
