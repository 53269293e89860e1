using Bazaar.ServiceDefaults.Redis;
using Bazaar.Testing;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class RedisClientTests : IAsyncLifetime
{
    RedisClient _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = new RedisClient(RedisOptions.Parse($"{await TestServers.RedisAsync()},database={await TestServers.NextRedisDatabaseAsync()}"));
        await _redis.ExecuteAsync(["FLUSHDB"]);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Set_get_and_delete_round_trip_including_unicode_and_nil()
    {
        await _redis.SetAsync("greeting", "grüß dich ✓");
        (await _redis.GetAsync("greeting")).ShouldBe("grüß dich ✓");
        (await _redis.DeleteAsync(["greeting", "absent"])).ShouldBe(1);
        (await _redis.GetAsync("greeting")).ShouldBeNull();
    }

    [Fact]
    public async Task Expiry_is_set_in_milliseconds()
    {
        await _redis.SetAsync("short", "x", TimeSpan.FromSeconds(30));
        var ttl = (await _redis.ExecuteAsync(["PTTL", "short"])).Integer;
        ttl.ShouldBeInRange(1, 30_000);
    }

    [Fact]
    public async Task Error_replies_raise_and_leave_the_connection_usable()
    {
        await _redis.SetAsync("text", "abc");
        var error = await Should.ThrowAsync<RedisServerException>(() => _redis.ExecuteAsync(["INCR", "text"]));
        error.Message.ShouldContain("not an integer");
        error.IsTransient.ShouldBeFalse(); // the same command will fail again
        (await _redis.PingAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task A_full_server_that_never_evicts_refuses_writes_for_now_in_commands_and_in_scripts()
    {
        using var server = TestServers.StartPrivateRedis();
        await using var client = new RedisClient(RedisOptions.Parse(server.ConnectionString));
        await client.SetAsync("kept", "1");
        await client.ExecuteAsync(["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
        await client.ExecuteAsync(["CONFIG", "SET", "maxmemory", "1"]);

        var command = await Should.ThrowAsync<RedisServerException>(() => client.SetAsync("new", "2"));
        var script = await Should.ThrowAsync<RedisServerException>(() => client.ExecuteAsync(["EVAL", "return redis.call('HSET', KEYS[1], 'a', '1')", "1", "h"]));
        (command.Message, command.IsTransient).ShouldBe(("OOM command not allowed when used memory > 'maxmemory'.", true));
        script.Message.ShouldStartWith("OOM ");
        script.IsTransient.ShouldBeTrue();
        (await client.GetAsync("kept")).ShouldBe("1"); // reads go on, nothing was evicted
    }

    [Fact]
    public async Task Scripts_run_by_hash_after_the_first_call()
    {
        const string script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
        (await _redis.EvalAsync(script, ["counter"], ["5"])).Integer.ShouldBe(5);
        (await _redis.EvalAsync(script, ["counter"], ["2"])).Integer.ShouldBe(7);
        var cached = await _redis.ExecuteAsync(["SCRIPT", "EXISTS", Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(script)))]);
        cached.Items[0].Integer.ShouldBe(1);
    }

    [Fact]
    public async Task Arrays_and_nested_replies_are_parsed()
    {
        await _redis.ExecuteAsync(["RPUSH", "list", "a", "", "c"]);
        var reply = await _redis.ExecuteAsync(["LRANGE", "list", "0", "-1"]);
        reply.Items.Select(i => i.AsString()).ShouldBe(["a", "", "c"]);
    }

    [Fact]
    public async Task Concurrent_commands_share_the_pool_without_losing_any()
    {
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => _redis.ExecuteAsync(["INCR", "hits"])));
        (await _redis.GetAsync("hits")).ShouldBe("200");
    }

    [Fact]
    public async Task A_large_value_survives_partial_reads()
    {
        var large = new string('x', 200_000) + "end";
        await _redis.SetAsync("large", large);
        (await _redis.GetAsync("large")).ShouldBe(large);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_unavailable()
    {
        await using var nowhere = new RedisClient(RedisOptions.Parse($"127.0.0.1:{TestServers.FreePort()},connectTimeout=500"));
        await Should.ThrowAsync<RedisUnavailableException>(() => nowhere.PingAsync());
    }

    [Fact]
    public async Task A_hung_server_is_reported_as_unavailable_and_the_client_recovers_when_it_answers_again()
    {
        using var server = TestServers.StartPrivateRedis();
        await using var client = new RedisClient(RedisOptions.Parse(server.ConnectionString)); // 300 ms to connect, 300 ms per command
        await client.SetAsync("before", "1");

        server.Freeze();
        try
        {
            // The guard only stops a broken client from hanging the test run; the client gives up after its own timeouts.
            await Should.ThrowAsync<RedisUnavailableException>(() => client.GetAsync("absent").WaitAsync(TimeSpan.FromSeconds(30)));
            await Should.ThrowAsync<RedisUnavailableException>(() => client.PingAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            server.Thaw();
        }

        (await client.GetAsync("before")).ShouldBe("1"); // the connections that timed out were dropped, not reused mid-reply
    }

    [Fact]
    public void Connection_strings_in_the_usual_shape_are_understood()
    {
        var options = RedisOptions.Parse("cache.internal:6380,password=s3cret,ssl=true,database=4,connectTimeout=1500,abortConnect=false");
        options.ShouldBe(new RedisOptions { Host = "cache.internal", Port = 6380, Password = "s3cret", Ssl = true, Database = 4, ConnectTimeout = TimeSpan.FromMilliseconds(1500) });
    }
}
