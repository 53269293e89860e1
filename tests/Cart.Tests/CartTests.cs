extern alias cart;
using System.Net;
using System.Net.Http.Json;
using Bazaar.ServiceDefaults.Redis;
using Bazaar.Testing;
using cart::Bazaar.Cart.Carts;

namespace Bazaar.Cart.Tests;

public sealed class CartTests(CartPlatform platform) : IClassFixture<CartPlatform>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await platform.Cart.ResetAsync();
        await platform.Catalog.ResetAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    static Guid CartIdOf(HttpResponseMessage response) => Guid.Parse(response.Headers.GetValues("Cart-Id").Single());

    [Fact]
    public async Task A_guest_gets_a_cart_priced_by_the_catalog_whatever_price_it_sends()
    {
        await platform.ProductAsync("Teapot", ("TEAPOT-1", 2450, 10));
        var guest = platform.CartClient();
        var added = await guest.PutAsJsonAsync("/api/v1/cart/items/TEAPOT-1", new { quantity = 2, price = 1, unitPrice = 1, total = 2 });
        var cart = await added.ShouldBeOkAsync<CartDto>();
        var cartId = CartIdOf(added);
        cart.CartId.ShouldBe(cartId);

        var again = await platform.CartClient(cartId: cartId).GetFromJsonAsync<CartDto>("/api/v1/cart");
        var line = again!.Lines.ShouldHaveSingleItem();
        (line.Sku, line.Quantity, line.UnitPrice, line.LineTotal, line.Currency).ShouldBe(("TEAPOT-1", 2, (long?)2450L, (long?)4900L, "EUR"));
        (again.Subtotal, again.ItemCount, again.ReadyForCheckout).ShouldBe((4900L, 2, true));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK)] // catalog failing: shown without prices
    [InlineData(HttpStatusCode.Forbidden, HttpStatusCode.OK)] // the cart's service token turned away (keys rotating): no answer about prices either
    [InlineData(HttpStatusCode.Unauthorized, HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.BadRequest, HttpStatusCode.InternalServerError)] // catalog refusing the request itself: a fault here, not an outage
    public async Task Only_a_catalog_that_gives_no_answer_leaves_the_cart_unpriced(HttpStatusCode catalog, HttpStatusCode cart)
    {
        await platform.ProductAsync("Vase", ("VASE-1", 2500, 10));
        var customer = platform.CartClient(platform.Tokens.ForUser(Guid.NewGuid(), "customer"));
        await (await customer.PutAsJsonAsync("/api/v1/cart/items/VASE-1", new { quantity = 1 })).ShouldBeOkAsync<CartDto>();

        platform.CatalogAnswers = catalog;
        try
        {
            (await customer.GetAsync("/api/v1/cart")).StatusCode.ShouldBe(cart);
        }
        finally
        {
            platform.CatalogAnswers = null;
        }
    }

    [Fact]
    public async Task While_catalog_is_down_the_cart_is_shown_and_changed_without_prices_and_cannot_go_to_checkout()
    {
        await platform.ProductAsync("Lamp", ("LAMP-1", 3900, 10), ("LAMP-2", 4900, 10));
        var customer = platform.CartClient(platform.Tokens.ForUser(Guid.NewGuid(), "customer"));
        await (await customer.PutAsJsonAsync("/api/v1/cart/items/LAMP-1", new { quantity = 2 })).ShouldBeOkAsync<CartDto>();
        await (await customer.PutAsJsonAsync("/api/v1/cart/items/LAMP-2", new { quantity = 1 })).ShouldBeOkAsync<CartDto>();
        var guestId = CartIdOf(await platform.CartClient().PutAsJsonAsync("/api/v1/cart/items/LAMP-1", new { quantity = 1 }));

        platform.CatalogDown = true;
        try
        {
            var shown = await customer.GetFromJsonAsync<CartDto>("/api/v1/cart");
            shown!.Lines.Select(l => (l.Sku, l.Quantity, l.UnitPrice)).ShouldBe([("LAMP-1", 2, (long?)null), ("LAMP-2", 1, (long?)null)], ignoreOrder: true);
            shown.Lines.ShouldAllBe(l => l.Problem!.Contains("cannot be shown right now"));
            (shown.ItemCount, shown.ReadyForCheckout).ShouldBe((3, false));

            // A removal is made and answered as made; an addition, whose item cannot be checked, is refused with a 503.
            var removed = await (await customer.DeleteAsync("/api/v1/cart/items/LAMP-2")).ShouldBeOkAsync<CartDto>();
            removed.Lines.ShouldHaveSingleItem().Sku.ShouldBe("LAMP-1");
            var refused = await (await customer.PutAsJsonAsync("/api/v1/cart/items/LAMP-2", new { quantity = 1 })).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
            refused.GetProperty("detail").GetString()!.ShouldContain("was not added");
            // A merge at sign-in is made and answered as made.
            var merged = await (await customer.PostAsJsonAsync("/api/v1/cart/merge", new { cartId = guestId })).ShouldBeOkAsync<CartDto>();
            merged.Lines.ShouldHaveSingleItem().ShouldSatisfyAllConditions(l => l.Quantity.ShouldBe(3), l => l.UnitPrice.ShouldBeNull());
        }
        finally
        {
            platform.CatalogDown = false;
        }

        var back = await customer.GetFromJsonAsync<CartDto>("/api/v1/cart");
        (back!.Lines.ShouldHaveSingleItem().UnitPrice, back.Subtotal, back.ReadyForCheckout).ShouldBe(((long?)3900L, 11700L, true));
    }

    [Fact]
    public async Task Prices_and_availability_are_read_again_on_every_view()
    {
        var productId = await platform.ProductAsync("Mug", ("MUG-9", 900, 3));
        var customer = platform.CartClient(platform.Tokens.ForUser(Guid.NewGuid(), "customer"));
        await customer.PutAsJsonAsync("/api/v1/cart/items/MUG-9", new { quantity = 3 });
        (await platform.CatalogAdmin().PutAsJsonAsync($"/api/v1/admin/products/{productId}/variants/MUG-9", new { price = 750, version = 1 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await platform.CatalogAdmin().PostOnceAsync("/api/v1/admin/inventory/MUG-9/adjustments", new { delta = -2, reason = "breakage" });

        var cart = await customer.GetFromJsonAsync<CartDto>("/api/v1/cart");
        var line = cart!.Lines.Single();
        line.UnitPrice.ShouldBe(750);
        line.Problem.ShouldBe("Only 1 left.");
        cart.ReadyForCheckout.ShouldBeFalse();
    }

    [Fact]
    public async Task A_cart_takes_the_currency_most_of_its_lines_are_priced_in_and_flags_the_others()
    {
        // The dollar line comes first in the cart (lines are kept in SKU order), the two euro lines after it.
        await platform.ProductAsync("Dollar kettle", "USD", ("CUR-A-KETTLE", 3000, 5));
        await platform.ProductAsync("Euro cup", ("CUR-B-CUP", 500, 5));
        await platform.ProductAsync("Euro saucer", ("CUR-C-SAUCER", 300, 5));
        var customer = platform.CartClient(platform.Tokens.ForUser(Guid.NewGuid(), "customer"));
        foreach (var sku in new[] { "CUR-A-KETTLE", "CUR-B-CUP", "CUR-C-SAUCER" })
            await (await customer.PutAsJsonAsync($"/api/v1/cart/items/{sku}", new { quantity = 1 })).ShouldBeOkAsync<CartDto>();

        var cart = (await customer.GetFromJsonAsync<CartDto>("/api/v1/cart"))!;

        (cart.Currency, cart.Subtotal, cart.ReadyForCheckout).ShouldBe(("EUR", 800L, false));
        cart.Lines.Select(l => (l.Sku, l.Problem)).ShouldBe([("CUR-A-KETTLE", "Priced in another currency."), ("CUR-B-CUP", null), ("CUR-C-SAUCER", null)]);

        // Euro lines that cannot be bought (sold out) do not outvote the dollar line that can.
        foreach (var sku in new[] { "CUR-B-CUP", "CUR-C-SAUCER" })
            (await platform.CatalogAdmin().PostOnceAsync($"/api/v1/admin/inventory/{sku}/adjustments", new { delta = -5, reason = "breakage" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var soldOut = (await customer.GetFromJsonAsync<CartDto>("/api/v1/cart"))!;
        (soldOut.Currency, soldOut.Subtotal).ShouldBe(("USD", 3000L));
        soldOut.Lines.Select(l => (l.Sku, l.Problem)).ShouldBe([("CUR-A-KETTLE", null), ("CUR-B-CUP", "Out of stock."), ("CUR-C-SAUCER", "Out of stock.")]);

        // With the dollar line alone, the cart is in dollars and ready.
        await customer.DeleteAsync("/api/v1/cart/items/CUR-B-CUP");
        await customer.DeleteAsync("/api/v1/cart/items/CUR-C-SAUCER");
        var dollars = (await customer.GetFromJsonAsync<CartDto>("/api/v1/cart"))!;
        (dollars.Currency, dollars.Subtotal, dollars.ReadyForCheckout).ShouldBe(("USD", 3000L, true));
    }

    [Fact]
    public async Task Signing_in_merges_the_guest_cart_adding_quantities_up_to_99()
    {
        await platform.ProductAsync("Pens", ("PEN-1", 150, 500), ("PEN-2", 180, 500));
        var guest = platform.CartClient();
        var first = await guest.PutAsJsonAsync("/api/v1/cart/items/PEN-1", new { quantity = 60 });
        var cartId = CartIdOf(first);
        await platform.CartClient(cartId: cartId).PutAsJsonAsync("/api/v1/cart/items/PEN-2", new { quantity = 1 });

        var userId = Guid.NewGuid();
        var customer = platform.CartClient(platform.Tokens.ForUser(userId, "customer"));
        await customer.PutAsJsonAsync("/api/v1/cart/items/PEN-1", new { quantity = 50 });

        var merged = await (await customer.PostAsJsonAsync("/api/v1/cart/merge", new { cartId })).ShouldBeOkAsync<CartDto>();
        merged.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([("PEN-1", 99), ("PEN-2", 1)]);
        (await platform.CartClient(cartId: cartId).GetFromJsonAsync<CartDto>("/api/v1/cart"))!.Lines.ShouldBeEmpty();

        // merging needs a signed-in customer
        await (await platform.CartClient().PostAsJsonAsync("/api/v1/cart/merge", new { cartId })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        // merging the same guest cart again changes nothing
        (await (await customer.PostAsJsonAsync("/api/v1/cart/merge", new { cartId })).ShouldBeOkAsync<CartDto>())
            .Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([("PEN-1", 99), ("PEN-2", 1)]);
    }

    [Fact]
    public async Task A_merge_into_a_full_cart_names_the_guest_lines_left_out()
    {
        await platform.ProductAsync("Clips", ("CLIP-1", 50, 500), ("CLIP-2", 60, 500));
        var guestId = CartIdOf(await platform.CartClient().PutAsJsonAsync("/api/v1/cart/items/CLIP-1", new { quantity = 4 }));
        await platform.CartClient(cartId: guestId).PutAsJsonAsync("/api/v1/cart/items/CLIP-2", new { quantity = 2 });

        // The customer's cart already holds 100 different items, CLIP-2 among them.
        var userId = Guid.NewGuid();
        var customer = platform.CartClient(platform.Tokens.ForUser(userId, "customer"));
        (await customer.PutAsJsonAsync("/api/v1/cart/items/CLIP-2", new { quantity = 1 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var redis = new RedisClient(RedisOptions.Parse(platform.Cart.RedisConnectionString));
        await redis.ExecuteAsync(["HSET", $"cart:user:{userId:N}", .. Enumerable.Range(0, CartStore.MaxLines - 1).SelectMany(i => new[] { $"FILL-{i:D3}", "1" })]);

        var merged = await (await customer.PostAsJsonAsync("/api/v1/cart/merge", new { cartId = guestId })).ShouldBeOkAsync<MergedCartDto>();
        merged.LeftOut.Select(l => (l.Sku, l.Quantity)).ShouldBe([("CLIP-1", 4)]);
        merged.Lines.Count.ShouldBe(CartStore.MaxLines);
        merged.Lines.Single(l => l.Sku == "CLIP-2").Quantity.ShouldBe(3); // a line already there still adds up
        merged.Lines.ShouldNotContain(l => l.Sku == "CLIP-1");

        // The same merge again (its answer was lost): the lines left out are named again, and nothing is added twice.
        var again = await (await customer.PostAsJsonAsync("/api/v1/cart/merge", new { cartId = guestId })).ShouldBeOkAsync<MergedCartDto>();
        again.LeftOut.Select(l => (l.Sku, l.Quantity)).ShouldBe([("CLIP-1", 4)]);
        again.Lines.Single(l => l.Sku == "CLIP-2").Quantity.ShouldBe(3);
    }

    [Fact]
    public async Task A_cart_id_the_service_never_gave_out_gets_a_new_cart()
    {
        await platform.ProductAsync("Stamps", ("STAMP-1", 80, 50));
        var chosen = Guid.NewGuid();
        var added = await platform.CartClient(cartId: chosen).PutAsJsonAsync("/api/v1/cart/items/STAMP-1", new { quantity = 2 });
        var cart = await added.ShouldBeOkAsync<CartDto>();
        var given = CartIdOf(added);
        given.ShouldNotBe(chosen);
        cart.CartId.ShouldBe(given);
        cart.Lines.ShouldHaveSingleItem().Quantity.ShouldBe(2);
        (await platform.CartClient(cartId: chosen).GetFromJsonAsync<CartDto>("/api/v1/cart"))!.Lines.ShouldBeEmpty();

        // The id given out keeps naming that cart.
        var again = await platform.CartClient(cartId: given).PutAsJsonAsync("/api/v1/cart/items/STAMP-1", new { quantity = 5 });
        CartIdOf(again).ShouldBe(given);
        (await again.ShouldBeOkAsync<CartDto>()).Lines.ShouldHaveSingleItem().Quantity.ShouldBe(5);
    }

    [Fact]
    public async Task Concurrent_edits_of_one_cart_lose_no_update()
    {
        var skus = Enumerable.Range(0, 30).Select(i => $"BEAD-{i:D2}").ToArray();
        await platform.ProductAsync("Beads", [.. skus.Select(s => (s, 100L, 50))]);
        var customer = platform.CartClient(platform.Tokens.ForUser(Guid.NewGuid(), "customer"));
        var answers = await Task.WhenAll(skus.Select(async (sku, i) =>
            await (await customer.PutAsJsonAsync($"/api/v1/cart/items/{sku}", new { quantity = 1 + i % 5 })).ShouldBeOkAsync<CartDto>()));
        // Each answer is the cart after its own write, so the write that came last shows every line.
        answers.Max(a => a.Lines.Count).ShouldBe(skus.Length);
        answers.ShouldAllBe(a => a.Lines.All(l => l.UnitPrice == 100));
        var cart = await customer.GetFromJsonAsync<CartDto>("/api/v1/cart");
        cart!.Lines.Select(l => l.Sku).ShouldBe(skus);
        cart.ItemCount.ShouldBe(skus.Select((_, i) => 1 + i % 5).Sum());
    }

    [Fact]
    public async Task Each_customer_sees_only_their_own_cart()
    {
        await platform.ProductAsync("Secret", ("SECRET-1", 100, 5));
        var alice = platform.CartClient(platform.Tokens.ForUser(Guid.NewGuid(), "customer"));
        var bob = platform.CartClient(platform.Tokens.ForUser(Guid.NewGuid(), "customer"));
        await alice.PutAsJsonAsync("/api/v1/cart/items/SECRET-1", new { quantity = 1 });
        (await bob.GetFromJsonAsync<CartDto>("/api/v1/cart"))!.Lines.ShouldBeEmpty();
        (await bob.DeleteAsync("/api/v1/cart")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await alice.GetFromJsonAsync<CartDto>("/api/v1/cart"))!.Lines.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Carts_expire_after_30_days_and_guest_carts_after_7()
    {
        await platform.ProductAsync("Ttl", ("TTL-1", 100, 5));
        var userId = Guid.NewGuid();
        await platform.CartClient(platform.Tokens.ForUser(userId, "customer")).PutAsJsonAsync("/api/v1/cart/items/TTL-1", new { quantity = 1 });
        var guest = CartIdOf(await platform.CartClient().PutAsJsonAsync("/api/v1/cart/items/TTL-1", new { quantity = 1 }));
        await using var redis = new RedisClient(RedisOptions.Parse(platform.Cart.RedisConnectionString));
        var userTtl = TimeSpan.FromMilliseconds((await redis.ExecuteAsync(["PTTL", $"cart:user:{userId:N}"])).Integer);
        var guestTtl = TimeSpan.FromMilliseconds((await redis.ExecuteAsync(["PTTL", $"cart:guest:{guest:N}"])).Integer);
        userTtl.ShouldBeInRange(TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));
        guestTtl.ShouldBeInRange(TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task Every_change_renews_the_lifetime_removals_and_orders_included()
    {
        await platform.ProductAsync("Renew", ("RENEW-1", 100, 50), ("RENEW-2", 100, 50), ("RENEW-3", 100, 50));
        var userId = Guid.NewGuid();
        var customer = platform.CartClient(platform.Tokens.ForUser(userId, "customer"));
        foreach (var sku in new[] { "RENEW-1", "RENEW-2", "RENEW-3" })
            (await customer.PutAsJsonAsync($"/api/v1/cart/items/{sku}", new { quantity = 2 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var redis = new RedisClient(RedisOptions.Parse(platform.Cart.RedisConnectionString));
        var key = $"cart:user:{userId:N}";
        async Task<TimeSpan> AfterADayLeft(Func<Task> change)
        {
            await redis.ExecuteAsync(["PEXPIRE", key, ((long)TimeSpan.FromDays(1).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await change();
            return TimeSpan.FromMilliseconds((await redis.ExecuteAsync(["PTTL", key])).Integer);
        }

        (await AfterADayLeft(async () => (await customer.DeleteAsync("/api/v1/cart/items/RENEW-1")).StatusCode.ShouldBe(HttpStatusCode.OK)))
            .ShouldBeInRange(TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));
        var ordering = platform.CartClient(platform.Tokens.ForService("ordering"));
        (await AfterADayLeft(async () => (await ordering.PostAsJsonAsync($"/internal/carts/{userId}/ordered",
                new { orderId = Guid.NewGuid(), lines = new[] { new { sku = "RENEW-2", quantity = 1 } } })).StatusCode.ShouldBe(HttpStatusCode.NoContent)))
            .ShouldBeInRange(TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));
    }

    [Theory]
    [InlineData("GOOD-1", """{"quantity":0}""", "quantity")]
    [InlineData("GOOD-1", """{"quantity":100}""", "quantity")]
    [InlineData("GOOD-1", """{"quantity":-3}""", "quantity")]
    [InlineData("bad sku", """{"quantity":1}""", "sku")]
    [InlineData("-1", """{"quantity":1}""", "sku")]
    [InlineData("ABC\n", """{"quantity":1}""", "sku")]
    public async Task Bad_lines_are_refused_by_field(string sku, string json, string field)
    {
        await platform.ProductAsync("Good", ("GOOD-1", 100, 5));
        var response = await platform.CartClient().PutAsync($"/api/v1/cart/items/{Uri.EscapeDataString(sku)}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.ShouldNameFieldAsync(field);
    }

    [Fact]
    public async Task Removing_a_line_needs_a_sku()
    {
        var guest = platform.CartClient();
        await (await guest.DeleteAsync($"/api/v1/cart/items/{Uri.EscapeDataString("bad sku")}")).ShouldNameFieldAsync("sku");
    }

    [Fact]
    public async Task Unknown_items_and_bad_cart_ids_are_refused()
    {
        await (await platform.CartClient().PutAsJsonAsync("/api/v1/cart/items/NOPE-1", new { quantity = 1 })).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var bad = platform.Cart.CreateClient();
        bad.DefaultRequestHeaders.Add("Cart-Id", "not-a-cart");
        await (await bad.GetAsync("/api/v1/cart")).ShouldNameFieldAsync("Cart-Id");
    }

    [Fact]
    public async Task An_order_takes_its_lines_out_of_the_cart_and_what_was_added_since_stays()
    {
        await platform.ProductAsync("Kit", ("KIT-A", 100L, 50), ("KIT-B", 100L, 50), ("KIT-C", 100L, 50));
        var userId = Guid.NewGuid();
        var customer = platform.CartClient(platform.Tokens.ForUser(userId, "customer"));
        foreach (var (sku, quantity) in new[] { ("KIT-A", 3), ("KIT-B", 1), ("KIT-C", 2) })
            (await customer.PutAsJsonAsync($"/api/v1/cart/items/{sku}", new { quantity })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ordering = platform.CartClient(platform.Tokens.ForService("ordering"));

        // The order had one KIT-A (two were added since), all of KIT-B, and a KIT-D the cart no longer holds.
        var order = new { orderId = Guid.NewGuid(), lines = new[] { new { sku = "KIT-A", quantity = 1 }, new { sku = "KIT-B", quantity = 1 }, new { sku = "KIT-D", quantity = 1 } } };
        var answer = await ordering.PostAsJsonAsync($"/internal/carts/{userId}/ordered", order);

        answer.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ordering.GetFromJsonAsync<InternalCartDto>($"/internal/carts/{userId}"))!.Lines.ShouldBe([new CartLine("KIT-A", 2), new CartLine("KIT-C", 2)]);

        // The same order again (a call repeated by a proxy or a retry) takes nothing more; another order does.
        (await ordering.PostAsJsonAsync($"/internal/carts/{userId}/ordered", order)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ordering.GetFromJsonAsync<InternalCartDto>($"/internal/carts/{userId}"))!.Lines.ShouldBe([new CartLine("KIT-A", 2), new CartLine("KIT-C", 2)]);
        (await ordering.PostAsJsonAsync($"/internal/carts/{userId}/ordered", order with { orderId = Guid.NewGuid() })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ordering.GetFromJsonAsync<InternalCartDto>($"/internal/carts/{userId}"))!.Lines.ShouldBe([new CartLine("KIT-A", 1), new CartLine("KIT-C", 2)]);

        await (await ordering.PostAsJsonAsync($"/internal/carts/{userId}/ordered", new { orderId = Guid.NewGuid(), lines = new[] { new { sku = "KIT-A", quantity = 0 } } })).ShouldNameFieldAsync("lines");
        await (await ordering.PostAsJsonAsync($"/internal/carts/{userId}/ordered", new { orderId = Guid.NewGuid() })).ShouldNameFieldAsync("lines");
        await (await ordering.PostAsJsonAsync($"/internal/carts/{userId}/ordered", new { orderId = Guid.Empty, lines = order.lines })).ShouldNameFieldAsync("orderId");
        // Ordering from before the order id was sent (during a rolling deploy) still has its lines taken out.
        (await ordering.PostAsJsonAsync($"/internal/carts/{userId}/ordered", new { lines = new[] { new { sku = "KIT-C", quantity = 1 } } })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ordering.GetFromJsonAsync<InternalCartDto>($"/internal/carts/{userId}"))!.Lines.ShouldBe([new CartLine("KIT-A", 1), new CartLine("KIT-C", 1)]);
    }

    [Fact]
    public async Task Internal_routes_serve_ordering_only()
    {
        var userId = Guid.NewGuid();
        await (await platform.CartClient(platform.Tokens.ForUser(userId, "customer")).GetAsync($"/internal/carts/{userId}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.CartClient().PostAsJsonAsync($"/internal/carts/{userId}/ordered", new { lines = Array.Empty<object>() })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var customer = platform.CartClient(platform.Tokens.ForUser(userId, "customer"));
        await (await customer.PostAsJsonAsync($"/internal/carts/{userId}/ordered", new { orderId = Guid.NewGuid(), lines = Array.Empty<object>() })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await customer.DeleteAsync($"/internal/carts/{userId}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var service = platform.CartClient(platform.Tokens.ForService("ordering"));
        (await service.GetFromJsonAsync<InternalCartDto>($"/internal/carts/{userId}"))!.Lines.ShouldBeEmpty();
    }
}
