using Microsoft.Data.Sqlite;
using static RetentionPlaybooks.Host.Storage.SqliteDatabase;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>
/// A promotional message sent to a customer whose retention hold still runs — the margin leak the seed warns about, caught
/// in the act: recorded once per case and webhook, and posted as a reply in the case's thread (no customer data: the
/// promotion's id and the times). Written in the processing transaction of the reporting webhook that showed it.
/// </summary>
internal static class HoldViolations
{
    public static void Record(SqliteConnection connection, SqliteTransaction transaction, long inboxId, PromotionSent promotion, DateTimeOffset at)
    {
        var sentAt = Ms(promotion.SentAt);
        var holds = new List<(string Escalation, string Target, long HoldUntil)>();
        using (var find = Command(connection, transaction,
            """
            SELECT id, target, hold_until FROM escalations
            WHERE customer_id = $c AND hold_until IS NOT NULL AND hold_until > $s AND created_at <= $s AND dead_at IS NULL
            """))
        {
            Bind(find, ("$c", promotion.CustomerId), ("$s", sentAt));
            using var r = find.ExecuteReader();
            while (r.Read()) holds.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
        }
        foreach (var (escalation, target, holdUntil) in holds)
        {
            using var insert = Command(connection, transaction,
                "INSERT INTO hold_violations (escalation_id, inbox_id, promotion, sent_at, recorded_at) VALUES ($e, $i, $p, $s, $t) ON CONFLICT DO NOTHING");
            Bind(insert, ("$e", escalation), ("$i", inboxId), ("$p", promotion.Promotion), ("$s", sentAt), ("$t", Ms(at)));
            if (insert.ExecuteNonQuery() == 0) continue;
            var id = RetentionPlaybooks.Pipeline.Ulid.New(at);
            var body = Interactivity.CaseMessages.HoldViolation(id, escalation, promotion.Promotion, promotion.SentAt, At(holdUntil));
            SqliteDeliveries.Insert(connection, transaction, new NewDelivery(id, escalation, DeliveryKind.ThreadReply, target, body, at), at);
        }
    }
}
