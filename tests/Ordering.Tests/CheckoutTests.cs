extern alias catalog;
extern alias ordering;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ordering::Bazaar.Ordering.Checkout;
using ordering::Bazaar.Ordering.Orders;

namespace Bazaar.Ordering.Tests;

public sealed class CheckoutTests(CheckoutPlatform platform) : IClassFixture<CheckoutPlatform>, IAsyncLifetime
{
    public Task InitializeAsync() => platform.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<(HttpClient Client, Guid UserId)> CustomerWithCartAsync(string sku, int quantity)
    {
        var userId = Guid.NewGuid();
        var token = platform.CustomerToken(userId);
        (await platform.CartAs(token).PutAsJsonAsync($"/api/v1/cart/items/{sku}", new { quantity })).StatusCode.ShouldBe(HttpStatusCode.OK);
        return (platform.OrderingAs(token), userId);
    }

    /// <summary>A customer's confirmed order of a new product (five in stock), with the customer's and the admin's clients.</summary>
    async Task<(OrderDto Order, HttpClient Customer, Guid UserId, HttpClient Admin)> ConfirmedOrderAsync(string sku, long price, int quantity = 1)
    {
        await platform.ProductAsync(sku, price, 5);
        var (customer, userId) = await CustomerWithCartAsync(sku, quantity);
        var order = await (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync()))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        order.Status.ShouldBe("confirmed");
        return (order, customer, userId, platform.OrderingAs(platform.AdminToken));
    }

    static bool IsPaymentLookup(HttpRequestMessage request) => request.RequestUri!.AbsolutePath.Contains("/by-order/", StringComparison.Ordinal);

    static bool IsRefund(HttpRequestMessage request) => request.RequestUri!.AbsolutePath.EndsWith("/refund", StringComparison.Ordinal);

    Task<long> RefundAttemptsAsync() => Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from refund_attempts");

    /// <summary>Runs the sweeper once refund attempts are older than Ordering:Saga:RefundStuckAfter (two minutes).</summary>
    async Task SweepAfterRefundsAreStuckAsync()
    {
        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(3));
        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);
    }

    static async Task ShipAsync(HttpClient admin, OrderDto order) =>
        await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "JJD000777" })).ShouldBeOkAsync<OrderDto>();

    /// <summary>A shipped order of 5000 refunded 1000 by payments, whose answer ordering never heard (a 503 to the admin).</summary>
    async Task<(OrderDto Order, Guid UserId, HttpClient Admin, JsonElement Lost)> ShippedWithALostRefundAsync(string sku)
    {
        var (order, _, userId, admin) = await ConfirmedOrderAsync(sku, 5000);
        await ShipAsync(admin, order);
        platform.LosePaymentsAnswers = IsRefund;
        var lost = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 0 }))
            .ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        platform.LosePaymentsAnswers = null;
        return (order, userId, admin, lost);
    }

    async Task<T> Scalar<T>(string connectionString, string sql, object? args = null)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    /// <summary>
    /// Something done at the card network behind Bazaar's back, on the authorization of this test's only payment (a
    /// capture or void made in the provider's dashboard): the network refuses what contradicts it.
    /// </summary>
    Task<int> AtTheNetworkAsync(string kind, long amount) => Scalar<int>(platform.Payments.DatabaseConnectionString, """
        insert into sandbox_operations (idempotency_key, kind, reference, amount, outcome, created_at)
        select 'dashboard-' || @kind, @kind, reference, @amount, 'succeeded', now() from sandbox_operations where kind = 'authorization'
        returning 1
        """, new { kind, amount });

    Task<(int OnHand, int Reserved)> StockAsync(string sku) => QueryOne<(int, int)>(platform.Catalog.DatabaseConnectionString, "select on_hand, reserved from stock where sku = @sku", new { sku });

    async Task<T> QueryOne<T>(string connectionString, string sql, object? args = null)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, args);
    }

    [Fact]
    public async Task A_checkout_reserves_assesses_authorizes_and_confirms_priced_by_the_server()
    {
        await platform.ProductAsync("SHOE-42", 8999, 5, weightGrams: 900);
        var (customer, userId) = await CustomerWithCartAsync("SHOE-42", 2);
        var token = await platform.CardTokenAsync();
        // Tampering: prices, totals and currency in the body are not part of the request and change nothing.
        var body = new
        {
            shippingAddress = new { name = "Sam", line1 = "Hauptstr. 1", city = "Berlin", postalCode = "10115", country = "DE" },
            shippingMethod = "standard", paymentToken = token, total = 1, subtotal = 1, currency = "JPY", lines = new[] { new { sku = "SHOE-42", unitPrice = 1, quantity = 50 } },
        };
        var order = await (await platform.PlaceOrderAsync(customer, body)).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);

        order.Status.ShouldBe("confirmed");
        (order.Currency, order.Subtotal, order.Shipping).ShouldBe(("EUR", 17998L, 0L)); // free shipping from 50 EUR
        order.Tax.ShouldBe(3420); // 179.98 × 19 % = 34.1962 → 34.20
        order.Total.ShouldBe(17998 + 3420);
        order.Lines.Single().Quantity.ShouldBe(2);
        order.Timeline.Select(e => e.Type).ShouldBe(["placed", "stock_reserved", "risk_approved", "payment_authorized", "confirmed"]);
        (await StockAsync("SHOE-42")).ShouldBe((3, 0));
        (await platform.CartAs(platform.CustomerToken(userId)).GetFromJsonAsync<JsonElement>("/api/v1/cart")).GetProperty("lines").GetArrayLength().ShouldBe(0);
        var mail = await WaitForMailAsync($"{userId:N}@example.com");
        mail.ShouldContain($"order {order.Number} is confirmed");
    }

    /// <summary>
    /// A checkout as the storefront sends it: a 503 (checkout could not start, nothing recorded: on a loaded machine the
    /// cart or catalog may not answer in time) is sent again with the same Idempotency-Key, a few times.
    /// </summary>
    async Task<HttpResponseMessage> PlaceAsShopperAsync(HttpClient customer, object body)
    {
        var key = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            var response = await platform.PlaceOrderAsync(customer, body, key);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
                return response;
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
        }
    }

    [Fact]
    public async Task Two_hundred_concurrent_checkouts_for_ten_units_confirm_exactly_ten()
    {
        await platform.ProductAsync("HOT-1", 1000, 10);
        var token = await platform.CardTokenAsync();
        var customers = new List<HttpClient>();
        for (var i = 0; i < 200; i++)
            customers.Add((await CustomerWithCartAsync("HOT-1", 1)).Client);

        var responses = await Task.WhenAll(customers.Select(c => PlaceAsShopperAsync(c, CheckoutPlatform.Checkout(token))));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.Accepted);
        // On a loaded machine a call may time out; such an order waits for the sweeper, exactly as in production.
        await SweepUntilSettledAsync();
        var statuses = await QueryAll<string>(platform.Ordering.DatabaseConnectionString, "select status from orders");
        statuses.Count(s => s == "confirmed").ShouldBe(10);
        statuses.Count(s => s == "rejected").ShouldBe(190);
        (await StockAsync("HOT-1")).ShouldBe((0, 0));
        (await Scalar<long>(platform.Catalog.DatabaseConnectionString, "select count(*) from reservations where status = 'held'")).ShouldBe(0);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payments")).ShouldBe(10); // rejected orders were never charged
    }

    [Fact]
    public async Task Twenty_parallel_requests_with_one_key_make_one_order_and_one_authorization()
    {
        await platform.ProductAsync("ONCE-1", 2500, 50);
        var (customer, userId) = await CustomerWithCartAsync("ONCE-1", 1);
        var token = await platform.CardTokenAsync();
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(token), key)));

        var ids = new HashSet<Guid>();
        foreach (var response in responses)
        {
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.Accepted);
            ids.Add((await response.Content.ReadFromJsonAsync<OrderDto>(JsonSerializerOptions.Web))!.Id);
        }
        ids.Count.ShouldBe(1);
        await SweepUntilSettledAsync();
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from orders where user_id = @userId", new { userId })).ShouldBe(1);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'authorization'")).ShouldBe(1);

        // The same key with another body is refused, not a second order.
        await (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(token, country: "FR"), key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Out_of_stock_rejects_and_holds_nothing()
    {
        await platform.ProductAsync("LAST-1", 1000, 1);
        var (first, _) = await CustomerWithCartAsync("LAST-1", 1);
        var (second, _) = await CustomerWithCartAsync("LAST-1", 1);
        var token = await platform.CardTokenAsync();
        (await (await platform.PlaceOrderAsync(first, CheckoutPlatform.Checkout(token))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created)).Status.ShouldBe("confirmed");
        var rejected = await (await platform.PlaceOrderAsync(second, CheckoutPlatform.Checkout(token))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        rejected.Status.ShouldBe("rejected");
        rejected.FailureReason!.ShouldStartWith("out_of_stock");
        (await StockAsync("LAST-1")).ShouldBe((0, 0));
    }

    [Fact]
    public async Task A_declined_card_releases_the_stock_and_ends_payment_failed()
    {
        await platform.ProductAsync("DECL-1", 1000, 3);
        var (customer, _) = await CustomerWithCartAsync("DECL-1", 2);
        var declined = await (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync("4000000000009995")))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        declined.Status.ShouldBe("payment_failed");
        declined.FailureReason.ShouldBe("payment_declined: insufficient_funds");
        (await StockAsync("DECL-1")).ShouldBe((3, 0));
        (await Scalar<string>(platform.Catalog.DatabaseConnectionString, "select status from reservations")).ShouldBe("released");
        // The shopper reads it on the checkout page; no e-mail.
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from email_outbox")).ShouldBe(0);
    }

    [Fact]
    public async Task A_card_declined_after_a_review_is_approved_is_e_mailed_to_the_customer()
    {
        await platform.ProductAsync("REVIEW-DECL", 150_000, 2); // 1,500 EUR
        await ReviewLargeOrdersAsync();
        var (customer, _) = await CustomerWithCartAsync("REVIEW-DECL", 1);
        var held = await (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync("4000000000009995"))))
            .ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        held.Status.ShouldBe("on_hold");

        var admin = platform.OrderingAs(platform.Tokens.ForUser(Guid.NewGuid(), "admin"));
        var approved = await (await admin.PostAsync($"/api/v1/admin/orders/{held.Id}/approve", null)).ShouldBeOkAsync<OrderDto>();

        approved.Status.ShouldBe("payment_failed");
        (await StockAsync("REVIEW-DECL")).ShouldBe((2, 0));
        var mail = await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select text_body from email_outbox where subject = @subject",
            new { subject = $"Your Bazaar order {held.Number} could not be accepted" });
        mail.ShouldContain("the payment did not go through");
    }

    [Fact]
    public async Task A_risk_decline_releases_the_stock_and_rejects()
    {
        await platform.ProductAsync("BIG-1", 600_000, 3); // 6,000 EUR
        await (await platform.RiskAs(platform.AdminToken).PostAsJsonAsync("/api/v1/admin/risk/rules", new
        {
            name = "Too large", kind = "amount_limit", parameters = new { maxAmount = 500_000, currency = "EUR" }, action = "decline", score = 90, enabled = true,
        })).ShouldBeOkAsync<JsonElement>(HttpStatusCode.Created);
        var (customer, _) = await CustomerWithCartAsync("BIG-1", 1);
        var order = await (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync()))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        order.Status.ShouldBe("rejected");
        order.FailureReason.ShouldBe("risk_declined");
        (await StockAsync("BIG-1")).ShouldBe((3, 0));
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payments")).ShouldBe(0);
    }

    [Fact]
    public async Task A_risk_review_holds_the_order_until_an_admin_approves_or_rejects()
    {
        await platform.ProductAsync("REVIEW-1", 150_000, 5); // 1,500 EUR
        await ReviewLargeOrdersAsync();
        var token = await platform.CardTokenAsync();
        var (first, firstId) = await CustomerWithCartAsync("REVIEW-1", 1);
        var held = await (await platform.PlaceOrderAsync(first, CheckoutPlatform.Checkout(token))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        held.Status.ShouldBe("on_hold");
        (await StockAsync("REVIEW-1")).ShouldBe((5, 1));
        // While the order waits, the customer starts the next cart.
        await platform.ProductAsync("REVIEW-2", 1000, 5);
        var firstCart = platform.CartAs(platform.CustomerToken(firstId));
        (await firstCart.PutAsJsonAsync("/api/v1/cart/items/REVIEW-2", new { quantity = 2 })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var adminId = Guid.NewGuid();
        var admin = platform.OrderingAs(platform.Tokens.ForUser(adminId, "admin"));
        (await VerdictAsync(held.Id)).ShouldBe((null, null)); // in risk's review queue
        // Risk cannot record the verdict: nothing moves, so the order and its assessment never disagree.
        platform.RiskDown = true;
        await (await admin.PostAsync($"/api/v1/admin/orders/{held.Id}/approve", null)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        platform.RiskDown = false;
        (await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{held.Id}", JsonSerializerOptions.Web))!.Status.ShouldBe("on_hold");
        var approved = await (await admin.PostAsync($"/api/v1/admin/orders/{held.Id}/approve", null)).ShouldBeOkAsync<OrderDto>();
        approved.Status.ShouldBe("confirmed");
        (await VerdictAsync(held.Id)).ShouldBe(("approved", adminId.ToString())); // it left risk's queue, in the name of the admin who decided
        (await StockAsync("REVIEW-1")).ShouldBe((4, 0));
        var lines = (await firstCart.GetFromJsonAsync<JsonElement>("/api/v1/cart")).GetProperty("lines").EnumerateArray()
            .Select(l => (l.GetProperty("sku").GetString(), l.GetProperty("quantity").GetInt32())).ToList();
        lines.ShouldBe([("REVIEW-2", 2)]); // the ordered line left the cart; the new one stayed

        var (second, _) = await CustomerWithCartAsync("REVIEW-1", 1);
        var held2 = await (await platform.PlaceOrderAsync(second, CheckoutPlatform.Checkout(token))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        // A rejection that stops after risk recorded it (catalog does not answer) leaves the order on hold, and says so.
        platform.RefuseCatalogCalls = request => request.RequestUri!.AbsolutePath.EndsWith("/release", StringComparison.Ordinal);
        var stopped = await (await admin.PostAsync($"/api/v1/admin/orders/{held2.Id}/reject", null)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        platform.RefuseCatalogCalls = null;
        stopped.GetProperty("detail").GetString()!.ShouldContain("verdict is recorded");
        (await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{held2.Id}", JsonSerializerOptions.Web))!.Status.ShouldBe("on_hold");
        (await VerdictAsync(held2.Id)).outcome.ShouldBe("rejected");
        (await (await admin.PostAsync($"/api/v1/admin/orders/{held2.Id}/reject", null)).ShouldBeOkAsync<OrderDto>()).Status.ShouldBe("rejected");
        (await StockAsync("REVIEW-1")).ShouldBe((4, 0));
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from email_outbox where subject = @subject",
            new { subject = $"Your Bazaar order {held2.Number} could not be accepted" })).ShouldBe(1); // the customer hears, once
        await (await admin.PostAsync($"/api/v1/admin/orders/{held2.Id}/approve", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await VerdictAsync(held2.Id)).outcome.ShouldBe("rejected");

        // An order the customer cancels while it waits leaves the queue too, undecided.
        var (third, _) = await CustomerWithCartAsync("REVIEW-1", 1);
        var held3 = await (await platform.PlaceOrderAsync(third, CheckoutPlatform.Checkout(token))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        (await (await third.PostAsync($"/api/v1/orders/{held3.Id}/cancel", null)).ShouldBeOkAsync<OrderDto>()).Status.ShouldBe("cancelled");
        (await VerdictAsync(held3.Id)).outcome.ShouldBe("withdrawn");
    }

    async Task<(string? outcome, string? reviewer)> VerdictAsync(Guid orderId)
    {
        var rows = await QueryAll<(string?, string?)>(platform.Risk.DatabaseConnectionString,
            $"select review_outcome, reviewed_by from risk_assessments where order_id = '{orderId}'");
        return rows.ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("reserved")]
    [InlineData("assessed")]
    [InlineData("authorized")]
    [InlineData("confirmed")]
    public async Task A_saga_killed_after_a_step_is_finished_by_the_sweeper(string step)
    {
        await platform.ProductAsync("CRASH-1", 1000, 5);
        var (customer, userId) = await CustomerWithCartAsync("CRASH-1", 1);
        var token = await platform.CardTokenAsync();
        platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = step;
        (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(token))).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = null;

        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);

        // The sweep reports what it found stuck: the crashed order, unless it crashed after its last step.
        var metrics = await platform.Ordering.CreateClient().GetStringAsync("/metrics");
        var stuck = new[] { "pending", "reserved", "approved", "authorized" }.Sum(s => MetricsText.Series(metrics, $"bazaar_ordering_saga_stuck_orders{{status=\"{s}\"}}"));
        stuck.ShouldBe(step == "confirmed" ? 0 : 1);
        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select status from orders where user_id = @userId", new { userId })).ShouldBe("confirmed");
        (await Scalar<string>(platform.Catalog.DatabaseConnectionString, "select status from reservations")).ShouldBe("committed");
        (await Scalar<string>(platform.Payments.DatabaseConnectionString, "select status from payments")).ShouldBe("authorized");
        (await StockAsync("CRASH-1")).ShouldBe((4, 0));
    }

    [Fact]
    public async Task A_reservation_that_expired_during_a_crash_ends_with_the_authorization_voided()
    {
        var userId = await StoppedPastTheHoldAsync("LATE-1", "authorized");
        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);

        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select status from orders where user_id = @userId", new { userId })).ShouldBe("rejected");
        (await Scalar<string>(platform.Payments.DatabaseConnectionString, "select status from payments")).ShouldBe("voided");
        (await StockAsync("LATE-1")).ShouldBe((5, 0));
    }

    /// <summary>
    /// An order of a new product stopped right after <paramref name="step"/> (as if the process were killed) that stays
    /// down past its reservation's expiry, which catalog releases on its own; the sweeper's turn comes next.
    /// </summary>
    async Task<Guid> StoppedPastTheHoldAsync(string sku, string step, long price = 1000)
    {
        await platform.ProductAsync(sku, price, 5);
        var (customer, userId) = await CustomerWithCartAsync(sku, 1);
        platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = step;
        await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync()));
        platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = null;
        platform.Catalog.Clock.Advance(TimeSpan.FromMinutes(16));
        await platform.Catalog.Services.GetRequiredService<catalog::Bazaar.Catalog.Inventory.Reservations>().ReleaseExpiredAsync(default);
        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(16));
        return userId;
    }

    /// <summary>A risk rule that sends orders above 1,000 EUR to a person.</summary>
    async Task ReviewLargeOrdersAsync() =>
        await (await platform.RiskAs(platform.AdminToken).PostAsJsonAsync("/api/v1/admin/risk/rules", new
        {
            name = "Look at large orders", kind = "amount_limit", parameters = new { maxAmount = 100_000, currency = "EUR" }, action = "review", score = 40, enabled = true,
        })).ShouldBeOkAsync<JsonElement>(HttpStatusCode.Created);

    [Fact]
    public async Task An_order_for_review_whose_hold_expired_while_the_saga_was_stopped_is_rejected_not_held_without_stock()
    {
        await ReviewLargeOrdersAsync();
        var userId = await StoppedPastTheHoldAsync("REVIEW-9", "reserved", price: 150_000);

        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);

        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select status from orders where user_id = @userId", new { userId })).ShouldBe("rejected");
        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select failure_reason from orders where user_id = @userId", new { userId })).ShouldBe("reservation_expired");
        (await StockAsync("REVIEW-9")).ShouldBe((5, 0));
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payments")).ShouldBe(0); // no card was touched
    }

    /// <summary>An order of one 1,500 EUR item (five in stock) that risk sends to a person: on hold.</summary>
    async Task<OrderDto> HeldForReviewAsync(string sku)
    {
        await platform.ProductAsync(sku, 150_000, 5);
        await ReviewLargeOrdersAsync();
        var (customer, _) = await CustomerWithCartAsync(sku, 1);
        var held = await (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync())))
            .ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        held.Status.ShouldBe("on_hold");
        return held;
    }

    [Fact]
    public async Task A_review_that_outlasts_the_stock_hold_rejects_the_order_without_charging_the_card()
    {
        var held = await HeldForReviewAsync("REVIEW-LATE");
        // Nobody decided within the hold: catalog gives the stock back.
        platform.Catalog.Clock.Advance(TimeSpan.FromDays(8));
        await platform.Catalog.Services.GetRequiredService<catalog::Bazaar.Catalog.Inventory.Reservations>().ReleaseExpiredAsync(default);

        var admin = platform.OrderingAs(platform.Tokens.ForUser(Guid.NewGuid(), "admin"));
        var refused = await (await admin.PostAsync($"/api/v1/admin/orders/{held.Id}/approve", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        refused.GetProperty("detail").GetString()!.ShouldContain("ran out before the review ended");
        (await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{held.Id}", JsonSerializerOptions.Web))!.Status.ShouldBe("rejected");
        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select failure_reason from orders where id = @id", new { id = held.Id })).ShouldBe("reservation_expired");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payments")).ShouldBe(0); // no card was touched
        (await VerdictAsync(held.Id)).outcome.ShouldBe("withdrawn"); // risk's record says the review came too late, not that it was approved
        (await StockAsync("REVIEW-LATE")).ShouldBe((5, 0));
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from email_outbox where subject = @subject",
            new { subject = $"Your Bazaar order {held.Number} could not be accepted" })).ShouldBe(1);
    }

    [Fact]
    public async Task An_order_nobody_reviews_within_the_hold_is_withdrawn_and_the_customer_told_nothing_was_charged()
    {
        var held = await HeldForReviewAsync("REVIEW-IDLE");
        var sweeper = platform.Ordering.Services.GetRequiredService<SagaSweeper>();
        Task<string> StatusAsync() => Scalar<string>(platform.Ordering.DatabaseConnectionString, "select status from orders where id = @id", new { id = held.Id });

        // Within the review time a sweep leaves it alone.
        platform.Ordering.Clock.Advance(TimeSpan.FromDays(6));
        await sweeper.SweepAsync(default);
        (await StatusAsync()).ShouldBe("on_hold");

        // Past it, with risk not answering: the order stays on hold, undecided, and waits before it is tried again. Its
        // stock is released already: a withdrawal releases before it asks risk.
        platform.Ordering.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        platform.RiskDown = true;
        await sweeper.SweepAsync(default);
        platform.RiskDown = false;
        (await StatusAsync()).ShouldBe("on_hold");
        (await VerdictAsync(held.Id)).outcome.ShouldBeNull();
        (await StockAsync("REVIEW-IDLE")).ShouldBe((5, 0));
        await sweeper.SweepAsync(default);
        (await StatusAsync()).ShouldBe("on_hold"); // still waiting its turn
        platform.Ordering.Clock.Advance(TimeSpan.FromSeconds(5)); // the next sweep counts it as a backlog the on-call sees
        await sweeper.SweepAsync(default);
        MetricsText.Series(await platform.Ordering.CreateClient().GetStringAsync("/metrics"), "bazaar_ordering_saga_stuck_orders{status=\"review_expired\"}").ShouldBe(1);

        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
        await sweeper.SweepAsync(default);

        (await StatusAsync()).ShouldBe("rejected");
        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select failure_reason from orders where id = @id", new { id = held.Id })).ShouldBe("review_expired");
        (await VerdictAsync(held.Id)).ShouldBe(("withdrawn", "system")); // it left risk's queue undecided
        (await StockAsync("REVIEW-IDLE")).ShouldBe((5, 0));
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payments")).ShouldBe(0);
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from email_outbox where subject = @subject",
            new { subject = $"Your Bazaar order {held.Number} could not be accepted" })).ShouldBe(1);
        // A person who gets to it now is told it is over.
        var admin = platform.OrderingAs(platform.Tokens.ForUser(Guid.NewGuid(), "admin"));
        await (await admin.PostAsync($"/api/v1/admin/orders/{held.Id}/approve", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_rejection_that_stopped_half_way_is_kept_in_risks_record_when_the_sweeper_withdraws_the_order()
    {
        var held = await HeldForReviewAsync("REVIEW-HALF");
        var admin = platform.OrderingAs(platform.Tokens.ForUser(Guid.NewGuid(), "admin"));
        platform.Ordering.Clock.Advance(TimeSpan.FromHours(1));
        // Ordering's clock runs a little ahead of risk's, within the minute risk believes (no test here moves risk's
        // clock, so this only moves it forward).
        platform.Risk.Clock.SetUtcNow(platform.Ordering.Clock.GetUtcNow() - TimeSpan.FromSeconds(30));
        platform.RefuseCatalogCalls = request => request.RequestUri!.AbsolutePath.EndsWith("/release", StringComparison.Ordinal);
        await (await admin.PostAsync($"/api/v1/admin/orders/{held.Id}/reject", null)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        platform.RefuseCatalogCalls = null;
        var rejection = await VerdictAsync(held.Id);
        rejection.outcome.ShouldBe("rejected");
        // Stamped with when ordering decided (sent along, so a verdict delivered late cannot pass a newer one), not
        // when it reached risk.
        var stamped = await Scalar<DateTime>(platform.Risk.DatabaseConnectionString, "select reviewed_at from risk_assessments where order_id = @id", new { id = held.Id });
        (new DateTimeOffset(stamped, TimeSpan.Zero) - platform.Ordering.Clock.GetUtcNow()).Duration().ShouldBeLessThan(TimeSpan.FromMilliseconds(1));

        platform.Ordering.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        platform.Risk.Clock.SetUtcNow(platform.Ordering.Clock.GetUtcNow() - TimeSpan.FromSeconds(30)); // the withdrawal is newer, and believed
        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);

        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select failure_reason from orders where id = @id and status = 'rejected'", new { id = held.Id }))
            .ShouldBe("review_expired");
        (await StockAsync("REVIEW-HALF")).ShouldBe((5, 0));
        (await VerdictAsync(held.Id)).ShouldBe(rejection); // who turned it down, not "withdrawn" by the system
    }

    [Fact]
    public async Task Card_details_the_provider_leaves_out_reach_risk_as_unknown_not_as_malformed()
    {
        await platform.ProductAsync("NOBIN-1", 1000, 5);
        var (customer, userId) = await CustomerWithCartAsync("NOBIN-1", 1);
        platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = "reserved";
        await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync()));
        platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = null;
        // As a provider that gives out no BIN (Stripe), fingerprint or country leaves them on the order.
        await Scalar<int>(platform.Ordering.DatabaseConnectionString,
            "update orders set card_bin = '', card_fingerprint = '', card_country = '' where user_id = @userId returning 1", new { userId });

        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);

        // Assessed (not sent to a person because risk refused the input), and confirmed.
        (await Scalar<string>(platform.Risk.DatabaseConnectionString, "select decision from risk_assessments")).ShouldBe("approve");
        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select status from orders where user_id = @userId", new { userId })).ShouldBe("confirmed");
    }

    [Fact]
    public async Task A_compensation_whose_void_the_card_network_refuses_keeps_the_order_until_a_void_goes_through()
    {
        var userId = await StoppedPastTheHoldAsync("NOVOID-2", "authorized");
        await AtTheNetworkAsync("capture", 1000); // for now the network refuses to void
        var sweeper = platform.Ordering.Services.GetRequiredService<SagaSweeper>();
        Task<string> OrderStatusAsync() => Scalar<string>(platform.Ordering.DatabaseConnectionString, "select status from orders where user_id = @userId", new { userId });

        await sweeper.SweepAsync(default);
        (await OrderStatusAsync()).ShouldBe("authorized"); // not rejected while the card is still held
        (await Scalar<string>(platform.Payments.DatabaseConnectionString, "select status from payments")).ShouldBe("authorized");

        await sweeper.SweepAsync(default);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'void'")).ShouldBe(1); // it waits before trying again

        await Scalar<int>(platform.Payments.DatabaseConnectionString, "delete from sandbox_operations where idempotency_key = 'dashboard-capture' returning 1");
        platform.Ordering.Clock.Advance(TimeSpan.FromSeconds(11)); // past the first wait (Ordering:Saga:StuckAfter, 10 s here)
        await sweeper.SweepAsync(default);
        (await OrderStatusAsync()).ShouldBe("rejected");
        (await Scalar<string>(platform.Payments.DatabaseConnectionString, "select status from payments")).ShouldBe("voided");
    }

    [Fact]
    public async Task Orders_the_sweeper_cannot_move_do_not_keep_it_from_the_others()
    {
        var options = platform.Ordering.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SagaOptions>>().Value;
        await platform.ProductAsync("LATER-1", 1000, 5);
        var stuckFor = await StoppedPastTheHoldAsync("NOVOID-3", "authorized"); // the oldest: its void is refused for good
        await AtTheNetworkAsync("capture", 1000);
        var (customer, movable) = await CustomerWithCartAsync("LATER-1", 1);
        platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = "reserved";
        await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync()));
        platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = null;
        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
        var sweeper = platform.Ordering.Services.GetRequiredService<SagaSweeper>();
        options.SweepBatch = 1;
        try
        {
            await sweeper.SweepAsync(default); // the oldest first: it cannot move
            await sweeper.SweepAsync(default); // then the other, not the oldest again
        }
        finally
        {
            options.SweepBatch = 100;
        }

        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select status from orders where user_id = @movable", new { movable })).ShouldBe("confirmed");
        (await Scalar<string>(platform.Ordering.DatabaseConnectionString, "select status from orders where user_id = @stuckFor", new { stuckFor })).ShouldBe("authorized");
    }

    [Fact]
    public async Task A_sweep_past_its_time_budget_leaves_the_rest_to_the_next()
    {
        var options = platform.Ordering.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SagaOptions>>().Value;
        await platform.ProductAsync("BUDGET-1", 1000, 5);
        var users = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            var (customer, userId) = await CustomerWithCartAsync("BUDGET-1", 1);
            platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = "reserved";
            await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync()));
            platform.Ordering.Services.GetRequiredService<SagaFaults>().CrashAfter = null;
            users.Add(userId);
        }
        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
        var sweeper = platform.Ordering.Services.GetRequiredService<SagaSweeper>();
        async Task<long> ConfirmedAsync() => await Scalar<long>(platform.Ordering.DatabaseConnectionString,
            "select count(*) from orders where user_id = any(@users) and status = 'confirmed'", new { users = users.ToArray() });
        options.SweepBudget = TimeSpan.Zero; // spent at once: one order per sweep
        try
        {
            await sweeper.SweepAsync(default);
            (await ConfirmedAsync()).ShouldBe(1);
            await sweeper.SweepAsync(default);
            (await ConfirmedAsync()).ShouldBe(2);
        }
        finally
        {
            options.SweepBudget = TimeSpan.FromMinutes(1);
        }
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.Unauthorized, true)]
    [InlineData(HttpStatusCode.Forbidden, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Conflict, false)]
    [InlineData(HttpStatusCode.UnprocessableEntity, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public void Only_what_the_other_service_decided_is_an_answer(HttpStatusCode? status, bool unknown) =>
        new ordering::Bazaar.Ordering.Clients.CallResult<object>(status, null, null).Unknown.ShouldBe(unknown);

    [Fact]
    public async Task Customers_see_only_their_own_orders_and_staff_routes_need_staff()
    {
        var (order, alice, _, _) = await ConfirmedOrderAsync("MINE-1", 1000);
        var bob = platform.OrderingAs(platform.CustomerToken(Guid.NewGuid()));

        (await alice.GetAsync($"/api/v1/orders/{order.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await bob.GetAsync($"/api/v1/orders/{order.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await bob.PostAsync($"/api/v1/orders/{order.Id}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await bob.GetFromJsonAsync<OrderPage>("/api/v1/orders"))!.Items.ShouldBeEmpty();
        await (await alice.GetAsync("/api/v1/admin/orders")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await alice.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "123456" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var support = platform.OrderingAs(platform.Tokens.ForUser(Guid.NewGuid(), "support"));
        (await support.GetAsync($"/api/v1/admin/orders/{order.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await support.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "123456" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_dashboard_summary_counts_todays_sales_and_every_status()
    {
        await platform.ProductAsync("SUMMARY-1", 2500, 5);
        var support = platform.OrderingAs(platform.Tokens.ForUser(Guid.NewGuid(), "support"));
        var since = platform.Ordering.Clock.GetUtcNow().AddHours(-1);
        var url = $"/api/v1/admin/orders/summary?since={Uri.EscapeDataString(since.ToString("O"))}";
        var before = (await support.GetFromJsonAsync<OrderSummaryDto>(url))!;
        var metricsBefore = await platform.Ordering.CreateClient().GetStringAsync("/metrics");

        var (customer, _) = await CustomerWithCartAsync("SUMMARY-1", 2);
        var order = await (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync()))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        var (declined, _) = await CustomerWithCartAsync("SUMMARY-1", 1);
        await platform.PlaceOrderAsync(declined, CheckoutPlatform.Checkout(await platform.CardTokenAsync("4000000000009995")));
        var after = (await support.GetFromJsonAsync<OrderSummaryDto>(url))!;
        var metricsAfter = await platform.Ordering.CreateClient().GetStringAsync("/metrics");
        var revenueSeries = $"bazaar_ordering_revenue_total{{currency=\"{order.Currency}\"}}";
        (MetricsText.Series(metricsAfter, revenueSeries) - MetricsText.Series(metricsBefore, revenueSeries, whenMissing: 0)).ShouldBe(order.Total);

        static long Revenue(OrderSummaryDto s, string currency) => s.Revenue.FirstOrDefault(r => r.Currency == currency)?.Amount ?? 0;
        static int Count(OrderSummaryDto s, string status) => s.ByStatus.FirstOrDefault(c => c.Status == status)?.Count ?? 0;
        (after.Orders - before.Orders).ShouldBe(1); // the declined payment is not a sale
        (Revenue(after, order.Currency) - Revenue(before, order.Currency)).ShouldBe(order.Total);
        (Count(after, "confirmed") - Count(before, "confirmed")).ShouldBe(1);
        (Count(after, "payment_failed") - Count(before, "payment_failed")).ShouldBe(1);

        var future = Uri.EscapeDataString(platform.Ordering.Clock.GetUtcNow().AddDays(1).ToString("O"));
        await (await support.GetAsync($"/api/v1/admin/orders/summary?since={future}")).ShouldNameFieldAsync("since");
        await (await customer.GetAsync("/api/v1/admin/orders/summary")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Back_office_notes_shipments_and_filters_name_what_is_wrong()
    {
        var (order, _, _, admin) = await ConfirmedOrderAsync("NOTES-1", 1500);
        var unknown = Guid.NewGuid();

        await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/notes", new { text = "   " })).ShouldNameFieldAsync("text");
        await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{unknown}/notes", new { text = "Called the customer." })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync($"/api/v1/admin/orders/{unknown}/notes")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/notes", new { text = "  Called the customer.  " })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.GetFromJsonAsync<List<OrderEventDto>>($"/api/v1/admin/orders/{order.Id}/notes", JsonSerializerOptions.Web))!
            .ShouldHaveSingleItem().Detail.ShouldBe("Called the customer.");

        await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "  ", trackingNumber = "JJD000900" })).ShouldNameFieldAsync("carrier");
        await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = " 1       " })).ShouldNameFieldAsync("trackingNumber");
        (await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web))!.Status.ShouldBe("confirmed");

        var now = platform.Ordering.Clock.GetUtcNow();
        string At(DateTimeOffset moment) => Uri.EscapeDataString(moment.ToString("O"));
        await (await admin.GetAsync($"/api/v1/admin/orders?from={At(now)}&to={At(now.AddDays(-1))}")).ShouldNameFieldAsync("from");
        await (await admin.GetAsync("/api/v1/admin/orders?status=lost")).ShouldNameFieldAsync("status");
    }

    [Fact]
    public async Task A_service_outage_before_the_order_exists_releases_the_key_so_the_same_retry_succeeds()
    {
        await platform.ProductAsync("OUTAGE-1", 1500, 5);
        var (customer, userId) = await CustomerWithCartAsync("OUTAGE-1", 1);
        var body = CheckoutPlatform.Checkout(await platform.CardTokenAsync());
        platform.CartDown = true;
        try
        {
            await (await platform.PlaceOrderAsync(customer, body, key: "retry-me")).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            platform.CartDown = false;
        }
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from orders where user_id = @userId", new { userId })).ShouldBe(0);

        var order = await (await platform.PlaceOrderAsync(customer, body, key: "retry-me")).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        order.Status.ShouldBe("confirmed");
        var replay = await (await platform.PlaceOrderAsync(customer, body, key: "retry-me")).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        replay.Id.ShouldBe(order.Id); // from here on the key is bound to this order
    }

    [Fact]
    public async Task A_refusal_is_the_answer_for_its_key_and_a_new_key_checks_out_again()
    {
        await platform.ProductAsync("REFUSE-1", 1200, 5);
        var userId = Guid.NewGuid();
        var token = platform.CustomerToken(userId);
        var customer = platform.OrderingAs(token);
        var body = CheckoutPlatform.Checkout(await platform.CardTokenAsync());
        await (await platform.PlaceOrderAsync(customer, body, key: "refused-once")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity); // empty cart

        (await platform.CartAs(token).PutAsJsonAsync("/api/v1/cart/items/REFUSE-1", new { quantity = 1 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var replay = await (await platform.PlaceOrderAsync(customer, body, key: "refused-once")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        replay.GetProperty("title").GetString().ShouldBe("The cart is empty"); // the first answer, although the cart has changed
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from orders where user_id = @userId", new { userId })).ShouldBe(0);

        var placed = await (await platform.PlaceOrderAsync(customer, body, key: "a-new-attempt")).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        placed.Status.ShouldBe("confirmed");

        // The storefront asks what an attempt placed before it starts another: the order, or a 404 for a refused,
        // unknown or someone else's key.
        (await customer.GetFromJsonAsync<OrderDto>("/api/v1/orders/attempts/a-new-attempt", JsonSerializerOptions.Web))!.Id.ShouldBe(placed.Id);
        await (await customer.GetAsync("/api/v1/orders/attempts/refused-once")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await customer.GetAsync("/api/v1/orders/attempts/never-sent")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var someoneElse = platform.OrderingAs(platform.CustomerToken(Guid.NewGuid()));
        await (await someoneElse.GetAsync("/api/v1/orders/attempts/a-new-attempt")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cancelling_before_shipping_voids_the_payment_and_returns_the_stock()
    {
        var (order, customer, _, _) = await ConfirmedOrderAsync("CANCEL-1", 1000, quantity: 2);
        (await StockAsync("CANCEL-1")).ShouldBe((3, 0));
        platform.RefusePaymentsCalls = IsPaymentLookup; // the order knows its payment: payments is not asked which it is
        (await (await customer.PostAsync($"/api/v1/orders/{order.Id}/cancel", null)).ShouldBeOkAsync<OrderDto>()).Status.ShouldBe("cancelled");
        (await StockAsync("CANCEL-1")).ShouldBe((5, 0));
        (await Scalar<string>(platform.Payments.DatabaseConnectionString, "select status from payments")).ShouldBe("voided");
        await (await customer.PostAsync($"/api/v1/orders/{order.Id}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_cancellation_that_stops_half_way_is_finished_by_the_sweeper_and_blocks_shipping_meanwhile()
    {
        var (order, customer, _, admin) = await ConfirmedOrderAsync("CANCEL-2", 1000, quantity: 2);
        platform.RefusePaymentsCalls = request => request.RequestUri!.AbsolutePath.EndsWith("/void", StringComparison.Ordinal);
        var recorded = await (await customer.PostAsync($"/api/v1/orders/{order.Id}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        platform.RefusePaymentsCalls = null;
        recorded.GetProperty("detail").GetString()!.ShouldContain("cancellation is recorded and will be completed");

        var ship = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "JJD000780" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        ship.GetProperty("detail").GetString()!.ShouldContain("cancellation of this order is under way");

        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);

        var cancelled = await (await customer.GetAsync($"/api/v1/orders/{order.Id}")).ShouldBeOkAsync<OrderDto>();
        cancelled.Status.ShouldBe("cancelled");
        cancelled.Timeline.Single(e => e.Type == "cancelled").Actor.ShouldBe("customer"); // in the name of whoever asked
        (await Scalar<string>(platform.Payments.DatabaseConnectionString, "select status from payments")).ShouldBe("voided");
        (await StockAsync("CANCEL-2")).ShouldBe((5, 0));
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from orders where cancel_requested_at is not null")).ShouldBe(0);
    }

    [Fact]
    public async Task A_cancellation_the_card_network_then_refuses_is_dropped_and_the_customer_told()
    {
        var (order, customer, userId, _) = await ConfirmedOrderAsync("CANCEL-3", 1000);
        platform.RefusePaymentsCalls = request => request.RequestUri!.AbsolutePath.EndsWith("/void", StringComparison.Ordinal);
        await (await customer.PostAsync($"/api/v1/orders/{order.Id}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        platform.RefusePaymentsCalls = null;
        await AtTheNetworkAsync("capture", order.Total); // meanwhile captured at the network: the void will be refused

        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);

        (await (await customer.GetAsync($"/api/v1/orders/{order.Id}")).ShouldBeOkAsync<OrderDto>()).Status.ShouldBe("confirmed");
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from orders where cancel_requested_at is not null")).ShouldBe(0);
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from email_outbox where recipient = @to and subject like '%could not be cancelled'",
            new { to = $"{userId:N}@example.com" })).ShouldBe(1);

        // Later sweeps leave it alone: the request was dropped, not recorded again.
        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(5));
        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from email_outbox where recipient = @to and subject like '%could not be cancelled'",
            new { to = $"{userId:N}@example.com" })).ShouldBe(1);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'void'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_held_order_whose_cancellation_is_under_way_cannot_be_approved()
    {
        await platform.ProductAsync("REVIEW-7", 150_000, 5);
        await ReviewLargeOrdersAsync();
        var (customer, _) = await CustomerWithCartAsync("REVIEW-7", 1);
        var held = await (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout(await platform.CardTokenAsync()))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        // The customer's cancellation got no answer from catalog: written down, not finished yet.
        await Scalar<int>(platform.Ordering.DatabaseConnectionString, "update orders set cancel_requested_at = now() where id = @id returning 1", new { id = held.Id });

        var admin = platform.OrderingAs(platform.AdminToken);
        var refused = await (await admin.PostAsync($"/api/v1/admin/orders/{held.Id}/approve", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        refused.GetProperty("detail").GetString()!.ShouldContain("cancellation of this order is under way");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payments")).ShouldBe(0);
        var notRejected = await (await admin.PostAsync($"/api/v1/admin/orders/{held.Id}/reject", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        notRejected.GetProperty("detail").GetString()!.ShouldContain("it will be cancelled, not rejected");

        // The sweeper finishes the customer's cancellation: the stock goes back, and the e-mail the customer was promised goes out.
        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
        await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);
        (await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{held.Id}", JsonSerializerOptions.Web))!.Status.ShouldBe("cancelled");
        (await StockAsync("REVIEW-7")).ShouldBe((5, 0));
    }

    [Fact]
    public async Task A_cancellation_and_a_shipment_at_once_leave_the_order_the_payment_and_the_stock_agreeing()
    {
        for (var i = 0; i < 4; i++)
        {
            var sku = $"RACE-{i}";
            var (order, customer, _, admin) = await ConfirmedOrderAsync(sku, 1000, quantity: 2);

            var answers = await Task.WhenAll(
                customer.PostAsync($"/api/v1/orders/{order.Id}/cancel", null),
                admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "JJD000777" }));

            answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(1);
            answers.Count(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBe(1);
            var status = (await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web))!.Status;
            var payment = await Scalar<string>(platform.Payments.DatabaseConnectionString, "select status from payments where order_id = @id", new { id = order.Id });
            (status, payment, await StockAsync(sku)).ShouldBeOneOf(("shipped", "captured", (3, 0)), ("cancelled", "voided", (5, 0)));
        }
    }

    [Fact]
    public async Task An_order_whose_payment_a_lost_shipment_answer_captured_is_cancelled_with_a_refund_by_staff_only()
    {
        var (order, customer, userId, admin) = await ConfirmedOrderAsync("CAPTURED-1", 2000);
        platform.LosePaymentsAnswers = request => request.RequestUri!.AbsolutePath.EndsWith("/capture", StringComparison.Ordinal);
        var lost = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "JJD000778" }))
            .ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        platform.LosePaymentsAnswers = null;
        lost.GetProperty("detail").GetString()!.ShouldContain("not known whether the payment was captured");
        (await Scalar<string>(platform.Payments.DatabaseConnectionString, "select status from payments")).ShouldBe("captured");

        // The parcel may be on its way: the customer cannot cancel now.
        var refused = await (await customer.PostAsync($"/api/v1/orders/{order.Id}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        refused.GetProperty("detail").GetString()!.ShouldContain("being shipped");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'refund'")).ShouldBe(0);

        // Staff know it never left, and cancel it. The first refund's answer is lost: the cancellation is written down,
        // and sending it again (or the sweeper) refunds once.
        platform.LosePaymentsAnswers = IsRefund;
        await (await admin.PostAsync($"/api/v1/admin/orders/{order.Id}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        platform.LosePaymentsAnswers = null;
        var cancelled = await (await admin.PostAsync($"/api/v1/admin/orders/{order.Id}/cancel", null)).ShouldBeOkAsync<OrderDto>();

        (cancelled.Status, cancelled.Refunded).ShouldBe(("cancelled", order.Total));
        cancelled.Timeline.Single(e => e.Type == "cancelled").Detail.ShouldStartWith("refunded");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select refunded_amount from payments")).ShouldBe(order.Total);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'refund'")).ShouldBe(1);
        (await StockAsync("CAPTURED-1")).ShouldBe((5, 0)); // the stock is back
        await WaitForMailAsync($"{userId:N}@example.com", "is cancelled");
        await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "JJD000778" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_shipment_whose_capture_the_card_network_refuses_leaves_the_order_confirmed()
    {
        var (order, _, userId, admin) = await ConfirmedOrderAsync("NOCAPTURE-1", 2500);
        await AtTheNetworkAsync("void", 0); // the authorization was released at the network: nothing can be captured

        var refused = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "JJD000779" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);

        refused.GetProperty("detail").GetString()!.ShouldContain("could not be captured");
        var unchanged = (await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web))!;
        unchanged.Status.ShouldBe("confirmed");
        unchanged.Timeline.ShouldNotContain(e => e.Type == "shipped");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select captured_amount from payments")).ShouldBe(0);
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from email_outbox where recipient = @to and subject like '%on its way%'",
            new { to = $"{userId:N}@example.com" })).ShouldBe(0);

        // Once the network takes captures again, shipping again tries a new capture instead of replaying the refusal.
        await Scalar<int>(platform.Payments.DatabaseConnectionString, "delete from sandbox_operations where idempotency_key = 'dashboard-void' returning 1");
        (await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "JJD000779" })).ShouldBeOkAsync<OrderDto>())
            .Status.ShouldBe("shipped");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select captured_amount from payments")).ShouldBe(order.Total);
    }

    [Fact]
    public async Task A_cancellation_whose_void_the_card_network_refuses_leaves_the_order_confirmed()
    {
        var (order, customer, _, _) = await ConfirmedOrderAsync("NOVOID-1", 1500);
        await AtTheNetworkAsync("capture", order.Total); // captured at the network: the hold can no longer be voided

        var refused = await (await customer.PostAsync($"/api/v1/orders/{order.Id}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        refused.GetProperty("detail").GetString()!.ShouldContain("could not be voided");
        (await (await customer.GetAsync($"/api/v1/orders/{order.Id}")).ShouldBeOkAsync<OrderDto>()).Status.ShouldBe("confirmed");
        (await StockAsync("NOVOID-1")).ShouldBe((4, 0)); // the stock stays sold
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from orders where cancel_requested_at is not null")).ShouldBe(0); // not retried
    }

    [Fact]
    public async Task Ship_deliver_refund_and_a_verified_review()
    {
        var (order, customer, userId, admin) = await ConfirmedOrderAsync("LIFE-1", 4000);
        var productId = order.Lines.ShouldHaveSingleItem().ProductId;

        await (await admin.PostAsync($"/api/v1/admin/orders/{order.Id}/deliver", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var shipped = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = "DHL", trackingNumber = "JJD000123" })).ShouldBeOkAsync<OrderDto>();
        (shipped.Status, shipped.Carrier, shipped.TrackingNumber).ShouldBe(("shipped", "DHL", "JJD000123"));
        (await Scalar<string>(platform.Payments.DatabaseConnectionString, "select status from payments")).ShouldBe("captured");
        await (await customer.PostAsync($"/api/v1/orders/{order.Id}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        (await (await admin.PostAsync($"/api/v1/admin/orders/{order.Id}/deliver", null)).ShouldBeOkAsync<OrderDto>()).Status.ShouldBe("delivered");
        var review = await platform.CatalogAs(platform.CustomerToken(userId)).PostAsJsonAsync($"/api/v1/products/{productId}/reviews", new { rating = 5, title = "Great", body = "Arrived quickly." });
        (await review.ShouldBeOkAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("verifiedPurchase").GetBoolean().ShouldBeTrue();

        var partial = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 0 })).ShouldBeOkAsync<OrderDto>();
        (partial.Status, partial.Refunded).ShouldBe(("partially_refunded", 1000L));
        await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = order.Total, expectedRefunded = 1000 })).ShouldNameFieldAsync("amount");
        var full = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { expectedRefunded = 1000 })).ShouldBeOkAsync<OrderDto>();
        (full.Status, full.Refunded).ShouldBe(("refunded", order.Total));
        full.Timeline.Select(e => e.Type).ShouldContain("shipped");
        await WaitForMailAsync($"{userId:N}@example.com", "Refund for your Bazaar order");
    }

    [Fact]
    public async Task An_order_partly_refunded_in_transit_is_still_delivered_once_and_its_review_verified()
    {
        var (order, _, userId, admin) = await ConfirmedOrderAsync("TRANSIT-1", 4000);
        await ShipAsync(admin, order);
        // The parcel is late: the shop refunds the shipping as a goodwill gesture before it arrives.
        (await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = order.Shipping > 0 ? order.Shipping : 500, expectedRefunded = 0 }))
            .ShouldBeOkAsync<OrderDto>()).Status.ShouldBe("partially_refunded");

        var delivered = await (await admin.PostAsync($"/api/v1/admin/orders/{order.Id}/deliver", null)).ShouldBeOkAsync<OrderDto>();

        delivered.Status.ShouldBe("partially_refunded");
        (delivered.DeliveredAt!.Value - platform.Ordering.Clock.GetUtcNow()).Duration().ShouldBeLessThan(TimeSpan.FromMilliseconds(1)); // stored to the microsecond
        delivered.Timeline.Count(e => e.Type == "delivered").ShouldBe(1);
        var productId = order.Lines.ShouldHaveSingleItem().ProductId;
        var review = await platform.CatalogAs(platform.CustomerToken(userId)).PostAsJsonAsync($"/api/v1/products/{productId}/reviews", new { rating = 4, title = "Late", body = "Arrived in the end." });
        (await review.ShouldBeOkAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("verifiedPurchase").GetBoolean().ShouldBeTrue();
        // Once: marking it again is refused, before and after a later refund.
        await (await admin.PostAsync($"/api/v1/admin/orders/{order.Id}/deliver", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 100, expectedRefunded = delivered.Refunded }))
            .ShouldBeOkAsync<OrderDto>()).DeliveredAt.ShouldBe(delivered.DeliveredAt);
        await (await admin.PostAsync($"/api/v1/admin/orders/{order.Id}/deliver", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Two_people_shipping_one_order_at_once_ship_it_once_with_one_tracking_number()
    {
        var (order, _, _, admin) = await ConfirmedOrderAsync("SHIP-2", 3000);
        platform.RefusePaymentsCalls = IsPaymentLookup; // the order knows its payment: payments is not asked which it is

        var answers = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
            admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/ship", new { carrier = $"Carrier {i}", trackingNumber = $"TRACK000{i}" })));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
        var shipped = await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web);
        shipped!.Timeline.Count(e => e.Type == "shipped").ShouldBe(1);
        shipped.Timeline.Single(e => e.Type == "shipped").Detail.ShouldBe($"{shipped.Carrier} {shipped.TrackingNumber}");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'capture'")).ShouldBe(1);
    }

    [Fact]
    public async Task Parallel_refunds_sent_from_one_view_of_the_order_refund_once_and_the_order_agrees_with_the_payment()
    {
        var (order, _, _, admin) = await ConfirmedOrderAsync("REFUND-3", 10000);
        await ShipAsync(admin, order);

        // Two admins (or one double click, or a retry) refund 10.00 of an order both saw with nothing refunded.
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 0 })));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
        var refunded = await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web);
        (refunded!.Status, refunded.Refunded).ShouldBe(("partially_refunded", 1000L));
        refunded.Timeline.Count(e => e.Type == "partially_refunded").ShouldBe(1);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select refunded_amount from payments")).ShouldBe(1000);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'refund' and status = 'succeeded'")).ShouldBe(1);
        (await RefundAttemptsAsync()).ShouldBe(0); // every outcome recorded

        // A second refund made knowingly, then the rest in full, then nothing is left to refund.
        (await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 1000 })).ShouldBeOkAsync<OrderDto>())
            .Refunded.ShouldBe(2000);
        var full = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { expectedRefunded = 2000 })).ShouldBeOkAsync<OrderDto>();
        (full.Status, full.Refunded).ShouldBe(("refunded", order.Total));
        await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1, expectedRefunded = order.Total })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_refund_names_what_is_wrong_with_it()
    {
        var (order, _, _, admin) = await ConfirmedOrderAsync("REFUND-8", 5000);
        await ShipAsync(admin, order);
        var refund = $"/api/v1/admin/orders/{order.Id}/refund";

        // Without what the admin saw refunded, a refund sent again later could not be told from a new one.
        await (await admin.PostAsJsonAsync(refund, new { amount = 1000 })).ShouldNameFieldAsync("expectedRefunded");
        await (await admin.PostAsJsonAsync(refund, new { amount = 0, expectedRefunded = 0 })).ShouldNameFieldAsync("amount");
        await (await admin.PostAsJsonAsync(refund, new { amount = -5, expectedRefunded = 0 })).ShouldNameFieldAsync("amount");
        await (await admin.PostAsJsonAsync(refund, new { amount = order.Total + 1, expectedRefunded = 0 })).ShouldNameFieldAsync("amount");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'refund'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_refund_the_card_network_declines_records_nothing_and_can_be_tried_again()
    {
        var (order, _, userId, admin) = await ConfirmedOrderAsync("REFUND-4", 5000);
        await ShipAsync(admin, order);
        // Refunded in full at the card network behind Bazaar's back (a refund made in the provider's dashboard): the network declines the next one.
        await Scalar<int>(platform.Payments.DatabaseConnectionString, """
            insert into sandbox_operations (idempotency_key, kind, reference, amount, outcome, created_at)
            select 'dashboard-refund', 'refund', reference, @total, 'succeeded', now() from sandbox_operations where kind = 'authorization'
            returning 1
            """, new { total = order.Total });

        var declined = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 0 })).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        declined.GetProperty("detail").GetString()!.ShouldContain("declined");
        var unchanged = await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web);
        (unchanged!.Status, unchanged.Refunded).ShouldBe(("shipped", 0L));
        unchanged.Timeline.ShouldNotContain(e => e.Type.Contains("refund"));
        (await RefundAttemptsAsync()).ShouldBe(0); // a decline is an outcome

        // Once the network would take it again, the same refund is tried anew rather than answered with the decline.
        await Scalar<int>(platform.Payments.DatabaseConnectionString, "delete from sandbox_operations where idempotency_key = 'dashboard-refund' returning 1");
        var refunded = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 0 })).ShouldBeOkAsync<OrderDto>();
        (refunded.Status, refunded.Refunded).ShouldBe(("partially_refunded", 1000L));
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select refunded_amount from payments")).ShouldBe(1000);
        await WaitForMailAsync($"{userId:N}@example.com", "Refund for your Bazaar order");
    }

    [Fact]
    public async Task A_refund_whose_answer_was_lost_is_recorded_by_the_sweeper_from_the_payment_ledger()
    {
        var (order, userId, admin, lost) = await ShippedWithALostRefundAsync("REFUND-5"); // payments refunds; ordering never hears it

        lost.GetProperty("detail").GetString()!.ShouldContain("not known yet");
        var unrecorded = await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web);
        (unrecorded!.Status, unrecorded.Refunded).ShouldBe(("shipped", 0L));
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select refunded_amount from payments")).ShouldBe(1000); // it did happen
        (await RefundAttemptsAsync()).ShouldBe(1);

        var sweeper = platform.Ordering.Services.GetRequiredService<SagaSweeper>();
        await sweeper.SweepAsync(default); // too soon: the request that made it might still be waiting for its answer
        (await RefundAttemptsAsync()).ShouldBe(1);
        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(3));
        platform.RefusePaymentsCalls = _ => true; // the ledger cannot be read: it stays unsettled, and the on-call can see it
        await sweeper.SweepAsync(default);
        platform.RefusePaymentsCalls = null;
        MetricsText.Series(await platform.Ordering.CreateClient().GetStringAsync("/metrics"), "bazaar_ordering_unsettled_refunds").ShouldBe(1);
        await sweeper.SweepAsync(default); // the order waits before its next try, as stuck orders do
        MetricsText.Series(await platform.Ordering.CreateClient().GetStringAsync("/metrics"), "bazaar_ordering_unsettled_refunds").ShouldBe(1);
        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
        await sweeper.SweepAsync(default);
        MetricsText.Series(await platform.Ordering.CreateClient().GetStringAsync("/metrics"), "bazaar_ordering_unsettled_refunds").ShouldBe(0);

        var settled = await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web);
        (settled!.Status, settled.Refunded).ShouldBe(("partially_refunded", 1000L));
        settled.Timeline.Count(e => e.Type == "partially_refunded").ShouldBe(1);
        (await RefundAttemptsAsync()).ShouldBe(0);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'refund' and status = 'succeeded'")).ShouldBe(1);
        await WaitForMailAsync($"{userId:N}@example.com", "Refund for your Bazaar order");

        (await admin.GetFromJsonAsync<List<OrderEventDto>>($"/api/v1/admin/orders/{order.Id}/notes", JsonSerializerOptions.Web))!
            .ShouldHaveSingleItem().Detail.ShouldContain("the missing refund is now recorded");

        // The admin, still looking at the order as it was before, sends the same refund again: refused, not made twice.
        var stale = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 0 }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        stale.GetProperty("detail").GetString()!.ShouldContain("Reload the order");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select refunded_amount from payments")).ShouldBe(1000);
    }

    [Fact]
    public async Task No_other_refund_is_made_while_one_waits_for_the_card_network_and_the_same_one_sent_again_settles_it()
    {
        // A refund of 1000 reached the network, but neither payments nor ordering heard back: unknown at payments.
        var (order, _, admin, _) = await ShippedWithALostRefundAsync("REFUND-8");
        await Scalar<int>(platform.Payments.DatabaseConnectionString, "update payment_transactions set status = 'unknown' where kind = 'refund' returning 1");

        // Another refund now would be keyed anew; the first one sent again after it would then be made twice.
        var refused = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 300, expectedRefunded = 0 }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        refused.GetProperty("detail").GetString()!.ShouldContain("still waiting for the card network");
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payment_transactions where kind = 'refund'")).ShouldBe(1);

        // The same refund sent again is the same call: payments asks the network, which made it once.
        var refunded = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 0 })).ShouldBeOkAsync<OrderDto>();
        (refunded.Status, refunded.Refunded).ShouldBe(("partially_refunded", 1000L));
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from sandbox_operations where kind = 'refund'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_refused_refund_does_not_lose_an_earlier_refund_whose_answer_was_lost()
    {
        var (order, _, admin, _) = await ShippedWithALostRefundAsync("REFUND-7");

        // The order still shows nothing refunded. The next refund finds the lost one in the ledger and records it first:
        // keyed on stale figures it could be made twice. The admin looks again.
        var changed = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 500, expectedRefunded = 0 }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        changed.GetProperty("detail").GetString()!.ShouldContain("Reload the order");
        (await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web))!.Refunded.ShouldBe(1000);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select refunded_amount from payments")).ShouldBe(1000);
        (await RefundAttemptsAsync()).ShouldBe(1); // the lost one's attempt is left to the sweeper, which notes what it settled

        await SweepAfterRefundsAreStuckAsync();

        var settled = await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web);
        (settled!.Status, settled.Refunded).ShouldBe(("partially_refunded", 1000L));
        (await RefundAttemptsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task A_refund_payments_never_received_is_forgotten_by_the_sweeper_and_can_be_made_again()
    {
        var (order, _, _, admin) = await ConfirmedOrderAsync("REFUND-6", 5000);
        await ShipAsync(admin, order);

        platform.RefusePaymentsCalls = IsRefund;
        await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 0 })).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        platform.RefusePaymentsCalls = null;
        (await RefundAttemptsAsync()).ShouldBe(1);

        await SweepAfterRefundsAreStuckAsync();

        (await RefundAttemptsAsync()).ShouldBe(0);
        var unchanged = await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web);
        (unchanged!.Status, unchanged.Refunded).ShouldBe(("shipped", 0L));
        unchanged.Timeline.ShouldNotContain(e => e.Type.Contains("refund"));
        (await admin.GetFromJsonAsync<List<OrderEventDto>>($"/api/v1/admin/orders/{order.Id}/notes", JsonSerializerOptions.Web))!
            .ShouldHaveSingleItem().Detail.ShouldContain("nothing beyond what the order already shows was refunded");
        var refunded = await (await admin.PostAsJsonAsync($"/api/v1/admin/orders/{order.Id}/refund", new { amount = 1000, expectedRefunded = 0 })).ShouldBeOkAsync<OrderDto>();
        (refunded.Status, refunded.Refunded).ShouldBe(("partially_refunded", 1000L));
    }

    [Fact]
    public async Task Refunds_that_cannot_settle_yet_do_not_keep_a_newer_lost_refund_from_being_recorded()
    {
        // An older order whose refund attempt cannot settle (payments cannot be asked about it), and a newer lost refund.
        var (stuck, _, _, _) = await ConfirmedOrderAsync("REFUND-Q1", 1000);
        await Scalar<int>(platform.Ordering.DatabaseConnectionString, """
            insert into refund_attempts (id, order_id, amount, actor, created_at) values (gen_random_uuid(), @id, 500, 'admin', @at) returning 1
            """, new { id = stuck.Id, at = platform.Ordering.Clock.GetUtcNow().AddHours(-1) });
        var (order, _, admin, _) = await ShippedWithALostRefundAsync("REFUND-Q");
        platform.RefusePaymentsCalls = request => IsPaymentLookup(request) && request.RequestUri!.AbsolutePath.EndsWith(stuck.Id.ToString(), StringComparison.Ordinal);
        platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(3));
        var actions = platform.Ordering.Services.GetRequiredService<OrderActions>();
        var before = platform.Ordering.Clock.GetUtcNow().AddMinutes(-2);

        // Sweeps whose time is up try one order each, oldest first: the one that cannot settle waits before its next try ...
        (await actions.SettleRefundsAsync(before, spent: () => true, default)).ShouldBe(0);
        (await Scalar<int>(platform.Ordering.DatabaseConnectionString, "select sweep_attempts from orders where id = @id", new { id = stuck.Id })).ShouldBe(1);

        // ... so the next sweep records the newer one.
        (await actions.SettleRefundsAsync(before, spent: () => true, default)).ShouldBe(1);
        platform.RefusePaymentsCalls = null;
        (await admin.GetFromJsonAsync<OrderDto>($"/api/v1/admin/orders/{order.Id}", JsonSerializerOptions.Web))!.Refunded.ShouldBe(1000);
    }

    [Theory]
    [InlineData("""{"shippingAddress":{"name":"A","line1":"B","city":"C","postalCode":"1","country":"Germany"},"shippingMethod":"standard","paymentToken":"tok_x"}""", "shippingAddress.country")]
    [InlineData("""{"shippingAddress":{"name":"","line1":"B","city":"C","postalCode":"1","country":"DE"},"shippingMethod":"standard","paymentToken":"tok_x"}""", "shippingAddress.name")]
    [InlineData("""{"shippingAddress":{"name":"A","line1":"B","city":"C","postalCode":"1","country":"DE"},"shippingMethod":"standard"}""", "paymentToken")]
    public async Task Bad_checkouts_are_refused_by_field(string json, string field)
    {
        var customer = platform.OrderingAs(platform.CustomerToken(Guid.NewGuid()));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await (await customer.SendAsync(request)).ShouldNameFieldAsync(field);
    }

    [Fact]
    public async Task A_checkout_needs_an_idempotency_key_a_cart_a_known_card_and_a_shipping_method()
    {
        var customer = platform.OrderingAs(platform.CustomerToken(Guid.NewGuid()));
        await (await customer.PostAsJsonAsync("/api/v1/orders", CheckoutPlatform.Checkout("tok_anything"))).ShouldNameFieldAsync("Idempotency-Key");
        await (await platform.PlaceOrderAsync(customer, CheckoutPlatform.Checkout("tok_anything"))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity); // empty cart
        await (await customer.GetAsync("/api/v1/shipping/quote?country=DE")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity); // nothing to ship

        await platform.ProductAsync("NEED-1", 1000, 5);
        var (shopper, _) = await CustomerWithCartAsync("NEED-1", 1);
        await (await platform.PlaceOrderAsync(shopper, CheckoutPlatform.Checkout("tok_unknown"))).ShouldNameFieldAsync("paymentToken");
        await (await platform.PlaceOrderAsync(shopper, CheckoutPlatform.Checkout(await platform.CardTokenAsync(), method: "teleport"))).ShouldNameFieldAsync("shippingMethod");
    }

    [Fact]
    public async Task An_order_whose_total_changed_since_the_shopper_saw_it_is_refused_and_charges_nothing()
    {
        await platform.ProductAsync("SHOWN-1", 1000, 5);
        var (customer, userId) = await CustomerWithCartAsync("SHOWN-1", 2);
        var token = await platform.CardTokenAsync();
        var quote = await customer.GetFromJsonAsync<JsonElement>("/api/v1/shipping/quote?country=DE");
        var standard = quote.GetProperty("methods").EnumerateArray().Single(m => m.GetProperty("method").GetString() == "standard");
        // 20.00 + shipping, 19 % on both: the quote gives the figures the order will have.
        var (shipping, tax, total) = (standard.GetProperty("price").GetInt64(), standard.GetProperty("tax").GetInt64(), standard.GetProperty("total").GetInt64());
        tax.ShouldBe(((2000 + shipping) * 1900 + 5000) / 10000);
        total.ShouldBe(2000 + shipping + tax);

        // The shopper adds one more in another tab: the total shown is no longer the total.
        (await platform.CartAs(platform.CustomerToken(userId)).PutAsJsonAsync("/api/v1/cart/items/SHOWN-1", new { quantity = 3 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refused = await (await platform.PlaceOrderAsync(customer, Expecting(CheckoutPlatform.Checkout(token), total))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        refused.GetProperty("title").GetString().ShouldBe("The total changed");
        (await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from orders where user_id = @userId", new { userId })).ShouldBe(0);
        (await Scalar<long>(platform.Payments.DatabaseConnectionString, "select count(*) from payments")).ShouldBe(0);

        var requoted = (await customer.GetFromJsonAsync<JsonElement>("/api/v1/shipping/quote?country=DE")).GetProperty("methods").EnumerateArray()
            .Single(m => m.GetProperty("method").GetString() == "standard").GetProperty("total").GetInt64();
        var order = await (await platform.PlaceOrderAsync(customer, Expecting(CheckoutPlatform.Checkout(token), requoted))).ShouldBeOkAsync<OrderDto>(HttpStatusCode.Created);
        (order.Status, order.Total, order.Lines.Single().Quantity).ShouldBe(("confirmed", requoted, 3));
    }

    /// <summary>A checkout body with the total the shopper was shown.</summary>
    static JsonElement Expecting(object checkout, long total)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(checkout, JsonSerializerOptions.Web))!.AsObject();
        body["expectedTotal"] = total;
        return JsonSerializer.SerializeToElement(body);
    }

    async Task SweepUntilSettledAsync()
    {
        for (var round = 0; round < 20; round++)
        {
            var inFlight = await Scalar<long>(platform.Ordering.DatabaseConnectionString, "select count(*) from orders where status = any(@s)",
                new { s = new[] { "pending", "reserved", "approved", "authorized" } });
            if (inFlight == 0)
                return;
            await Task.Delay(500);
            platform.Ordering.Clock.Advance(TimeSpan.FromMinutes(1));
            await platform.Ordering.Services.GetRequiredService<SagaSweeper>().SweepAsync(default);
        }
        throw new TimeoutException("Orders were still in flight after 20 sweeps.");
    }

    static async Task<List<T>> QueryAll<T>(string connectionString, string sql)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var connection = await db.OpenConnectionAsync();
        return [.. await connection.QueryAsync<T>(sql)];
    }

    async Task<string> WaitForMailAsync(string recipient, string? containing = null)
    {
        for (var i = 0; i < 200; i++)
        {
            var mail = Directory.GetFiles(platform.Ordering.Mailbox, "*.eml").Select(File.ReadAllText)
                .FirstOrDefault(m => m.Contains($"To: {recipient}") && (containing is null || m.Contains(containing) || DecodedSubject(m).Contains(containing)));
            if (mail is not null)
                return mail + DecodedSubject(mail);
            await Task.Delay(50);
        }
        throw new TimeoutException($"No e-mail to {recipient}.");
    }

    static string DecodedSubject(string mail)
    {
        var line = mail.Split("\r\n").FirstOrDefault(l => l.StartsWith("Subject: =?utf-8?B?", StringComparison.Ordinal));
        return line is null ? "" : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(line["Subject: =?utf-8?B?".Length..^2]));
    }
}
