using System.Diagnostics;
using Bazaar.ServiceDefaults.Caching;
using Bazaar.ServiceDefaults.Redis;
using Bazaar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class CacheAsideTests : IAsyncLifetime
{
    readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    RedisClient _redis = null!;
    CacheAside _cache = null!;

    public async Task InitializeAsync()
    {
        // Generous timeouts: these tests are about the cache, and one Redis command timing out on a busy machine would
        // open the breaker for good under the fake clock (seen once in a full run: a second load in the stampede test).
        _redis = new RedisClient(RedisOptions.Parse(
            $"{await TestServers.RedisAsync()},database={await TestServers.NextRedisDatabaseAsync()},connectTimeout=15000,syncTimeout=15000"));
        await _redis.ExecuteAsync(["FLUSHDB"]);
        _cache = new CacheAside(_redis, _clock, NullLogger<CacheAside>.Instance);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Concurrent_misses_for_one_key_load_once()
    {
        var loads = 0;
        async Task<string?> Load(CancellationToken ct)
        {
            Interlocked.Increment(ref loads);
            await Task.Delay(200, ct);
            return "page";
        }
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => _cache.GetOrCreateAsync("listing", TimeSpan.FromMinutes(1), Load, default)));
        results.ShouldAllBe(r => r == "page");
        _cache.Available.ShouldBeTrue("a Redis command failed during the test, so the cache was bypassed");
        loads.ShouldBe(1);
        (await _cache.GetOrCreateAsync("listing", TimeSpan.FromMinutes(1), Load, default)).ShouldBe("page");
        loads.ShouldBe(1);
    }

    [Fact]
    public async Task An_expired_entry_is_served_stale_while_one_background_load_refreshes_it()
    {
        var version = 1;
        var refreshed = new TaskCompletionSource();
        async Task<string?> Load(CancellationToken ct)
        {
            await Task.Yield();
            var value = "v" + version;
            if (version > 1)
                refreshed.TrySetResult();
            return value;
        }
        (await _cache.GetOrCreateAsync("page", TimeSpan.FromSeconds(30), Load, default, TimeSpan.FromMinutes(5))).ShouldBe("v1");

        version = 2;
        _clock.Advance(TimeSpan.FromSeconds(31));
        (await _cache.GetOrCreateAsync("page", TimeSpan.FromSeconds(30), Load, default, TimeSpan.FromMinutes(5))).ShouldBe("v1"); // stale, at once
        await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 50 && await _cache.GetOrCreateAsync("page", TimeSpan.FromSeconds(30), Load, default, TimeSpan.FromMinutes(5)) != "v2"; i++)
            await Task.Delay(20);
        (await _cache.GetOrCreateAsync("page", TimeSpan.FromSeconds(30), Load, default, TimeSpan.FromMinutes(5))).ShouldBe("v2");
    }

    [Fact]
    public async Task Without_serve_stale_an_expired_entry_is_loaded_again()
    {
        var loads = 0;
        Task<string?> Load(CancellationToken ct) => Task.FromResult<string?>("v" + Interlocked.Increment(ref loads));
        await _cache.GetOrCreateAsync("detail", TimeSpan.FromSeconds(30), Load, default);
        _clock.Advance(TimeSpan.FromSeconds(31));
        (await _cache.GetOrCreateAsync("detail", TimeSpan.FromSeconds(30), Load, default)).ShouldBe("v2");
    }

    [Fact]
    public async Task Invalidation_and_generations_drop_entries()
    {
        var loads = 0;
        Task<string?> Load(CancellationToken ct) => Task.FromResult<string?>("v" + Interlocked.Increment(ref loads));
        await _cache.GetOrCreateAsync("a", TimeSpan.FromMinutes(1), Load, default);
        await _cache.InvalidateAsync(["a"], default);
        (await _cache.GetOrCreateAsync("a", TimeSpan.FromMinutes(1), Load, default)).ShouldBe("v2");

        var before = await _cache.GenerationAsync("listings", default);
        (await _cache.GenerationAsync("listings", default)).ShouldBe(before); // stable until bumped
        await _cache.BumpGenerationAsync("listings", default);
        (await _cache.GenerationAsync("listings", default)).ShouldNotBe(before);
    }

    [Fact]
    public async Task A_lost_generation_key_starts_a_new_generation_never_an_earlier_one()
    {
        // The cache Redis evicts any key when full (allkeys-lru), the generation's own key among them, while pages
        // cached under earlier generations may still be there.
        var seen = new List<string> { await _cache.GenerationAsync("listings", default) };
        await _cache.BumpGenerationAsync("listings", default);
        seen.Add(await _cache.GenerationAsync("listings", default));
        for (var i = 0; i < 3; i++)
        {
            await _redis.DeleteAsync(["gen:listings"]);
            var next = await _cache.GenerationAsync("listings", default);
            seen.ShouldNotContain(next);
            (await _cache.GenerationAsync("listings", default)).ShouldBe(next);
            seen.Add(next);
            await _cache.BumpGenerationAsync("listings", default);
            next = await _cache.GenerationAsync("listings", default);
            seen.ShouldNotContain(next);
            seen.Add(next);
        }
    }

    [Fact]
    public async Task A_load_that_began_before_an_invalidation_does_not_write_its_old_value_back()
    {
        var release = new TaskCompletionSource();
        var hasRead = new TaskCompletionSource();
        var version = "old";
        async Task<string?> SlowLoad(CancellationToken ct)
        {
            var read = version; // the row as it was when the load read it
            hasRead.SetResult();
            await release.Task;
            return read;
        }
        var loading = _cache.GetOrCreateAsync("product", TimeSpan.FromMinutes(10), SlowLoad, default);
        await hasRead.Task.WaitAsync(TimeSpan.FromSeconds(5));
        version = "new";
        await _cache.InvalidateAsync(["product"], default); // the write commits while the load is still running
        release.SetResult();
        (await loading).ShouldBe("old"); // that caller asked before the write
        (await _cache.GetOrCreateAsync("product", TimeSpan.FromMinutes(10), _ => Task.FromResult<string?>(version), default)).ShouldBe("new");
    }

    [Fact]
    public async Task Redis_error_replies_are_treated_like_an_outage()
    {
        var cache = new CacheAside(new ReadOnlyReplica(), _clock, NullLogger<CacheAside>.Instance);
        (await cache.GetOrCreateAsync("k", TimeSpan.FromMinutes(1), _ => Task.FromResult<string?>("from source"), default)).ShouldBe("from source");
        await cache.InvalidateAsync(["k"], default);
        await cache.BumpGenerationAsync("g", default);
        cache.Available.ShouldBeFalse();
    }

    sealed class ReadOnlyReplica : IRedisClient
    {
        public Task<RedisReply> ExecuteAsync(IReadOnlyList<string> command, CancellationToken ct = default) =>
            throw new RedisServerException("READONLY You can't write against a read only replica.");
    }

    [Fact]
    public async Task When_redis_is_down_the_source_answers_after_a_single_timeout()
    {
        await using var down = new RedisClient(RedisOptions.Parse($"127.0.0.1:{TestServers.FreePort()},connectTimeout=300"));
        var cache = new CacheAside(down, _clock, NullLogger<CacheAside>.Instance);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
            (await cache.GetOrCreateAsync("k", TimeSpan.FromMinutes(1), _ => Task.FromResult<string?>("from source"), default)).ShouldBe("from source");
        await cache.InvalidateAsync(["k"], default); // remembered, not thrown
        cache.Available.ShouldBeFalse();
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3)); // 20 reads at 300 ms each would be 6 s
    }
}
