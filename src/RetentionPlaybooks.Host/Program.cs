using RetentionPlaybooks.Host;
using RetentionPlaybooks.Host.Playbooks;

// Settings files sit next to the binary of a published host; started from another folder, it must still find them
// (without them it would run on bare defaults and log every request).
var contentRoot = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory;
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
try
{
    builder.AddRetentionPlaybooks();
}
catch (HostConfigurationException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
var app = builder.Build();
try
{
    app.MapRetentionPlaybooks();
}
catch (PlaybookLoadException ex)
{
    // The diagnostics are the message: say them and stop, without a stack trace or an abort.
    Console.Error.WriteLine($"RetentionPlaybooks host: not started, {ex.Message}");
    return 1;
}
catch (RetentionPlaybooks.Host.Storage.SchemaTooNewException ex)
{
    Console.Error.WriteLine($"RetentionPlaybooks host: not started, {ex.Message}");
    return 2;
}
catch (Npgsql.NpgsqlException ex)
{
    // Npgsql's messages name the host and port, never the password.
    var cause = ex.InnerException is { } inner ? $" ({inner.Message})" : "";
    Console.Error.WriteLine($"RetentionPlaybooks host: not started, cannot reach the store (Store:Postgres): {ex.Message}{cause}");
    return 2;
}
catch (Microsoft.Data.Sqlite.SqliteException ex)
{
    Console.Error.WriteLine($"RetentionPlaybooks host: not started, cannot open the store (Store:Sqlite): SQLite error {ex.SqliteErrorCode}: {ex.Message}");
    return 2;
}
app.Run();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
