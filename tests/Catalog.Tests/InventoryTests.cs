using System.Net;
using System.Net.Http.Json;
using Bazaar.Catalog.Inventory;
using Bazaar.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bazaar.Catalog.Tests;

public sealed class InventoryTests(CatalogFactory factory) : CatalogTest(factory)
{
    async Task<(Guid ProductId, string Sku)> StockedAsync(int units, long price = 2500)
    {
        var category = await Factory.CategoryAsync("Cat " + Guid.NewGuid().ToString("N")[..6]);
        var sku = "INV-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var product = await Factory.ProductAsync("Stocked " + sku, category.Id, variants: (sku, price, units));
        return (product.Id, sku);
    }

    async Task<(int OnHand, int Reserved)> CountsAsync(string sku)
    {
        await using var db = NpgsqlDataSource.Create(Factory.DatabaseConnectionString);
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(int, int)>("select on_hand, reserved from stock where sku = @sku", new { sku });
    }

    static Task<HttpResponseMessage> ReserveAsync(HttpClient service, Guid orderId, string sku, int quantity, int? ttlSeconds = null) =>
        service.PostAsJsonAsync("/internal/reservations", new { orderId, lines = new[] { new { sku, quantity } }, ttlSeconds });

    [Fact]
    public async Task Hundred_concurrent_reservations_for_ten_units_reserve_exactly_ten()
    {
        var (_, sku) = await StockedAsync(10);
        var service = Factory.Service();
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => ReserveAsync(service, Guid.NewGuid(), sku, 1)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(10);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(90);
        (await CountsAsync(sku)).ShouldBe((10, 10));
    }

    [Fact]
    public async Task A_reservation_is_all_or_nothing()
    {
        var (_, plenty) = await StockedAsync(50);
        var (_, scarce) = await StockedAsync(1);
        var response = await Factory.Service().PostAsJsonAsync("/internal/reservations", new
        {
            orderId = Guid.NewGuid(), lines = new[] { new { sku = plenty, quantity = 5 }, new { sku = scarce, quantity = 2 } },
        });
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        problem.GetProperty("skus").EnumerateArray().Select(s => s.GetString()).ShouldBe([scarce]);
        (await CountsAsync(plenty)).ShouldBe((50, 0));
        (await CountsAsync(scarce)).ShouldBe((1, 0));
    }

