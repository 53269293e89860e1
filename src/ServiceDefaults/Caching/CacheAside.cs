using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Bazaar.ServiceDefaults.Redis;
using Microsoft.Extensions.Logging;

namespace Bazaar.ServiceDefaults.Caching;

/// <summary>
/// Cache-aside over Redis for hot reads. Redis is an accelerator, never a dependency: when it fails, a breaker skips it
/// for a few seconds (one timeout, not one per request) and reads go to the source. Invalidations that fail while
/// Redis is away are remembered and replayed when it answers again; TTLs bound what a crashed replica leaves stale.
/// </summary>
public sealed class CacheAside(IRedisClient redis, TimeProvider clock, ILogger<CacheAside> logger)
{
    static readonly TimeSpan BreakerOpenFor = TimeSpan.FromSeconds(5);
    const int MaxRememberedInvalidations = 10_000;

    readonly ConcurrentDictionary<string, byte> _missedInvalidations = new(StringComparer.Ordinal);
    long _openUntilTicks;

    public bool Available => clock.GetUtcNow().UtcTicks >= Interlocked.Read(ref _openUntilTicks);

    /// <summary>The cached value, or the factory's (cached for <paramref name="ttl"/> unless null).</summary>
    public async Task<T?> GetOrCreateAsync<T>(string key, TimeSpan ttl, Func<CancellationToken, Task<T?>> factory, CancellationToken ct)
    {
        var cached = await TryAsync(() => redis.GetAsync(key, ct));
        if (cached is not null)
            return JsonSerializer.Deserialize<T>(cached, JsonSerializerOptions.Web);
        var value = await factory(ct);
        if (value is not null)
            await TryAsync(async () =>
            {
                await redis.SetAsync(key, JsonSerializer.Serialize(value, JsonSerializerOptions.Web), ttl, ct);
                return "";
            });
        return value;
    }

    /// <summary>Removes entries after a write; remembered for later when Redis is away.</summary>
    public async Task InvalidateAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        var list = keys.ToList();
        if (list.Count == 0)
            return;
        if (await TryAsync(async () => (await redis.DeleteAsync(list, ct)).ToString(CultureInfo.InvariantCulture)) is null)
            Remember(list);
    }

    /// <summary>A counter that names a family of entries (listing pages); bumping it orphans them all at once.</summary>
    public async Task<string> GenerationAsync(string name, CancellationToken ct) =>
        await TryAsync(() => redis.GetAsync("gen:" + name, ct)) ?? "0";

    public async Task BumpGenerationAsync(string name, CancellationToken ct)
    {
        if (await TryAsync(async () => (await redis.ExecuteAsync(["INCR", "gen:" + name], ct)).Integer.ToString(CultureInfo.InvariantCulture)) is null)
            Remember(["gen:" + name]); // replayed as a delete, which resets the family: also a new generation
    }

    void Remember(IEnumerable<string> keys)
    {
        foreach (var key in keys)
            if (_missedInvalidations.Count < MaxRememberedInvalidations)
                _missedInvalidations.TryAdd(key, 0);
    }

    async Task<string?> TryAsync(Func<Task<string?>> operation)
    {
        if (!Available)
            return null;
        try
        {
            var result = await operation();
            if (!_missedInvalidations.IsEmpty)
                await ReplayMissedInvalidationsAsync();
            return result;
        }
        catch (RedisUnavailableException e)
        {
            Interlocked.Exchange(ref _openUntilTicks, (clock.GetUtcNow() + BreakerOpenFor).UtcTicks);
            logger.LogWarning("Cache bypassed for {Seconds}s: {Error}", BreakerOpenFor.TotalSeconds, e.Message);
            return null;
        }
    }

    async Task ReplayMissedInvalidationsAsync()
    {
        var keys = _missedInvalidations.Keys.ToList();
        await redis.DeleteAsync(keys);
        foreach (var key in keys)
            _missedInvalidations.TryRemove(key, out _);
        logger.LogInformation("Replayed {Count} cache invalidations missed while Redis was unavailable", keys.Count);
    }
}
