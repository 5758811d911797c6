using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Host.Delivery;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// One host per test: its own SQLite file, the repository's playbooks (or a copy), fixed secrets and a fake
/// clock. Dispose deletes the database.
/// </summary>
internal sealed class HostApp : WebApplicationFactory<Program>
{
    public const string JourneySecret = "test-journey-secret-0123456789";
    public const string ReportingKey = "test-reporting-key-0123456789";
    public const string PipelinesSecret = "test-pipelines-secret-0123456789";

    public static readonly DateTimeOffset Start = new(2026, 11, 28, 13, 42, 0, TimeSpan.Zero);

    private readonly string _dataDir;
    private readonly bool _ownsDataDir;
    private readonly Dictionary<string, string?> _settings;

    /// <param name="dataDirectory">The folder for the database; by default a new temporary one, deleted on Dispose (a given
    /// folder is left as it is, so a second host can open the same database).</param>
    public HostApp(string? playbooksDirectory = null, IDictionary<string, string?>? settings = null, FakeTimeProvider? time = null, string? dataDirectory = null)
    {
        _ownsDataDir = dataDirectory is null;
        _dataDir = dataDirectory ?? Path.Combine(Path.GetTempPath(), "rp-host-" + Guid.NewGuid().ToString("N"));
        Time = time ?? new FakeTimeProvider(Start);
        Directory.CreateDirectory(_dataDir);
        _settings = new Dictionary<string, string?>
        {
            ["Playbooks:Directory"] = playbooksDirectory ?? RepoPaths.Playbooks,
            ["Playbooks:Watch"] = "false",
            ["Store:Sqlite"] = DatabasePath,
            ["CustomerIo:JourneySecret"] = JourneySecret,
            ["CustomerIo:ReportingSigningKey"] = ReportingKey,
            ["CustomerIo:PipelinesSecret"] = PipelinesSecret,
            ["CustomerIo:MaxBodyBytes"] = "65536",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) _settings[k] = v;
    }

    public FakeTimeProvider Time { get; }

    /// <summary>The client address requests appear to come from (the in-memory test server has none by default).</summary>
    public System.Net.IPAddress? RemoteAddress { get; init; }

    public string DatabasePath => Path.Combine(_dataDir, "test.db");

    /// <summary>No console output from the preview sink and only warnings logged: for fuzzing, where thousands of messages are rendered.</summary>
    public bool Quiet { get; init; }

    public PreviewSender Preview => Services.GetRequiredService<PreviewSender>();

    /// <summary>When set, every log line at every level goes here too (formatted, with its exception).</summary>
    public LogCapture? Logs { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        if (Quiet)
        {
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
            builder.UseSetting("Logging:LogLevel:RetentionPlaybooks", "Warning");
        }
        if (Logs is not null) builder.UseSetting("Logging:LogLevel:Default", "Trace");
        builder.ConfigureTestServices(services =>
        {
            if (Logs is { } capture) services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(capture);
            services.AddSingleton<TimeProvider>(Time);
            if (RemoteAddress is { } address) services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RemoteAddressFilter(address));
            if (Quiet)
            {
                services.AddSingleton(sp => new PreviewSender(sp.GetRequiredService<TimeProvider>(), TextWriter.Null));
            }
        });
    }

    public async Task<JsonElement> HealthAsync()
    {
        using var client = CreateClient();
        // Unhealthy is answered 503 (for load balancers), with the same body.
        using var response = await client.GetAsync("/health");
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(health.GetProperty("status").GetString() == "unhealthy" ? System.Net.HttpStatusCode.ServiceUnavailable : System.Net.HttpStatusCode.OK, response.StatusCode);
        return health;
    }

    /// <summary>Waits (bounded, in real time) until the inbox and outbox are drained, advancing the fake clock so paced sends proceed.</summary>
    public async Task<JsonElement> DrainAsync(TimeSpan? step = null, int maxRounds = 6000)
    {
        for (var i = 0; i < maxRounds; i++)
        {
            var health = await HealthAsync();
            if (health.GetProperty("inbox_pending").GetInt64() == 0 && health.GetProperty("outbox_pending").GetInt64() == 0
                && health.GetProperty("write_back_pending").GetInt64() == 0) return health;
            if (step is { } s) Time.Advance(s);
            await Task.Delay(5);
        }
        var store = (RetentionPlaybooks.Host.Storage.SqliteStore)Services.GetRequiredService<RetentionPlaybooks.Host.Storage.IStore>();
        var rows = await store.Database.Read(connection =>
        {
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT id, kind, state, attempts, due_at, last_error FROM deliveries WHERE state IN ('Pending', 'Sending') LIMIT 20";
            using var reader = query.ExecuteReader();
            var list = new List<string>();
            while (reader.Read()) list.Add($"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)} attempts={reader.GetInt32(3)} due={DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)):O} error={(reader.IsDBNull(5) ? "" : reader.GetString(5))}");
            return list;
        });
        throw new TimeoutException("the host did not drain its inbox and outbox: " + await HealthAsync()
            + $"\nclock {Time.GetUtcNow():O}; waiting deliveries: " + string.Join("; ", rows));
    }

    /// <summary>Polls /health (bounded, real time) until the condition holds; the clock does not move.</summary>
    public async Task<JsonElement> WaitUntilAsync(Func<JsonElement, bool> condition, int maxRounds = 4000)
    {
        for (var i = 0; i < maxRounds; i++)
        {
            var health = await HealthAsync();
            if (condition(health)) return health;
            await Task.Delay(5);
        }
        throw new TimeoutException("condition not reached: " + await HealthAsync());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (_ownsDataDir) Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}

/// <summary>Gives every test request a client address, as Kestrel would.</summary>
internal sealed class RemoteAddressFilter(System.Net.IPAddress address) : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(nextMiddleware => context =>
        {
            context.Connection.RemoteIpAddress = address;
            return nextMiddleware(context);
        });
        next(app);
    };
}
