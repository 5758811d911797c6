using Microsoft.Data.Sqlite;
using static RetentionPlaybooks.Host.Storage.SqliteDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>The deliveries' SQL: claims with leases, destinations' pacing rows, the states of the in-doubt protocol.</summary>
internal sealed class SqliteDeliveries(SqliteDatabase db) : IDeliveryStore
{
    private const string Select =
        """
        SELECT d.id, d.escalation_id, d.kind, COALESCE(e.playbook, '-'), COALESCE(e.channel, '-'), d.target, d.body, d.state, d.attempts, d.due_at, d.created_at,
               d.slack_channel, d.slack_ts, d.last_error, d.in_doubt, e.slack_channel, e.slack_ts, d.clock
        FROM deliveries d LEFT JOIN escalations e ON e.id = d.escalation_id
        """;

    internal static void Insert(SqliteConnection connection, SqliteTransaction transaction, NewDelivery d, DateTimeOffset at)
    {
        using var insert = Command(connection, transaction,
            "INSERT INTO deliveries (id, escalation_id, kind, target, body, state, attempts, due_at, created_at, clock, purpose) VALUES ($id, $e, $k, $t, $b, 'Pending', 0, $d, $c, $clock, $p)");
        Bind(insert, ("$id", d.Id), ("$e", d.EscalationId), ("$k", d.Kind.ToString()), ("$t", d.Target), ("$b", d.Body), ("$d", Ms(d.DueAt)), ("$c", Ms(at)), ("$clock", d.Clock), ("$p", d.Purpose));
        insert.ExecuteNonQuery();
    }

    public Task AddAsync(IReadOnlyList<NewDelivery> deliveries, DateTimeOffset at, CancellationToken ct) => db.Write((connection, transaction) =>
    {
        foreach (var d in deliveries) Insert(connection, transaction, d, at);
        return true;
    }, ct);

    /// <summary>The SQL condition of a lane (kind is CustomerIo, or is not), on the deliveries aliased <c>d</c>.</summary>
    private static string InLane(DeliveryLane lane) => DeliveryKinds.Of(lane);

