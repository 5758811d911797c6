using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Storage;

namespace RetentionPlaybooks.Host.Health;

/// <summary>
/// GET /metrics: the Prometheus text of <see cref="HostMetrics"/>, behind <see cref="OperatorAccess"/> like the other
/// operator pages. The store's figures for the gauges are read once per scrape, before the exporter collects, by the same
/// query /health judges by.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddHostMetrics(this IServiceCollection services)
    {
        services.AddSingleton<HostMetrics>();
        // Only this host's meter (MeterScope.Local): two hosts in one process (the tests) never count into each other.
        services.AddMetrics(m => m.EnableMetrics(HostMetrics.MeterName, scopes: MeterScope.Local));
        services.AddOpenTelemetry().WithMetrics(m => m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    public static IEndpointRouteBuilder MapHostMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var services = context.RequestServices;
            if (services.GetRequiredService<OperatorAccess>().Refusal(context) is { } refused)
            {
                await refused.ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            await ObserveStoreAsync(services, context.RequestAborted).ConfigureAwait(false);
            await next(context).ConfigureAwait(false);
        }), optionsName: null);
        return app;
    }

    private static async Task ObserveStoreAsync(IServiceProvider services, CancellationToken ct)
    {
        var metrics = services.GetRequiredService<HostMetrics>();
        var options = services.GetRequiredService<HealthOptions>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        try
        {
            var stats = await services.GetRequiredService<IStoreHealth>().StatsAsync(options.FailingAttempts, now - options.RecentProblemWindow, now, ct).ConfigureAwait(false);
            metrics.Observe(stats, now);
        }
        catch (System.Data.Common.DbException)
        {
            // The store cannot be read (/health says so): the counters are still worth serving, the gauges are left out.
            metrics.Observe(null, now);
        }
    }
}
