using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using RetentionPlaybooks.Host.Pipeline;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// In process, the small rules the inbox worker leans on: which failure is the record's own (quarantine it) and which is the
/// store's or the host's (leave the record for the next attempt), what an operator is told about either without customer
/// data, and which reporting webhooks are a declared promotion sent during a hold.
/// </summary>
public sealed class SignalProcessorFaultTests
{
    private static readonly DateTimeOffset Received = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly HashSet<string> Promotions = ["campaign:12", "broadcast:7", "journey:abc"];

    public static TheoryData<Exception, bool> Faults => new()
    {
        { new InvalidOperationException("a stage broke"), true },
        { new FormatException(), true },
        { new OverflowException(), true },
        { new OperationCanceledException(), false },
        { new TaskCanceledException(), false },
        { new ObjectDisposedException("store"), false },
        { new SqliteException("database is locked", 5), false },
        { new NpgsqlException("cannot connect"), false },
        { new PostgresException("disk full", "ERROR", "ERROR", "53100"), false },
        { new OutOfMemoryException(), false },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void AContentFault_IsTheRecordsOwn_TheStoreOrTheHostIsNot(Exception ex, bool content) =>
        Assert.Equal(content, SignalProcessor.IsContentFault(ex));

    [Fact]
    public void TheQuarantineReason_NamesTheType_WhereItWasThrown_AndTheStage_NotTheMessage()
    {
        Exception thrown;
        try
        {
            _ = int.Parse("cus_secret@example.com", System.Globalization.CultureInfo.InvariantCulture);
            throw new InvalidOperationException("unreachable");
        }
        catch (FormatException ex)
        {
            thrown = ex;
        }

        var reason = SignalProcessor.QuarantineReason(thrown, "rendering the message");

        Assert.StartsWith("FormatException in ", reason, StringComparison.Ordinal);
        Assert.EndsWith(" while rendering the message", reason, StringComparison.Ordinal);
        Assert.Matches(@"^FormatException in \w+\.\w+ while rendering the message$", reason);
        Assert.DoesNotContain("secret", reason, StringComparison.Ordinal);
        // Never thrown: no site to name.
        Assert.Equal("ArgumentException while reading the webhook", SignalProcessor.QuarantineReason(new ArgumentException("cus_secret"), "reading the webhook"));
    }

    [Theory]
    [InlineData("""{"metric":"sent","timestamp":1764583200,"data":{"identifiers":{"id":"cus_1"},"campaign_id":12}}""", "campaign:12")]
    [InlineData("""{"metric":"sent","timestamp":1764583200,"data":{"identifiers":{"id":"cus_1"},"campaign_id":"12"}}""", "campaign:12")]
    [InlineData("""{"metric":"sent","timestamp":1764583200,"data":{"identifiers":{"id":"cus_1"},"broadcast_id":7}}""", "broadcast:7")]
    [InlineData("""{"metric":"sent","timestamp":1764583200,"data":{"identifiers":{"id":"cus_1"},"journey_id":"abc"}}""", "journey:abc")]
    [InlineData("""{"metric":"sent","timestamp":1764583200,"data":{"identifiers":{"id":"cus_1"},"campaign_id":99,"journey_id":"abc"}}""", "journey:abc")]
    public void ADeclaredPromotionSent_ToAKnownCustomer_IsFound(string json, string promotion)
    {
        var sent = Assert.Single(SignalProcessor.PromotionSentIn(Encoding.UTF8.GetBytes(json), Promotions, Received)!);

        Assert.Equal(new PromotionSent("cus_1", promotion, DateTimeOffset.FromUnixTimeSeconds(1764583200)), sent);
    }

    [Theory]
    [InlineData("""{"metric":"opened","data":{"identifiers":{"id":"cus_1"},"campaign_id":12}}""")]     // not a send
    [InlineData("""{"data":{"identifiers":{"id":"cus_1"},"campaign_id":12}}""")]
    [InlineData("""{"metric":"sent","data":{"identifiers":{"id":"cus_1"},"campaign_id":13}}""")]       // not declared
    [InlineData("""{"metric":"sent","data":{"identifiers":{"id":"cus_1"},"campaign_id":""}}""")]
    [InlineData("""{"metric":"sent","data":{"identifiers":{"id":"cus_1"},"campaign_id":true}}""")]
    [InlineData("""{"metric":"sent","data":{"identifiers":{"id":"cus_1"},"newsletter_id":12}}""")]
    [InlineData("""{"metric":"sent","data":{"identifiers":{"id":""},"campaign_id":12}}""")]           // nobody to hold
    [InlineData("""{"metric":"sent","data":{"identifiers":{},"campaign_id":12}}""")]
    [InlineData("""{"metric":"sent","data":{"identifiers":"cus_1","campaign_id":12}}""")]
    [InlineData("""{"metric":"sent","data":{"campaign_id":12}}""")]
    [InlineData("""{"metric":"sent","data":"cus_1"}""")]
    [InlineData("""{"metric":"sent","data":[{"identifiers":{"id":"cus_1"},"campaign_id":12}]}""")]
    [InlineData("""{"metric":"sent"}""")]
    [InlineData("""[{"metric":"sent"}]""")]
    [InlineData("""{"metric":"sent","data":{"identifiers":{"id":"cus_1"},"campaign_id":12}""")]    // cut short
    [InlineData("")]
    public void AnythingElse_IsNoPromotion(string json) =>
        Assert.Null(SignalProcessor.PromotionSentIn(Encoding.UTF8.GetBytes(json), Promotions, Received));

    [Fact]
    public void WithoutDeclaredPromotions_NothingIsRead()
    {
        var json = Encoding.UTF8.GetBytes("""{"metric":"sent","data":{"identifiers":{"id":"cus_1"},"campaign_id":12}}""");

        Assert.Null(SignalProcessor.PromotionSentIn(json, null, Received));
        Assert.Null(SignalProcessor.PromotionSentIn(json, new HashSet<string>(), Received));
    }

    [Theory]
    [InlineData("1", 1L)]                       // the first second after the epoch: sane
    [InlineData("253402300798", 253402300798L)] // the last whole second before year 10,000
    [InlineData("0", null)]                     // not sane: when it arrived
    [InlineData("-5", null)]
    [InlineData("253402300799", null)]
    [InlineData("1e300", null)]
    [InlineData("1.5", null)]
    [InlineData("\"1764583200\"", null)]
    [InlineData("null", null)]
    public void WhenItWasSent_IsTheWebhooksTimeWhenSane_ElseWhenItArrived(string timestamp, long? seconds)
    {
        var json = Encoding.UTF8.GetBytes($$$"""{"metric":"sent","timestamp":{{{timestamp}}},"data":{"identifiers":{"id":"cus_1"},"campaign_id":12}}""");

        var sent = Assert.Single(SignalProcessor.PromotionSentIn(json, Promotions, Received)!);

        Assert.Equal(seconds is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : Received, sent.SentAt);
    }

    [Fact]
    public void AStoreError_IsSaidByItsEngineAndCode_NeverItsMessage()
    {
        var sqlite = new SqliteException("UNIQUE constraint failed: cus_secret@example.com", 19, 2067);
        var postgres = new PostgresException("duplicate key value (cus_secret@example.com)", "ERROR", "ERROR", "23505");
        var unreachable = new NpgsqlException("cannot reach cus_secret@example.com");

        Assert.Equal("SQLite error 19", StoreErrors.Code(sqlite));
        Assert.Equal("PostgreSQL error 23505", StoreErrors.Code(postgres));
        Assert.Equal("PostgreSQL cannot be reached", StoreErrors.Code(unreachable));
        Assert.Equal(19, StoreErrors.Number(sqlite));
        Assert.Equal("23505", StoreErrors.Number(postgres));
        Assert.Equal(unreachable.ErrorCode, StoreErrors.Number(unreachable));
        Assert.Equal("SqliteException 19 (2067) while writing the results", StoreErrors.RecordFault(sqlite));
        Assert.Equal("PostgresException 23505 while writing the results", StoreErrors.RecordFault(postgres));
        Assert.Equal("NpgsqlException while writing the results", StoreErrors.RecordFault(unreachable));
        Assert.Equal("InvalidOperationException while writing the results", StoreErrors.RecordFault(new InvalidOperationException("cus_secret")));
        Assert.Equal($"OtherDbException {new OtherDbException().ErrorCode}", StoreErrors.Code(new OtherDbException()));
        Assert.Equal(new OtherDbException().ErrorCode, StoreErrors.Number(new OtherDbException()));
    }

    private sealed class OtherDbException() : System.Data.Common.DbException("cus_secret", -7);
}
