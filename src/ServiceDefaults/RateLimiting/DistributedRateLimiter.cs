using System.Globalization;
using Bazaar.ServiceDefaults.Redis;
using Microsoft.Extensions.Logging;

namespace Bazaar.ServiceDefaults.RateLimiting;

/// <summary>A limit shared by every replica: at most <c>limit</c> attempts per key in a fixed window, counted in Redis.</summary>
public interface IDistributedRateLimiter
{
    Task<RateLimitDecision> AcquireAsync(string key, int limit, TimeSpan window, CancellationToken ct);
}

public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static readonly RateLimitDecision Allow = new(true, TimeSpan.Zero);
}

/// <summary>
/// Fixed-window counter: one atomic script increments the key and sets its expiry on first use.
/// When Redis is down the limiter lets requests through and says so in the log: availability over strictness,
/// the per-replica limits and account lockout still apply.
/// </summary>
public sealed class RedisRateLimiter(IRedisClient redis, ILogger<RedisRateLimiter> logger) : IDistributedRateLimiter
{
    const string Script = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
        return {n, ttl}
        """;

    public async Task<RateLimitDecision> AcquireAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        try
        {
            var reply = await redis.EvalAsync(Script, ["ratelimit:" + key], [((long)window.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)], ct);
            var count = reply.Items[0].AsInt64();
            var ttl = TimeSpan.FromMilliseconds(reply.Items[1].AsInt64());
            return count <= limit ? RateLimitDecision.Allow : new RateLimitDecision(false, ttl);
        }
        catch (RedisUnavailableException e)
        {
            logger.LogWarning(e, "Rate limit for {Key} not applied: Redis is unavailable", key);
            return RateLimitDecision.Allow;
        }
    }
}
