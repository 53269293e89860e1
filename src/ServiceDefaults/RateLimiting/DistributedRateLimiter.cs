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
/// When Redis is down or answers with an error (READONLY during a failover, LOADING after a restart), the limiter lets
/// requests through and says so in the log: availability over strictness, the per-replica limits and account lockout
/// still apply. After a failure it leaves Redis alone for a few seconds, so a hung Redis costs one timeout, not one
/// per sign-in.
/// </summary>
public sealed class RedisRateLimiter(IRedisClient redis, TimeProvider clock, ILogger<RedisRateLimiter> logger) : IDistributedRateLimiter
{
    static readonly TimeSpan SkipRedisFor = TimeSpan.FromSeconds(5);

    const string Script = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
        return {n, ttl}
        """;

    long _skipUntilTicks;

    public async Task<RateLimitDecision> AcquireAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        if (clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _skipUntilTicks))
            return RateLimitDecision.Allow;
        try
        {
            var reply = await redis.EvalAsync(Script, ["ratelimit:" + key], [((long)window.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)], ct);
            var count = reply.Items[0].AsInt64();
            var ttl = TimeSpan.FromMilliseconds(reply.Items[1].AsInt64());
            return count <= limit ? RateLimitDecision.Allow : new RateLimitDecision(false, ttl);
        }
        catch (Exception e) when (e is RedisUnavailableException or RedisServerException)
        {
            Interlocked.Exchange(ref _skipUntilTicks, (clock.GetUtcNow() + SkipRedisFor).UtcTicks);
            logger.LogWarning("Rate limits not applied for {Seconds}s: Redis failed ({Error})", SkipRedisFor.TotalSeconds, e.Message);
            return RateLimitDecision.Allow;
        }
    }
}
