extern alias cart;
using System.Net;
using System.Net.Http.Json;
using Bazaar.ServiceDefaults.Redis;
using Bazaar.Testing;
using cart::Bazaar.Cart.Carts;

namespace Bazaar.Cart.Tests;

/// <summary>A cart whose Redis is its own, so the test can fill it.</summary>
public sealed class OwnRedisCartPlatform() : CartPlatform(privateRedis: true);

/// <summary>
/// Carts live in the Redis that never evicts (ADR 0015): when it is full it refuses writes and keeps every key. The
/// shopper gets a 503 to try again, not a 500, and the cart as it was.
/// </summary>
public sealed class FullRedisTests(OwnRedisCartPlatform platform) : IClassFixture<OwnRedisCartPlatform>
{
    [Fact]
    public async Task A_full_redis_refuses_a_cart_change_with_a_503_and_keeps_the_cart_as_it_was()
    {
        await platform.ProductAsync("Kettle", ("KETTLE-1", 3900, 10), ("KETTLE-2", 4200, 10));
        var customer = platform.CartClient(platform.Tokens.ForUser(Guid.NewGuid(), "customer"));
        await (await customer.PutAsJsonAsync("/api/v1/cart/items/KETTLE-1", new { quantity = 1 })).ShouldBeOkAsync<CartDto>();

        await using var redis = new RedisClient(RedisOptions.Parse(platform.Cart.RedisConnectionString));
        await redis.ExecuteAsync(["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
        await redis.ExecuteAsync(["CONFIG", "SET", "maxmemory", "1"]); // below what it holds: full
        try
        {
            var refused = await customer.PutAsJsonAsync("/api/v1/cart/items/KETTLE-2", new { quantity = 1 });
            await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
            refused.Headers.RetryAfter.ShouldNotBeNull();

            var kept = await customer.GetFromJsonAsync<CartDto>("/api/v1/cart");
            kept!.Lines.ShouldHaveSingleItem().Sku.ShouldBe("KETTLE-1");
        }
        finally
        {
            await redis.ExecuteAsync(["CONFIG", "SET", "maxmemory", "0"]);
        }

        var retried = await (await customer.PutAsJsonAsync("/api/v1/cart/items/KETTLE-2", new { quantity = 1 })).ShouldBeOkAsync<CartDto>();
        retried.Lines.Select(l => l.Sku).Order().ShouldBe(["KETTLE-1", "KETTLE-2"]);
    }
}
