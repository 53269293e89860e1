using System.Text.Json.Serialization;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Health;
using Bazaar.ServiceDefaults.Http;
using Bazaar.ServiceDefaults.OpenApi;
using Bazaar.ServiceDefaults.Problems;
using Bazaar.ServiceDefaults.RateLimiting;
using Bazaar.ServiceDefaults.Redis;
using Bazaar.ServiceDefaults.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bazaar.ServiceDefaults;

/// <summary>The cross-cutting wiring every Bazaar service shares; a service's Program.cs calls these two and nothing else of the kind.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Largest request body a service accepts unless an endpoint says otherwise.</summary>
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // JSON logs with trace and span ids; framework chatter and SQL text stay out at Information level.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);

        // On SIGTERM requests in flight get this long to finish; the pod's grace period covers it after the preStop
        // pause (deploy/checks/policy.test.mjs holds the chart to it). Checkout, the slowest, needs a few seconds.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = DefaultMaxRequestBodyBytes;
        });
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear(); // the edge and the load balancer sit in private networks that vary per cluster
            o.KnownProxies.Clear();
            o.ForwardLimit = 2;
        });

        services.AddSingleton(TimeProvider.System);
        services.AddBazaarTelemetry(configuration, builder.Environment);
        services.AddBazaarProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.Converters.Add(new SafeStringConverter());
            o.SerializerOptions.Converters.Add(new SafeJsonElementConverter());
            OpenApi.OpenApiSetup.UseStrictNumbers(o.SerializerOptions);
        });

        services.Configure<AuthOptions>(configuration.GetSection("Auth"));
        services.AddHttpClient<RemoteJsonWebKeySource>(http => http.Timeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<IJsonWebKeySource>(sp => sp.GetRequiredService<RemoteJsonWebKeySource>());
        services.AddSingleton<AccessTokenValidator>();
        services.AddAuthentication(BearerTokenDefaults.Scheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenDefaults.Scheme, null);
        services.AddAuthorization(Policies.Add);

        services.AddBazaarRateLimiting(configuration);
        services.AddSingleton<IRedisClient>(sp => new RedisClient(RedisOptions.Parse(
            sp.GetRequiredService<IConfiguration>().GetConnectionString("Redis")
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is not configured."))));
        services.AddSingleton<IDistributedRateLimiter, RedisRateLimiter>();
        services.AddSingleton<Caching.CacheAside>();
        services.AddServiceTokens(configuration);

        services.AddBazaarOpenApi();
        services.AddBazaarHealthChecks();
        return builder;
    }

    /// <summary>
    /// The service's own PostgreSQL database: one data source, its EF Core context on that source, the migrations
    /// embedded next to the context (folder Migrations/) and the database health checks.
    /// </summary>
    public static WebApplicationBuilder AddServiceDatabase<TDbContext>(this WebApplicationBuilder builder, string module)
        where TDbContext : Microsoft.EntityFrameworkCore.DbContext
    {
        builder.Services.AddBazaarDatabase(builder.Configuration);
        builder.Services.AddDbContext<TDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        builder.Services.AddMigrations<TDbContext>(module);
        builder.Services.AddBazaarDatabaseHealthChecks();
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseBazaarProblemDetails();
        app.UseAuthentication();
        // A token that was sent and failed is a 401 on every route, open ones included (RFC 6750 §3.1): served as
        // anonymous instead, a customer whose token expired early or whose key was rotated would get a guest's answer
        // (an empty cart; a change written to a new guest cart nobody reads) rather than the 401 that makes the
        // storefront renew the token and repeat the request.
        app.Use(async (context, next) =>
        {
            if (BearerTokenHandler.TokenRejected(context))
                await context.ChallengeAsync(BearerTokenDefaults.Scheme);
            else
                await next(context);
        });
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapBazaarHealthEndpoints();
        app.MapGet("/metrics", (PrometheusMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .ExcludeFromDescription().AllowAnonymous().DisableRateLimiting();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        if (app.Environment.IsDevelopment())
            app.UseSwaggerUI(o => o.SwaggerEndpoint("/openapi/v1.json", app.Environment.ApplicationName));
        return app;
    }
}
