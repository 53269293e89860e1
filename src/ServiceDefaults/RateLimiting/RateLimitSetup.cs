using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.ServiceDefaults.RateLimiting;

/// <summary>
/// Per-route policies of the framework's rate limiter (per replica, per client address). Limits that must hold
/// across replicas (login attempts per e-mail, say) use <see cref="IDistributedRateLimiter"/> instead.
/// </summary>
public static class RateLimits
{
    /// <summary>Sign-in, registration, password reset: per client address.</summary>
    public const string Auth = "auth";

    /// <summary>Ordinary reads and writes by one client address.</summary>
    public const string Api = "api";

    public static void AddBazaarRateLimiting(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.Configure<RateLimitSettings>(configuration.GetSection("RateLimiting"));
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Auth, context => RateLimitPartition.GetSlidingWindowLimiter(ClientAddress(context), _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = Settings(context).AuthPermitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
            }));
            options.AddPolicy(Api, context => RateLimitPartition.GetTokenBucketLimiter(ClientAddress(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = 2 * Settings(context).ApiTokensPerSecond,
                TokensPerPeriod = Settings(context).ApiTokensPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            }));
            options.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                await WriteTooManyRequestsAsync(context.HttpContext, retryAfter);
            };
        });
    }

    static RateLimitSettings Settings(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitSettings>>().Value;

    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>A 429 problem with <c>Retry-After</c> in whole seconds (rounded up).</summary>
    public static async Task WriteTooManyRequestsAsync(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = SlowDown(retryAfter),
            },
        });
    }

    /// <summary>For handlers that apply a distributed limit themselves: 429 with <c>Retry-After</c>.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooManyRequests(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: SlowDown(retryAfter));
    }

    static string SlowDown(TimeSpan retryAfter)
    {
        var seconds = RetryAfterSeconds(retryAfter);
        return $"Slow down: try again in {seconds} second{(seconds == "1" ? "" : "s")}.";
    }

    static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>Per-replica limits per client address (configuration section <c>RateLimiting</c>).</summary>
public sealed class RateLimitSettings
{
    public int AuthPermitsPerMinute { get; set; } = 30;
    public int ApiTokensPerSecond { get; set; } = 100;
}
