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

    /// <summary>The engine's own code alone, for /health's data: SQLite's number, PostgreSQL's SQLSTATE.</summary>
    public static object Number(DbException ex) => ex switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode,
        Npgsql.PostgresException pg => pg.SqlState,
        _ => ex.ErrorCode,
    };

    /// <summary>What went wrong writing a record's results, without the message (a constraint message can quote a value).</summary>
    public static string RecordFault(Exception ex) => ex switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => $"SqliteException {sqlite.SqliteErrorCode} ({sqlite.SqliteExtendedErrorCode}) while writing the results",
        Npgsql.PostgresException pg => $"PostgresException {pg.SqlState} while writing the results",
        _ => $"{ex.GetType().Name} while writing the results",
    };
}
