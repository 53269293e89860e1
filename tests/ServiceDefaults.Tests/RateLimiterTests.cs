using Bazaar.ServiceDefaults.RateLimiting;
using Bazaar.ServiceDefaults.Redis;
using Bazaar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class RateLimiterTests
{
    [Fact]
    public async Task Counts_per_key_in_a_window_shared_through_redis()
    {
        await using var redis = new RedisClient(RedisOptions.Parse($"{await TestServers.RedisAsync()},database={await TestServers.NextRedisDatabaseAsync()}"));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var one = new RedisRateLimiter(redis, clock, NullLogger<RedisRateLimiter>.Instance);
        var other = new RedisRateLimiter(redis, clock, NullLogger<RedisRateLimiter>.Instance); // another replica
        var key = "login:" + Guid.NewGuid();

        (await one.AcquireAsync(key, 2, TimeSpan.FromMinutes(1), default)).Allowed.ShouldBeTrue();
        (await other.AcquireAsync(key, 2, TimeSpan.FromMinutes(1), default)).Allowed.ShouldBeTrue();
        var third = await one.AcquireAsync(key, 2, TimeSpan.FromMinutes(1), default);

        third.Allowed.ShouldBeFalse();
        third.RetryAfter.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_redis_that_answers_with_an_error_lets_requests_through_and_is_left_alone_for_a_while()
    {
        using var server = TestServers.StartPrivateRedis();
        // Generous timeouts: this test is about error replies, and a timeout on a busy machine would be another case.
        await using var client = new RedisClient(RedisOptions.Parse(server.ConnectionString + ",connectTimeout=15000,syncTimeout=15000"));
        // A demoted primary during a failover: it still answers, but every write is an error (READONLY).
        await client.ExecuteAsync(["REPLICAOF", "127.0.0.1", TestServers.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await Should.ThrowAsync<RedisServerException>(() => client.ExecuteAsync(["INCR", "probe"]));
        var redis = new CountingRedis(client);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limiter = new RedisRateLimiter(redis, clock, NullLogger<RedisRateLimiter>.Instance);

        (await limiter.AcquireAsync("login:a", 1, TimeSpan.FromMinutes(1), default)).Allowed.ShouldBeTrue();
        var asked = redis.Commands;
        asked.ShouldBeGreaterThan(0);

        for (var i = 0; i < 5; i++)
            (await limiter.AcquireAsync("login:a", 1, TimeSpan.FromMinutes(1), default)).Allowed.ShouldBeTrue();
        redis.Commands.ShouldBe(asked); // left alone: a hung Redis would cost one timeout, not one per sign-in

        clock.Advance(TimeSpan.FromSeconds(6));
        (await limiter.AcquireAsync("login:a", 1, TimeSpan.FromMinutes(1), default)).Allowed.ShouldBeTrue();
        redis.Commands.ShouldBeGreaterThan(asked); // asked again
    }

    /// <summary>The real client, counting what is sent through it.</summary>
    sealed class CountingRedis(IRedisClient inner) : IRedisClient
    {
        public int Commands;

        public Task<RedisReply> ExecuteAsync(IReadOnlyList<string> command, CancellationToken ct = default)
        {
            Interlocked.Increment(ref Commands);
            return inner.ExecuteAsync(command, ct);
        }
    }
}