    public Task<DeliveryItem?> ClaimAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct, DeliveryLane lane = DeliveryLane.Slack, DeliveryRate? rate = null) =>
        db.Write((connection, transaction) =>
        {
            var n = Ms(now);
            // A destination is free when its next-free time has come — or, paced as a rate, when it is at most a burst ahead.
            var free = rate is null ? "(c.next_free_at IS NULL OR c.next_free_at <= $n OR c.held_by = $o)" : "(c.next_free_at IS NULL OR c.next_free_at <= $n + $burst)";
            // First a delivery left sending by a holder that is gone (lease expired), by this owner (it failed or crashed
            // mid-send), or by a host from before leases (no lease at all): it may have reached the destination, so it is
            // claimed in doubt. Then the oldest due pending one.
            // Either only where its destination is free.
            using var pick = Command(connection, transaction,
                $"""
                SELECT d.id, d.state FROM deliveries d LEFT JOIN destinations c ON c.target = d.target
                WHERE d.state = 'Sending' AND {InLane(lane)} AND (d.lease_until IS NULL OR d.lease_until <= $n OR d.lease_owner = $o) AND {free}
                ORDER BY d.lease_until, d.id LIMIT 1
                """);
            Bind(pick, ("$n", n), ("$o", owner), ("$burst", rate is null ? 0 : (long)rate.Burst.TotalMilliseconds));
            var id = pick.ExecuteScalar() as string;
            if (id is null)
            {
                pick.CommandText =
                    $"""
                    SELECT d.id FROM deliveries d LEFT JOIN destinations c ON c.target = d.target
                    WHERE d.state = 'Pending' AND {InLane(lane)} AND d.due_at <= $n AND {free}
                    ORDER BY d.due_at, d.created_at, d.id LIMIT 1
                    """;
                id = pick.ExecuteScalar() as string;
            }
            if (id is null) return null;
            using var claim = Command(connection, transaction,
                """
                UPDATE deliveries SET in_doubt = CASE WHEN state = 'Sending' THEN 1 ELSE in_doubt END,
                    state = 'Sending', attempts = attempts + 1, lease_owner = $o, lease_until = $u
                WHERE id = $id
                """);
            Bind(claim, ("$o", owner), ("$u", Ms(leaseUntil)), ("$id", id));
            claim.ExecuteNonQuery();
            // Held for the attempt (a Slack channel), or paced: the next-free time moves on one interval from now or from
            // where it was, whichever is later (a rate's theoretical arrival time); nobody holds it.
            using var reserve = Command(connection, transaction, rate is null
                ? """
                  INSERT INTO destinations (target, next_free_at, held_by) SELECT target, $f, $o FROM deliveries WHERE id = $id
                  ON CONFLICT (target) DO UPDATE SET next_free_at = excluded.next_free_at, held_by = excluded.held_by
                  """
                : """
                  INSERT INTO destinations (target, next_free_at, held_by) SELECT target, $n + $i, NULL FROM deliveries WHERE id = $id
                  ON CONFLICT (target) DO UPDATE SET next_free_at = MAX(COALESCE(next_free_at, 0), $n) + $i, held_by = NULL
                  """);
            Bind(reserve, ("$f", Ms(leaseUntil)), ("$o", owner), ("$id", id), ("$n", n), ("$i", rate is null ? 0 : (long)rate.Interval.TotalMilliseconds));
            reserve.ExecuteNonQuery();
            using var read = Command(connection, transaction, $"{Select} WHERE d.id = $id");
            Bind(read, ("$id", id));
            var item = Read(read).Single();
            return item.Kind == DeliveryKind.Digest ? Digests.Assembled(item, Lines(connection, transaction, item.Id)) : item;
        }, ct);

    /// <summary>The lines of a digest's escalations, oldest first, as many as one message holds.</summary>
    private static List<byte[]> Lines(SqliteConnection connection, SqliteTransaction transaction, string digestId)
    {
        using var query = Command(connection, transaction, "SELECT digest_line FROM escalations WHERE digest_id = $d ORDER BY evaluated_at, id LIMIT $l");
        Bind(query, ("$d", digestId), ("$l", RetentionPlaybooks.Workspace.DigestPolicy.MaxLines));
        using var reader = query.ExecuteReader();
        var lines = new List<byte[]>();
        while (reader.Read()) lines.Add((byte[])reader[0]);
        return lines;
    }

    /// <summary>
    /// The digest an escalation rolled in on <paramref name="target"/> is filed into: the channel's open one (not yet tried) while
    /// it has room; after a full one, another due at the same time; otherwise a new one, due one interval on.
    /// </summary>
    internal static string FileDigest(SqliteConnection connection, SqliteTransaction transaction, string target, byte[] head, TimeSpan every, DateTimeOffset at)
    {
        using var open = Command(connection, transaction,
            """
            SELECT d.id, d.due_at, (SELECT COUNT(*) FROM escalations x WHERE x.digest_id = d.id) FROM deliveries d
            WHERE d.kind = 'Digest' AND d.target = $t AND d.state = 'Pending' AND d.attempts = 0 AND d.in_doubt = 0
            ORDER BY d.due_at DESC, d.id DESC LIMIT 1
            """);
        Bind(open, ("$t", target));
        DateTimeOffset? due = null;
        using (var reader = open.ExecuteReader())
        {
            if (reader.Read())
            {
                if (reader.GetInt64(2) < RetentionPlaybooks.Workspace.DigestPolicy.MaxLines) return reader.GetString(0);
                due = At(reader.GetInt64(1));
            }
        }
        var id = RetentionPlaybooks.Pipeline.Ulid.New(at);
        Insert(connection, transaction, new NewDelivery(id, id, DeliveryKind.Digest, target, head, due ?? at + every), at);
        return id;
    }

    /// <summary>Removes a digest opened for an escalation that was then not inserted, when no other line is filed into it.</summary>
    internal static void DropEmptyDigest(SqliteConnection connection, SqliteTransaction transaction, string digestId)
    {
        using var drop = Command(connection, transaction,
            "DELETE FROM deliveries WHERE id = $d AND kind = 'Digest' AND NOT EXISTS (SELECT 1 FROM escalations WHERE digest_id = $d)");
        Bind(drop, ("$d", digestId));
        drop.ExecuteNonQuery();
    }

    public Task<DateTimeOffset?> NextClaimAsync(CancellationToken ct, DeliveryLane lane = DeliveryLane.Slack, DeliveryRate? rate = null) => db.Read(connection =>
    {
        using var query = Command(connection, null,
            $"""
            SELECT MIN(at) FROM (
                SELECT MAX(d.due_at, COALESCE(c.next_free_at, 0) - $burst) AS at FROM deliveries d LEFT JOIN destinations c ON c.target = d.target WHERE d.state = 'Pending' AND {InLane(lane)}
                UNION ALL
                SELECT MAX(COALESCE(d.lease_until, 0), COALESCE(c.next_free_at, 0) - $burst) FROM deliveries d LEFT JOIN destinations c ON c.target = d.target WHERE d.state = 'Sending' AND {InLane(lane)})
            """);
        Bind(query, ("$burst", rate is null ? 0 : (long)rate.Burst.TotalMilliseconds));
        return query.ExecuteScalar() is long ms ? At(ms) : (DateTimeOffset?)null;
    });

    public Task MarkSentAsync(string owner, string id, string slackChannel, string slackTs, DateTimeOffset at, DateTimeOffset destinationFreeAt, CancellationToken ct) =>
        db.Write((connection, transaction) =>
        {
            using var sent = Command(connection, transaction,
                """
                UPDATE deliveries SET state = 'Sent', slack_channel = $c, slack_ts = $ts, sent_at = $t, last_error = NULL, in_doubt = 0, lease_owner = NULL, lease_until = NULL
                WHERE id = $id AND state = 'Sending' AND lease_owner = $o
                RETURNING escalation_id, kind, target, clock, purpose
                """);
            Bind(sent, ("$c", slackChannel), ("$ts", slackTs), ("$t", Ms(at)), ("$id", id), ("$o", owner));
            string? escalation = null, kind = null, target = null, clock = null, purpose = null;
            using (var reader = sent.ExecuteReader())
            {
                if (reader.Read()) (escalation, kind, target, clock, purpose) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), TextOf(reader, 3), TextOf(reader, 4));
            }
            if (escalation is null) return false;
            if (purpose == DeliveryPurposes.Hold)
            {
                // The hold set at escalation (not the call that ends it later) is written.
                using var hold = Command(connection, transaction, "UPDATE escalations SET hold_written_at = COALESCE(hold_written_at, $t) WHERE id = $e");
                Bind(hold, ("$t", Ms(at)), ("$e", escalation));
                hold.ExecuteNonQuery();
            }
            if (clock == SlaClocks.Breach)
            {
                // The message now says the SLA was missed: the case records that it was, as of the SLA's end.
                using var missed = Command(connection, transaction, "UPDATE escalations SET sla_missed_at = COALESCE(sla_missed_at, sla_due_at, $t) WHERE id = $e");
                Bind(missed, ("$t", Ms(at)), ("$e", escalation));
                missed.ExecuteNonQuery();
            }
            if (kind is nameof(DeliveryKind.Post) or nameof(DeliveryKind.Digest))
            {
                // Where the post landed is the escalation's: its updates and thread replies go there. A digest's is each of its
                // escalations': their replies go in the digest's thread.
                using var landed = Command(connection, transaction, kind == nameof(DeliveryKind.Post)
                    ? "UPDATE escalations SET slack_channel = $c, slack_ts = $ts, sent_at = $t WHERE id = $e"
                    : "UPDATE escalations SET slack_channel = $c, slack_ts = $ts, sent_at = $t WHERE digest_id = $e");
                Bind(landed, ("$c", slackChannel), ("$ts", slackTs), ("$t", Ms(at)), ("$e", escalation));
                landed.ExecuteNonQuery();
            }
            Release(connection, transaction, target!, owner, destinationFreeAt);
            return true;
        }, ct);

    public Task MarkRetryAsync(string owner, string id, DateTimeOffset dueAt, string error, bool countAttempt, bool inDoubt, DateTimeOffset destinationFreeAt, CancellationToken ct) =>
        db.Write((connection, transaction) =>
        {
            using var retry = Command(connection, transaction,
                $"""
                UPDATE deliveries SET state = 'Pending', due_at = $n, last_error = $e, in_doubt = $d, lease_owner = NULL, lease_until = NULL{(countAttempt ? "" : ", attempts = MAX(attempts - 1, 0)")}
                WHERE id = $id AND state = 'Sending' AND lease_owner = $o
                RETURNING target
                """);
            Bind(retry, ("$n", Ms(dueAt)), ("$e", error), ("$d", inDoubt ? 1 : 0), ("$id", id), ("$o", owner));
            if (retry.ExecuteScalar() is string target) Release(connection, transaction, target, owner, destinationFreeAt);
            return true;
        }, ct);

    public Task MarkDeadAsync(string owner, string id, string error, DateTimeOffset at, DateTimeOffset destinationFreeAt, CancellationToken ct) => db.Write((connection, transaction) =>
    {
        using var dead = Command(connection, transaction,
            """
            UPDATE deliveries SET state = 'Dead', last_error = $e, dead_at = $t, lease_owner = NULL, lease_until = NULL
            WHERE id = $id AND state = 'Sending' AND lease_owner = $o
            RETURNING escalation_id, kind, target
            """);
        Bind(dead, ("$e", error), ("$t", Ms(at)), ("$id", id), ("$o", owner));
        string? escalation = null, kind = null, target = null;
        using (var reader = dead.ExecuteReader())
        {
            if (reader.Read()) (escalation, kind, target) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }
        if (escalation is null) return false;
        if (kind == nameof(DeliveryKind.Post))
        {
            // An escalation that never reached Slack does not count against the guardrails, and has no SLA to remind of.
            using var free = Command(connection, transaction, "UPDATE escalations SET dead_at = $t WHERE id = $e");
            Bind(free, ("$t", Ms(at)), ("$e", escalation));
            free.ExecuteNonQuery();
            CancelClocks(connection, transaction, escalation, "the escalation's message was never posted", at);
        }
        else if (kind == nameof(DeliveryKind.Digest))
        {
            // Nor do the escalations of a digest that never reached Slack.
            using var free = Command(connection, transaction, "UPDATE escalations SET dead_at = $t WHERE digest_id = $e RETURNING id");
            Bind(free, ("$t", Ms(at)), ("$e", escalation));
            var ids = new List<string>();
            using (var reader = free.ExecuteReader())
            {
                while (reader.Read()) ids.Add(reader.GetString(0));
            }
            foreach (var id2 in ids) CancelClocks(connection, transaction, id2, "the digest holding the escalation was never posted", at);
        }
        Release(connection, transaction, target!, owner, destinationFreeAt);
        return true;
    }, ct);

    /// <summary>The case's SLA clocks that have not fired yet no longer apply (it was acknowledged or closed, or never posted).
    /// A clock being sent right now goes out: it was due.</summary>
    internal static int CancelClocks(SqliteConnection connection, SqliteTransaction transaction, string escalationId, string why, DateTimeOffset at)
    {
        using var cancel = Command(connection, transaction,
            "UPDATE deliveries SET state = 'Cancelled', last_error = $w, dead_at = $t WHERE escalation_id = $e AND clock IS NOT NULL AND state = 'Pending'");
        Bind(cancel, ("$w", why), ("$t", Ms(at)), ("$e", escalationId));
        return cancel.ExecuteNonQuery();
    }

    /// <summary>The attempt is over: the destination is free at <paramref name="freeAt"/> — unless another host holds it now
    /// (this one's lease ran out and it was taken over), whose hold stands.</summary>
    private static void Release(SqliteConnection connection, SqliteTransaction transaction, string target, string owner, DateTimeOffset freeAt)
    {
        using var release = Command(connection, transaction, "UPDATE destinations SET next_free_at = $f, held_by = NULL WHERE target = $t AND held_by = $o");
        Bind(release, ("$t", target), ("$f", Ms(freeAt)), ("$o", owner));
        if (release.ExecuteNonQuery() > 0) return;
        // A destination paced as a rate is held by no one: a Retry-After can only push its next-free time later.
        release.CommandText = "UPDATE destinations SET next_free_at = MAX(COALESCE(next_free_at, 0), $f) WHERE target = $t AND held_by IS NULL";
        release.ExecuteNonQuery();
    }

    public Task<DeliveryItem?> GetAsync(string id, CancellationToken ct) => db.Read(connection =>
    {
        using var query = Command(connection, null, $"{Select} WHERE d.id = $id");
        Bind(query, ("$id", id));
        return Read(query).FirstOrDefault();
    });

    public Task<IReadOnlyList<DeliveryItem>> OfEscalationAsync(string escalationId, CancellationToken ct) => db.Read(connection =>
    {
        using var query = Command(connection, null, $"{Select} WHERE d.escalation_id = $e ORDER BY d.created_at, d.rowid");
        Bind(query, ("$e", escalationId));
        return Read(query);
    });

    public Task<IReadOnlyList<DeliveryItem>> DeadLettersAsync(int limit, CancellationToken ct) => db.Read(connection =>
    {
        using var query = Command(connection, null, $"{Select} WHERE d.state = 'Dead' ORDER BY d.created_at DESC, d.rowid DESC LIMIT $l");
        Bind(query, ("$l", limit));
        return Read(query);
    });

    public Task<DateTimeOffset?> DestinationFreeAtAsync(string target, CancellationToken ct) => db.Read(connection =>
    {
        using var query = Command(connection, null, "SELECT next_free_at FROM destinations WHERE target = $t");
        Bind(query, ("$t", target));
        return query.ExecuteScalar() is long ms ? At(ms) : (DateTimeOffset?)null;
    });

    private static IReadOnlyList<DeliveryItem> Read(SqliteCommand query)
    {
        using var reader = query.ExecuteReader();
        var list = new List<DeliveryItem>();
        while (reader.Read())
        {
            // A kind a newer host wrote is not ours to show or send.
            if (!DeliveryKinds.TryRead(reader.GetString(2), out var kind)) continue;
            list.Add(new DeliveryItem(reader.GetString(0), reader.GetString(1), kind, reader.GetString(3), reader.GetString(4),
                reader.GetString(5), (byte[])reader[6], Enum.Parse<DeliveryState>(reader.GetString(7)), reader.GetInt32(8), At(reader.GetInt64(9)), At(reader.GetInt64(10)),
                TextOf(reader, 11), TextOf(reader, 12), TextOf(reader, 13), reader.GetInt64(14) != 0, TextOf(reader, 15), TextOf(reader, 16), TextOf(reader, 17)));
        }
        return list;
    }
}
