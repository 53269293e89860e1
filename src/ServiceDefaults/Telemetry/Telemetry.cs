using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bazaar.ServiceDefaults.Telemetry;

/// <summary>
/// Traces and metrics from the sources the framework emits natively, plus every <c>Bazaar.*</c> source and meter.
/// OTLP export is on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; <c>/metrics</c> is always served.
/// </summary>
public static class TelemetrySetup
{
    public const string BazaarPrefix = "Bazaar";

    static readonly string[] TraceSources = ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", BazaarPrefix + ".*"];

    static readonly string[] FrameworkMeters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", "System.Net.Http", "System.Runtime", "Npgsql"];

    internal static bool IsExposedMeter(string name) =>
        FrameworkMeters.Contains(name) || name.StartsWith(BazaarPrefix, StringComparison.Ordinal);

    public static void AddBazaarTelemetry(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var otlpEndpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var resource = ResourceBuilder.CreateDefault().AddService(
            serviceName: configuration["OTEL_SERVICE_NAME"] ?? environment.ApplicationName,
            serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString());

        services.AddSingleton(sp =>
        {
            var meterFactory = sp.GetRequiredService<IMeterFactory>();
            // Meters made by this container's factory, or process-wide ones (System.Runtime): never another test host's.
            return new PrometheusMetrics(meter => IsExposedMeter(meter.Name) && (meter.Scope is null || ReferenceEquals(meter.Scope, meterFactory)));
        });

        services.AddSingleton(_ =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(TraceSources);
            if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlpEndpoint));
            return tracing.Build()!;
        });

        services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter([.. FrameworkMeters, BazaarPrefix + ".*"]);
            if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = new Uri(otlpEndpoint);
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 15_000;
                });
            return metrics.Build()!;
        });

        services.AddHostedService<TelemetryStarter>();
    }

    /// <summary>Resolves the providers at start so listening begins before the first request (no hosting package here to do it).</summary>
    sealed class TelemetryStarter(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<TracerProvider>();
            services.GetRequiredService<MeterProvider>();
            services.GetRequiredService<PrometheusMetrics>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
