using Microsoft.Extensions.Options;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Health;
using RetentionPlaybooks.Host.Pipeline;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Preview;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Host.Webhooks;

namespace RetentionPlaybooks.Host;

/// <summary>Composition of the host: settings, store, playbooks, pipeline, delivery and endpoints.</summary>
internal static class HostComposition
{
    /// <summary>Binds every settings section and validates them together; throws with all problems listed.</summary>
    public static (PlaybooksOptions Playbooks, StoreOptions Store, SlackOptions Slack, CustomerIoOptions CustomerIo, DeliveryOptions Delivery, HealthOptions Health) LoadSettings(IConfiguration config)
    {
        var playbooks = config.GetSection(PlaybooksOptions.Section).Get<PlaybooksOptions>() ?? new();
        var store = config.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new();
        var slack = config.GetSection(SlackOptions.Section).Get<SlackOptions>() ?? new();
        var cio = config.GetSection(CustomerIoOptions.Section).Get<CustomerIoOptions>() ?? new();
        var delivery = config.GetSection(DeliveryOptions.Section).Get<DeliveryOptions>() ?? new();
        var health = config.GetSection(HealthOptions.Section).Get<HealthOptions>() ?? new();
        var problems = SettingsValidator.Validate(playbooks, store, slack, cio, delivery, health).ToList();
        if (config.GetSection(OperatorOptions.Section).Get<OperatorOptions>()?.Token is { Length: > 0 and < 16 })
        {
            problems.Add("Operator:Token is too short to be a secret; use at least 16 characters (openssl rand -hex 24)");
        }
        if (problems.Count > 0) throw new HostConfigurationException(problems);
        return (playbooks, store, slack, cio, delivery, health);
    }

    public static WebApplicationBuilder AddRetentionPlaybooks(this WebApplicationBuilder builder)
    {
        var (playbooks, store, slack, cio, delivery, health) = LoadSettings(builder.Configuration);

        var services = builder.Services;
        services.AddSingleton(Options.Create(playbooks));
        services.AddSingleton(Options.Create(store));
        services.AddSingleton(Options.Create(slack));
        services.AddSingleton(Options.Create(cio));
        services.AddSingleton(delivery);
        services.AddSingleton(store);
        services.AddSingleton(health);
        services.AddSingleton(builder.Configuration.GetSection(OperatorOptions.Section).Get<OperatorOptions>() ?? new());
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = cio.MaxBodyBytes + 1);

