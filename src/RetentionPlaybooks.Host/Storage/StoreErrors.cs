using System.Data.Common;

namespace RetentionPlaybooks.Host.Storage;

/// <summary>A store error as an answer or /health may say it: the engine and its code, never the message (a constraint message
/// can quote a value).</summary>
internal static class StoreErrors
{
    public static string Code(DbException ex) => ex switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => $"SQLite error {sqlite.SqliteErrorCode}",
        Npgsql.PostgresException pg => $"PostgreSQL error {pg.SqlState}",
        Npgsql.NpgsqlException => "PostgreSQL cannot be reached",
        _ => $"{ex.GetType().Name} {ex.ErrorCode}",
    };
}
