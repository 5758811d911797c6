using Npgsql;

namespace RetentionPlaybooks.Host.Tests.Storage;

/// <summary>
/// A fresh database per test on the cluster <c>RP_TEST_POSTGRES</c> names (tests/run starts a throwaway one and sets it):
/// created empty, dropped at the end. Without the variable it fails the test, saying how to run it — a PostgreSQL test that
/// passes without PostgreSQL would prove nothing.
/// </summary>
internal sealed class PostgresTestDatabase
{
    public const string Variable = "RP_TEST_POSTGRES";

    private readonly string _admin;

    private PostgresTestDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 20 }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The connection string of the new database, for the stores under test.</summary>
    public string ConnectionString { get; }

    /// <summary>The admin connection string from <c>RP_TEST_POSTGRES</c>, or a failure saying to run tests/run.</summary>
    public static string Admin() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } admin
            ? admin
            : throw new InvalidOperationException(
                $"{Variable} is not set: the PostgreSQL store tests need a PostgreSQL cluster. Run tests/run (it installs Debian's postgresql and " +
                $"starts a throwaway cluster), or set {Variable} to a connection string whose user may CREATE DATABASE, e.g. " +
                "Host=127.0.0.1;Port=5432;Username=postgres");

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var admin = Admin();
        var database = new PostgresTestDatabase(admin, $"rp_test_{Guid.NewGuid():N}");
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database.Name}", connection);
        await create.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>One value read from the database (a test's look behind the store).</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(sql, connection);
        return (T)(await query.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DropAsync()
    {
        using (var pooled = new NpgsqlConnection(ConnectionString)) NpgsqlConnection.ClearPool(pooled);
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