        services.AddSingleton(sp =>
        {
            var catalog = new PlaybookCatalog(playbooks.Directory, sp.GetRequiredService<ILogger<PlaybookCatalog>>(), sp.GetRequiredService<TimeProvider>());
            if (playbooks.Watch) catalog.Watch();
            return catalog;
        });
        // PostgreSQL when a connection string is given (a fleet on one database), the embedded SQLite file otherwise.
        services.AddSingleton<IStore>(sp => store.Postgres is { Length: > 0 } postgres
            ? PostgresStore.Open(postgres, sp.GetRequiredService<TimeProvider>(), store.BusyTimeout, sp.GetRequiredService<ILogger<PostgresStore>>())
            : new SqliteStore(store.Sqlite, sp.GetRequiredService<TimeProvider>(), busyTimeout: store.BusyTimeout,
                maxSizeBytes: store.MaxSizeMegabytes * 1024L * 1024L, logger: sp.GetRequiredService<ILogger<SqliteStore>>()));
        // Each aggregate on its own: a worker or an endpoint asks for the one it uses.
        services.AddSingleton(sp => sp.GetRequiredService<IStore>().Inbox);
        services.AddSingleton(sp => sp.GetRequiredService<IStore>().Decisions);
        services.AddSingleton(sp => sp.GetRequiredService<IStore>().Deliveries);
        services.AddSingleton(sp => sp.GetRequiredService<IStore>().Actions);
        services.AddSingleton(sp => sp.GetRequiredService<IStore>().Health);
        services.AddSingleton<IReportStore>(sp => sp.GetRequiredService<IStore>() switch
        {
            SqliteStore sqlite => new SqliteReport(sqlite.Database),
            PostgresStore postgres => new PostgresReport(postgres.Database),
            var other => throw new System.Diagnostics.UnreachableException($"no report reads for {other.GetType().Name}"),
        });
        // First of the hosted services, so it stops last: after the workers finished what they held.
        services.AddHostedService<LeaseRelease>();
        services.AddSingleton<Interactivity.SlackWorkspace>();
        services.AddSingleton<Interactivity.ActionSignal>();
        services.AddSingleton<Interactivity.ActionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Interactivity.ActionWorker>());
        services.AddSingleton<InboxSignal>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<SignalProcessor>();
        services.AddSingleton(sp => new PreviewSender(sp.GetRequiredService<TimeProvider>(), Console.Out));
        services.AddSingleton<SlackStatus>();
        // Without its default loggers: they would log each request URL, a response_url among them (it can post to the channel).
        services.AddHttpClient("slack").RemoveAllLoggers();
        services.AddSingleton<IDeliverySender>(sp => SlackSenderFactory.Create(sp, slack));
        // Not logged by the client factory: its request lines carry the URL, and a Track API URL names the customer
        // (customers/{id}); the sender logs each outcome itself, without it.
        services.AddHttpClient("customerio").RemoveAllLoggers();
        services.AddSingleton(sp => new WriteBackSender(WriteBackSenderFactory.Create(sp, cio)));
        services.AddSingleton(sp => new DeliverySenders(sp.GetRequiredService<IDeliverySender>(), sp.GetRequiredService<WriteBackSender>().Sender));
        services.AddSingleton<InboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWorker>());
        services.AddSingleton<OutboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxWorker>());
        // Write-back has its own worker: a slow or unreachable Customer.io never holds up a Slack post.
        services.AddSingleton(sp => new WriteBackWorker(new OutboxWorker(sp.GetRequiredService<IDeliveryStore>(),
            sp.GetRequiredService<DeliverySenders>(), sp.GetRequiredService<OutboxSignal>(), delivery, store, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OutboxWorker>>(), DeliveryLane.CustomerIo,
            WriteBackRate(cio), sp.GetRequiredService<HostMetrics>())));
        // Registered directly: AddHostedService would drop a second OutboxWorker as a duplicate of the first.
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<WriteBackWorker>().Worker);
        services.AddSingleton<PayloadScrubber>();
        services.AddHostedService(sp => sp.GetRequiredService<PayloadScrubber>());
        services.AddHostedService<StartupReport>();
        services.AddSingleton<OperatorAccess>();
        services.AddHostMetrics();
        services.AddHealthChecks()
            .AddCheck<PlaybooksHealthCheck>("playbooks")
            .AddCheck<StoreHealthCheck>("store")
            .AddCheck<SlackHealthCheck>("slack");
        return builder;
    }

    /// <summary>
    /// The Track API's pace, fleet-wide: calls at least <see cref="CustomerIoOptions.TrackApiInterval"/> apart with no burst,
    /// so no second holds more than 100 of them at the default 10 ms, however long the lane was quiet (issue #10: "100
    /// requests/s at most"). The preview sink (no credentials) is this process's memory: nothing to pace.
    /// </summary>
    internal static DeliveryRate WriteBackRate(CustomerIoOptions cio) =>
        cio.HasTrackCredentials ? new DeliveryRate(cio.TrackApiInterval, TimeSpan.Zero) : new DeliveryRate(TimeSpan.Zero, TimeSpan.Zero);

    public static WebApplication MapRetentionPlaybooks(this WebApplication app)
    {
        // Fail at start-up, not on the first webhook: compile the playbooks and open the store now.
        app.Services.GetRequiredService<PlaybookCatalog>();
        app.Services.GetRequiredService<IStore>();
        app.MapWebhooks();
        Interactivity.InteractivityEndpoints.MapInteractivity(app);
        app.MapHealth();
        app.MapHostMetrics();
        app.MapPreview();
        Report.ReportEndpoints.MapReport(app);
        return app;
    }
}

/// <summary>Start-up settings are invalid; the message lists every problem under one header.</summary>
internal sealed class HostConfigurationException(IReadOnlyList<string> problems)
    : Exception("RetentionPlaybooks host: invalid settings (environment variables use __ for :, e.g. Slack__BotToken):\n  - " + string.Join("\n  - ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
