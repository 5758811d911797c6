using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Tests.Storage;

/// <summary>The store contract on PostgreSQL: a fresh database per test on the cluster of <c>RP_TEST_POSTGRES</c> (tests/run starts
/// one); the second instance is another store (its own connection pool) on the same database, as another host would be.</summary>
[Trait("Category", "Postgres")] // needs RP_TEST_POSTGRES (tests/run starts a cluster); fails loudly without it
public sealed class PostgresStoreContractTests : StoreContract
{
    private PostgresTestDatabase? _database;

    private protected override async Task<IStore> CreateAsync(TimeProvider time)
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return PostgresStore.Open(_database.ConnectionString, time);
    }

    private protected override Task<IStore> OpenAnotherAsync(TimeProvider time) => Task.FromResult<IStore>(PostgresStore.Open(_database!.ConnectionString, time));

    private protected override IReportStore ReportOf(IStore store) => new PostgresReport(((PostgresStore)store).Database);

    protected override Task DropAsync() => _database?.DropAsync() ?? Task.CompletedTask;
}
