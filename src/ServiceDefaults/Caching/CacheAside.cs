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
    readonly ConcurrentDictionary<string, Task<string?>> _loads = new(StringComparer.Ordinal);
    // Bumped by every local invalidation of a key; a load that began before it does not write its (old) value back.
    readonly ConcurrentDictionary<string, long> _epochs = new(StringComparer.Ordinal);
    long _openUntilTicks;

    public bool Available => clock.GetUtcNow().UtcTicks >= Interlocked.Read(ref _openUntilTicks);

    /// <summary>
    /// The cached value, or the factory's (cached for <paramref name="ttl"/> unless null). Concurrent misses for one
    /// key share a single load (no stampede on the database). With <paramref name="serveStaleFor"/>, an expired entry
    /// is still answered for that long while one background load refreshes it, so shoppers never wait for a rebuild.
    /// The factory runs to completion even when its caller goes away, so it must not use the caller's request-scoped
    /// services (an EF Core context from the request, for example): use singletons or a scope of its own.
    /// </summary>
    public async Task<T?> GetOrCreateAsync<T>(string key, TimeSpan ttl, Func<CancellationToken, Task<T?>> factory, CancellationToken ct,
        TimeSpan? serveStaleFor = null)
    {
        var cached = await TryAsync(() => redis.GetAsync(key, ct));
        if (cached is not null && Envelope.TryRead(cached, out var freshUntil, out var json))
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            if (freshUntil >= now)
                return JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web);
            if (serveStaleFor is { } stale && now <= freshUntil + (long)stale.TotalMilliseconds)
            {
                _ = LoadOnceAsync(key, ttl, serveStaleFor, factory, refresh: true); // in the background; this caller takes the stale copy
                return JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web);
            }
        }
        var loaded = await LoadOnceAsync(key, ttl, serveStaleFor, factory).WaitAsync(ct);
        return loaded is null ? default : JsonSerializer.Deserialize<T>(loaded, JsonSerializerOptions.Web);
    }

    /// <summary>One load per key at a time in this process; it runs to completion even if the first caller goes away.</summary>
    Task<string?> LoadOnceAsync<T>(string key, TimeSpan ttl, TimeSpan? serveStaleFor, Func<CancellationToken, Task<T?>> factory, bool refresh = false)
    {
        var mine = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _loads.GetOrAdd(key, mine.Task);
        if (running != mine.Task)
            return running;
        _ = RunAsync();
        // A background refresh, or a caller that gave up waiting, must not leave the failure unobserved.
        _ = mine.Task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return mine.Task;

        async Task RunAsync()
        {
            string? result = null;
            Exception? failure = null;
            var epoch = _epochs.GetValueOrDefault(key);
            try
            {
                // Another load may have stored the value between this caller's miss and now.
                if (!refresh && await TryAsync(() => redis.GetAsync(key)) is { } stored && Envelope.TryRead(stored, out var freshUntil, out var fresh)
                    && freshUntil >= clock.GetUtcNow().ToUnixTimeMilliseconds())
                {
                    result = fresh;
                    return;
                }
                var value = await factory(CancellationToken.None);
                var json = value is null ? null : JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
                if (json is not null && _epochs.GetValueOrDefault(key) == epoch)
                {
                    var until = clock.GetUtcNow().Add(ttl).ToUnixTimeMilliseconds();
                    await TryAsync(async () =>
                    {
                        await redis.SetAsync(key, Envelope.Write(until, json), ttl + (serveStaleFor ?? TimeSpan.Zero));
                        return "";
                    });
                }
                result = json;
            }
            catch (Exception e)
            {
                failure = e;
                logger.LogWarning(e, "Loading cache entry {Key} failed", key);
            }
            finally
            {
                // Leave the table before answering, so nobody can pick up this finished load as if it were running.
                _loads.TryRemove(new KeyValuePair<string, Task<string?>>(key, mine.Task));
                if (failure is null)
                    mine.SetResult(result);
                else
                    mine.SetException(failure);
            }
        }
    }

    /// <summary>
    /// Removes entries after a write; remembered for later when Redis is away. Runs to the end even if the request is
    /// cancelled (the write has committed), and deletes again a moment later, so a load on another replica that read
    /// the old row just before the write cannot leave it cached.
    /// </summary>
    public async Task InvalidateAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        var list = keys.ToList();
        if (list.Count == 0)
            return;
        foreach (var key in list)
            _epochs.AddOrUpdate(key, 1, (_, e) => e + 1);
        await DeleteOrRememberAsync(list);
        _ = Task.Delay(SecondDeleteAfter, clock).ContinueWith(_ => DeleteOrRememberAsync(list), TaskScheduler.Default).Unwrap();
    }

    static readonly TimeSpan SecondDeleteAfter = TimeSpan.FromSeconds(1);

    async Task DeleteOrRememberAsync(List<string> keys)
    {
        if (await TryAsync(async () => (await redis.DeleteAsync(keys)).ToString(CultureInfo.InvariantCulture)) is null)
            Remember(keys);
    }

    /// <summary>
    /// A value that names a family of entries (listing pages); bumping it orphans them all at once. Every value is new
    /// (a GUID, not a counter): if the key is lost (evicted from the cache Redis under allkeys-lru, ADR 0015), the next
    /// read starts a new generation instead of falling back to one that entries may still be cached under.
    /// </summary>
    public async Task<string> GenerationAsync(string name, CancellationToken ct) =>
        await TryAsync(async () =>
        {
            var fresh = NewGeneration();
            return (await redis.ExecuteAsync(["SET", "gen:" + name, fresh, "NX", "GET"], ct)).AsString() ?? fresh;
        }) ?? "0";

    public async Task BumpGenerationAsync(string name, CancellationToken ct)
    {
        // Not cancelled with the request: the write it follows has committed.
        if (await TryAsync(async () => { await redis.SetAsync("gen:" + name, NewGeneration()); return ""; }) is null)
            _missedBumps.TryAdd("gen:" + name, 0);
    }

    static string NewGeneration() => Guid.NewGuid().ToString("N");

    readonly ConcurrentDictionary<string, byte> _missedBumps = new(StringComparer.Ordinal);

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
            if (!_missedInvalidations.IsEmpty || !_missedBumps.IsEmpty)
                await ReplayMissedInvalidationsAsync();
            return result;
        }
        catch (Exception e) when (e is RedisUnavailableException or RedisServerException)
        {
            // An error reply (READONLY during a failover, LOADING, OOM) makes the cache unusable just like an outage.
            Interlocked.Exchange(ref _openUntilTicks, (clock.GetUtcNow() + BreakerOpenFor).UtcTicks);
            logger.LogWarning("Cache bypassed for {Seconds}s: {Error}", BreakerOpenFor.TotalSeconds, e.Message);
            return null;
        }
    }

    async Task ReplayMissedInvalidationsAsync()
    {
        var keys = _missedInvalidations.Keys.ToList();
        if (keys.Count > 0)
            await redis.DeleteAsync(keys);
        foreach (var key in keys)
            _missedInvalidations.TryRemove(key, out _);
        foreach (var generation in _missedBumps.Keys.ToList())
        {
            await redis.SetAsync(generation, NewGeneration()); // a missed bump stays a bump: never back to an old generation
            _missedBumps.TryRemove(generation, out _);
        }
        logger.LogInformation("Replayed {Count} cache invalidations missed while Redis was unavailable", keys.Count);
    }
}

/// <summary>A cached entry: when it stops being fresh (Unix ms), then the JSON. Plain text keeps it cheap to read.</summary>
static class Envelope
{
    public static string Write(long freshUntil, string json) => freshUntil.ToString(CultureInfo.InvariantCulture) + "\n" + json;

    public static bool TryRead(string stored, out long freshUntil, out string json)
    {
        var newline = stored.IndexOf('\n');
        json = newline < 0 ? "" : stored[(newline + 1)..];
        return long.TryParse(stored.AsSpan(0, Math.Max(0, newline)), NumberStyles.None, CultureInfo.InvariantCulture, out freshUntil);
    }
}
