using System.Text.Json;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Bazaar.ServiceDefaults.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no dependencies, so a database outage never restarts pods).
/// <c>/health/ready</c>: PostgreSQL answers within its timeout. Redis is reported too, but for most services only as
/// Degraded (still ready): they work without it (rate limits and caches fail open, risk skips velocity), and taking
/// every pod out of service during a Redis failover would turn a slower platform into an outage. A service that cannot
/// serve without Redis (cart) calls <see cref="RequireRedisForReadiness"/>.
/// <c>/health/startup</c>: the database schema is at the version this build expects.
/// </summary>
public static class HealthSetup
{
    const string Ready = "ready";
    const string Startup = "startup";
    const string RedisCheck = "redis";

    public static void AddBazaarHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<RedisHealthCheck>(RedisCheck, failureStatus: HealthStatus.Degraded, tags: [Ready], timeout: TimeSpan.FromSeconds(3));

    /// <summary>For a service whose data lives in Redis: without Redis it is not ready (its pods leave the load balancer).</summary>
    public static IServiceCollection RequireRedisForReadiness(this IServiceCollection services) =>
        services.Configure<HealthCheckServiceOptions>(o => o.Registrations.Single(r => r.Name == RedisCheck).FailureStatus = HealthStatus.Unhealthy);

    public static void AddBazaarDatabaseHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgresql", tags: [Ready], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [Startup], timeout: TimeSpan.FromSeconds(5));

    public static void MapBazaarHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Startup), ResponseWriter = WriteAsync }).AllowAnonymous().DisableRateLimiting();
    }

    static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, durationMs = e.Value.Duration.TotalMilliseconds }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not answering: " + e.Message);
        }
    }
}

sealed class RedisHealthCheck(IRedisClient redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await redis.PingAsync(cancellationToken) ? HealthCheckResult.Healthy() : new HealthCheckResult(context.Registration.FailureStatus, "Redis answered PING oddly.");
        }
        catch (Exception e) when (e is RedisUnavailableException or RedisServerException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis is not answering: " + e.Message);
        }
    }
}

sealed class MigrationsHealthCheck(NpgsqlDataSource dataSource, IEnumerable<MigrationSource> sources) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = await MigrationRunner.PendingAsync(dataSource, sources.SelectMany(s => s.Load()), cancellationToken);
            return pending.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("Pending migrations: " + string.Join(", ", pending.Select(m => m.Id)) + ". Run the migrate command.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not answering: " + e.Message);
        }
    }
}