    [Fact]
    public async Task Repeating_a_reservation_for_the_same_order_changes_nothing()
    {
        var (_, sku) = await StockedAsync(10);
        var service = Factory.Service();
        var orderId = Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ReserveAsync(service, orderId, sku, 3)));
        results.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        (await CountsAsync(sku)).ShouldBe((10, 3));

        // The same order id with other lines is a client bug, not a new reservation.
        await (await ReserveAsync(service, orderId, sku, 4)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        (await CountsAsync(sku)).ShouldBe((10, 3));
    }

    [Fact]
    public async Task Commit_sells_and_release_returns_each_exactly_once()
    {
        var (_, sku) = await StockedAsync(10);
        var service = Factory.Service();
        var sold = Guid.NewGuid();
        var returned = Guid.NewGuid();
        await ReserveAsync(service, sold, sku, 2);
        await ReserveAsync(service, returned, sku, 3);
        (await CountsAsync(sku)).ShouldBe((10, 5));

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => service.PostAsync($"/internal/reservations/{sold}/commit", null)));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => service.PostAsync($"/internal/reservations/{returned}/release", null)));
        (await CountsAsync(sku)).ShouldBe((8, 0));

        await (await service.PostAsync($"/internal/reservations/{returned}/commit", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await service.PostAsync($"/internal/reservations/{sold}/release", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await service.PostAsync($"/internal/reservations/{Guid.NewGuid()}/commit", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await CountsAsync(sku)).ShouldBe((8, 0));

        // A sold order cancelled before shipping returns its units, once; a released one has nothing to return.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => service.PostAsync($"/internal/reservations/{sold}/return", null)));
        (await CountsAsync(sku)).ShouldBe((10, 0));
        await (await service.PostAsync($"/internal/reservations/{returned}/return", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_return_after_the_variant_was_deleted_and_its_SKU_reused_leaves_the_new_product_s_stock_alone()
    {
        var category = await Factory.CategoryAsync("Cat " + Guid.NewGuid().ToString("N")[..6]);
        var sku = "INV-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var first = await Factory.ProductAsync("First " + sku, category.Id, variants: [(sku, 2500, 10), (sku + "-B", 2500, 10)]);
        var service = Factory.Service();
        var sold = Guid.NewGuid();
        (await ReserveAsync(service, sold, sku, 2)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await service.PostAsync($"/internal/reservations/{sold}/commit", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The owner deletes the variant and gives its SKU to another product; then the sold order is cancelled.
        (await Factory.Admin().DeleteAsync($"/api/v1/admin/products/{first.Id}/variants/{sku}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await Factory.ProductAsync("Second " + sku, category.Id, variants: (sku, 3000, 5));
        (await service.PostAsync($"/internal/reservations/{sold}/return", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await CountsAsync(sku)).ShouldBe((5, 0));
    }

    [Fact]
    public async Task Expired_reservations_give_stock_back_exactly_once()
    {
        var (_, sku) = await StockedAsync(4);
        var service = Factory.Service();
        var orderId = Guid.NewGuid();
        await ReserveAsync(service, orderId, sku, 4, ttlSeconds: 60);
        (await ReserveAsync(service, Guid.NewGuid(), sku, 1)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        Factory.Clock.Advance(TimeSpan.FromSeconds(61));
        var reservations = Factory.Services.GetRequiredService<Reservations>();
        var released = await Task.WhenAll(reservations.ReleaseExpiredAsync(default), reservations.ReleaseExpiredAsync(default));
        released.Sum().ShouldBeLessThanOrEqualTo(1); // the background sweeper may have been first; either way once
        (await CountsAsync(sku)).ShouldBe((4, 0));
        (await service.GetFromJsonAsync<ReservationDto>($"/internal/reservations/{orderId}"))!.Status.ShouldBe("released");
        (await ReserveAsync(service, Guid.NewGuid(), sku, 4)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A late retry of the expired order must not look like stock is held for it.
        await (await ReserveAsync(service, orderId, sku, 4, ttlSeconds: 60)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_held_reservation_can_be_extended_for_a_review_but_not_a_finished_one()
    {
        var (_, sku) = await StockedAsync(2);
        var service = Factory.Service();
        var orderId = Guid.NewGuid();
        await ReserveAsync(service, orderId, sku, 1, ttlSeconds: 60);
        var extended = await (await service.PostAsJsonAsync($"/internal/reservations/{orderId}/extend", new { ttlSeconds = 86400 })).ShouldBeOkAsync<ReservationDto>();
        extended.ExpiresAt.ShouldBeGreaterThan(Factory.Clock.GetUtcNow().AddHours(23));
        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        (await Factory.Services.GetRequiredService<Reservations>().ReleaseExpiredAsync(default)).ShouldBe(0);
        // Still held past its first expiry (the background sweep included), with its unit still set aside.
        (await service.GetFromJsonAsync<ReservationDto>($"/internal/reservations/{orderId}"))!.Status.ShouldBe("held");
        (await CountsAsync(sku)).ShouldBe((2, 1));
        (await service.PostAsync($"/internal/reservations/{orderId}/release", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CountsAsync(sku)).ShouldBe((2, 0));
        await (await service.PostAsJsonAsync($"/internal/reservations/{orderId}/extend", new { ttlSeconds = 60 })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Shoppers_see_availability_and_staff_see_counts()
    {
        var (productId, sku) = await StockedAsync(3);
        var shopper = await Anonymous.GetFromJsonAsync<List<VariantAvailability>>($"/api/v1/inventory/{productId}");
        shopper!.Single().ShouldBe(new VariantAvailability(sku, "low_stock", null, null, null, null));
        var staff = await Factory.Support().GetFromJsonAsync<List<VariantAvailability>>($"/api/v1/inventory/{productId}");
        staff!.Single().ShouldBe(new VariantAvailability(sku, "low_stock", 3, 0, 3, 5));
    }

    [Fact]
    public async Task Adjustments_keep_a_history_and_never_go_below_reserved()
    {
        var (_, sku) = await StockedAsync(5);
        var admin = Factory.Admin();
        await ReserveAsync(Factory.Service(), Guid.NewGuid(), sku, 4);
        Factory.Clock.Advance(TimeSpan.FromSeconds(1)); // history is newest first

        var added = await (await admin.PostOnceAsync($"/api/v1/admin/inventory/{sku}/adjustments", new { delta = 10, reason = "delivery from supplier" })).ShouldBeOkAsync<AdjustmentDto>();
        added.OnHandAfter.ShouldBe(15);
        await (await admin.PostOnceAsync($"/api/v1/admin/inventory/{sku}/adjustments", new { delta = -12, reason = "stock count" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostOnceAsync($"/api/v1/admin/inventory/{sku}/adjustments", new { delta = 0, reason = "nothing" })).ShouldNameFieldAsync("delta");
        await (await admin.PostOnceAsync("/api/v1/admin/inventory/NOPE-1/adjustments", new { delta = 1, reason = "ghost" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/admin/inventory/NOPE-1/adjustments")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostOnceAsync($"/api/v1/admin/inventory/{sku}/adjustments", new { delta = 1, reason = "   ab  " })).ShouldNameFieldAsync("reason");

        var history = await admin.GetFromJsonAsync<List<AdjustmentDto>>($"/api/v1/admin/inventory/{sku}/adjustments");
        history!.Select(h => (h.Delta, h.Reason)).ShouldBe([(10, "delivery from supplier"), (5, "initial stock")]);

        // Nor above the ceiling, however many adjustments it takes to get near it.
        await using (var db = NpgsqlDataSource.Create(Factory.DatabaseConnectionString))
        await using (var connection = await db.OpenConnectionAsync())
            await connection.ExecuteAsync("update stock set on_hand = @near where sku = @sku", new { near = InventoryApi.MaxOnHand - 1, sku });
        await (await admin.PostOnceAsync($"/api/v1/admin/inventory/{sku}/adjustments", new { delta = 2, reason = "miscount" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await CountsAsync(sku)).OnHand.ShouldBe(InventoryApi.MaxOnHand - 1);

        // Returns are not held to the ceiling; a count above it can still be lowered, though not raised.
        await using (var db = NpgsqlDataSource.Create(Factory.DatabaseConnectionString))
        await using (var connection = await db.OpenConnectionAsync())
            await connection.ExecuteAsync("update stock set on_hand = @above where sku = @sku", new { above = InventoryApi.MaxOnHand + 5, sku });
        await (await admin.PostOnceAsync($"/api/v1/admin/inventory/{sku}/adjustments", new { delta = 1, reason = "miscount" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await (await admin.PostOnceAsync($"/api/v1/admin/inventory/{sku}/adjustments", new { delta = -2, reason = "stock count" })).ShouldBeOkAsync<AdjustmentDto>())
            .OnHandAfter.ShouldBe(InventoryApi.MaxOnHand + 3);
    }

    [Fact]
    public async Task An_adjustment_is_made_once_per_idempotency_key()
    {
        var (_, sku) = await StockedAsync(5);
        var admin = Factory.Admin();
        var url = $"/api/v1/admin/inventory/{sku}/adjustments";
        var key = Guid.NewGuid().ToString();

        // Twins sent at once (a double click, a retry racing its original): one adjustment, and every one answers it.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            await (await admin.PostOnceAsync(url, new { delta = 3, reason = "delivery" }, key)).ShouldBeOkAsync<AdjustmentDto>()));
        answers.Select(a => (a.Id, a.OnHandAfter)).Distinct().ShouldBe([(answers[0].Id, 8)]);
        (await CountsAsync(sku)).OnHand.ShouldBe(8);

        // Twins of an adjustment that leaves no room for itself a second time: the ones that waited for the first are
        // answered with it, not refused as going below zero.
        var takeAll = Guid.NewGuid().ToString();
        var emptiedAll = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            await (await admin.PostOnceAsync(url, new { delta = -8, reason = "stock count" }, takeAll)).ShouldBeOkAsync<AdjustmentDto>()));
        var emptied = emptiedAll[0];
        emptiedAll.ShouldAllBe(a => a == emptied);
        emptied.OnHandAfter.ShouldBe(0);
        // A retry long after (its answer was lost) gets the first answer too, even where the change could not be made again.
        (await (await admin.PostOnceAsync(url, new { delta = -8, reason = " stock count " }, takeAll)).ShouldBeOkAsync<AdjustmentDto>()).ShouldBe(emptied);
        (await (await admin.PostOnceAsync(url, new { delta = 3, reason = "delivery" }, key)).ShouldBeOkAsync<AdjustmentDto>()).ShouldBe(answers[0]);
        (await CountsAsync(sku)).OnHand.ShouldBe(0);

        // The same key for a different adjustment is refused, and moves nothing.
        var reused = await (await admin.PostOnceAsync(url, new { delta = 4, reason = "delivery" }, key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        reused.GetProperty("detail").GetString()!.ShouldContain("different adjustment");
        (await CountsAsync(sku)).OnHand.ShouldBe(0);
        var history = await admin.GetFromJsonAsync<List<AdjustmentDto>>(url);
        history!.Select(h => h.Delta).Order().ShouldBe([-8, 3, 5]); // one row each: the initial stock, the delivery, the count

        // A key is required, and is plain visible text.
        await (await admin.PostAsJsonAsync(url, new { delta = 1, reason = "no key" })).ShouldNameFieldAsync("Idempotency-Key");
        await (await admin.PostOnceAsync(url, new { delta = 1, reason = "bad key" }, "two words")).ShouldNameFieldAsync("Idempotency-Key");
        await (await admin.PostOnceAsync(url, new { delta = 1, reason = "long key" }, new string('k', 201))).ShouldNameFieldAsync("Idempotency-Key");
        (await CountsAsync(sku)).OnHand.ShouldBe(0);
    }

    [Fact]
    public async Task Low_stock_listing_and_thresholds()
    {
        var (_, low) = await StockedAsync(2);
        var (_, fine) = await StockedAsync(50);
        var admin = Factory.Admin();
        var page = await admin.GetFromJsonAsync<StockPage>("/api/v1/admin/inventory?lowStock=true");
        page!.Items.Select(i => i.Sku).ShouldContain(low);
        page.Items.Select(i => i.Sku).ShouldNotContain(fine);

        (await admin.PutAsJsonAsync($"/api/v1/admin/inventory/{fine}/threshold", new { lowStockThreshold = 60 })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.GetFromJsonAsync<StockPage>("/api/v1/admin/inventory?lowStock=true"))!.Items.Select(i => i.Sku).ShouldContain(fine);
    }

    [Fact]
    public async Task Stock_is_found_by_sku_prefix_or_product_name_with_wildcards_taken_literally()
    {
        var (_, sku) = await StockedAsync(3);
        var (_, other) = await StockedAsync(3);
        var admin = Factory.Admin();
        static string Url(string q) => "/api/v1/admin/inventory?q=" + Uri.EscapeDataString(q);

        (await admin.GetFromJsonAsync<StockPage>(Url(sku[..9].ToLowerInvariant())))!.Items.Select(i => i.Sku).ShouldBe([sku]);
        (await admin.GetFromJsonAsync<StockPage>(Url("stocked " + other)))!.Items.Select(i => i.Sku).ShouldBe([other]);
        (await admin.GetFromJsonAsync<StockPage>(Url("%")))!.Items.ShouldBeEmpty();
        (await admin.GetFromJsonAsync<StockPage>(Url("INV-" + new string('_', 10))))!.Items.ShouldBeEmpty();
        await (await admin.GetAsync(Url(new string('x', 101)))).ShouldNameFieldAsync("q");
    }

    [Fact]
    public async Task Pricing_gives_current_prices_and_names_unknown_skus()
    {
        var (productId, sku) = await StockedAsync(7, price: 4550);
        var priced = await (await Factory.Service().PostAsJsonAsync("/internal/pricing", new { skus = new[] { sku, "GHOST-1" } })).ShouldBeOkAsync<PricingResponse>();
        var item = priced.Items.ShouldHaveSingleItem();
        (item.Sku, item.ProductId, item.Price, item.Currency, item.Available, item.Purchasable).ShouldBe((sku, productId, 4550L, "EUR", 7, true));
        priced.Unknown.ShouldBe(["GHOST-1"]);
    }

    [Fact]
    public async Task An_order_refused_or_released_first_never_holds_stock_later()
    {
        var (_, sku) = await StockedAsync(1);
        var service = Factory.Service();
        var first = Guid.NewGuid();
        (await ReserveAsync(service, first, sku, 1)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Refused for want of stock; then stock frees up, and the same order's attempt arrives late (a retry).
        var refused = Guid.NewGuid();
        await (await ReserveAsync(service, refused, sku, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await service.PostAsync($"/internal/reservations/{first}/release", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await ReserveAsync(service, refused, sku, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("already released");
        (await CountsAsync(sku)).ShouldBe((1, 0));

        // A release that overtook its own reservation: the reservation arriving after it holds nothing.
        var overtaken = Guid.NewGuid();
        (await service.PostAsync($"/internal/reservations/{overtaken}/release", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await ReserveAsync(service, overtaken, sku, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("already released");
        (await CountsAsync(sku)).ShouldBe((1, 0));
    }

    [Fact]
    public async Task A_product_taken_off_sale_cannot_be_reserved_and_one_sku_is_capped_across_lines()
    {
        var (productId, sku) = await StockedAsync(50);
        await using (var db = NpgsqlDataSource.Create(Factory.DatabaseConnectionString))
        await using (var connection = await db.OpenConnectionAsync())
            await connection.ExecuteAsync("update products set status = 'archived' where id = @productId", new { productId });
        var archived = await (await ReserveAsync(Factory.Service(), Guid.NewGuid(), sku, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        archived.GetProperty("skus").EnumerateArray().Select(s => s.GetString()).ShouldBe([sku]);
        (await CountsAsync(sku)).ShouldBe((50, 0));

        var split = await Factory.Service().PostAsJsonAsync("/internal/reservations",
            new { orderId = Guid.NewGuid(), lines = Enumerable.Range(0, 2).Select(_ => new { sku, quantity = 10_000 }).ToArray() });
        await split.ShouldNameFieldAsync("lines");
    }

    [Theory]
    [InlineData("""{"orderId":"00000000-0000-0000-0000-000000000000","lines":[{"sku":"A-1","quantity":1}]}""", "orderId")]
    [InlineData("""{"orderId":"0199a1b2-0000-7000-8000-000000000001","lines":[]}""", "lines")]
    [InlineData("""{"orderId":"0199a1b2-0000-7000-8000-000000000001","lines":[{"sku":"A-1","quantity":0}]}""", "lines[0].quantity")]
    [InlineData("""{"orderId":"0199a1b2-0000-7000-8000-000000000001","lines":[{"sku":"bad sku","quantity":1}]}""", "lines[0]")]
    [InlineData("""{"orderId":"0199a1b2-0000-7000-8000-000000000001","lines":[null]}""", "lines[0]")]
    [InlineData("""{"orderId":"0199a1b2-0000-7000-8000-000000000001","lines":[{"sku":"A-1","quantity":1}],"ttlSeconds":999999}""", "ttlSeconds")]
    public async Task Bad_reservations_are_named(string json, string field)
    {
        var response = await Factory.Service().PostAsync("/internal/reservations", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.ShouldNameFieldAsync(field);
    }

    [Fact]
    public async Task Internal_routes_need_a_service_token()
    {
        (await Anonymous.PostAsJsonAsync("/internal/pricing", new { skus = new[] { "A-1" } })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Factory.Admin().PostAsJsonAsync("/internal/pricing", new { skus = new[] { "A-1" } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
