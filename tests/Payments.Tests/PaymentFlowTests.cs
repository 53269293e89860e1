using System.Net.Http.Json;

namespace Bazaar.Payments.Tests;

public sealed class PaymentFlowTests(PaymentsFactory factory) : PaymentsTest(factory)
{
    [Theory]
    [InlineData(SandboxCards.Visa, "authorized", null, "succeeded")]
    [InlineData(SandboxCards.Mastercard, "authorized", null, "succeeded")]
    [InlineData(SandboxCards.InsufficientFundsCard, "declined", "insufficient_funds", "failed")]
    [InlineData(SandboxCards.StolenCardCard, "declined", "stolen_card", "failed")]
    [InlineData(SandboxCards.ProcessingErrorCard, "declined", "processing_error", "failed")]
    public async Task Authorization_outcomes_are_answered_with_the_payment(string number, string status, string? declineCode, string ledgerStatus)
    {
        var token = await Factory.TokenizeAsync(number);
        var orderId = Guid.NewGuid();
        var payment = await (await Factory.PostAuthorizeAsync(orderId, 12_345, token.Token)).ShouldBeOkAsync<PaymentDto>();

        (payment.OrderId, payment.Status, payment.DeclineCode, payment.Amount, payment.Currency).ShouldBe((orderId, status, declineCode, 12_345L, "EUR"));
        (payment.CapturedAmount, payment.RefundedAmount).ShouldBe((0L, 0L));
        (payment.Card.Brand, payment.Card.Last4).ShouldBe((token.Brand, token.Last4));
        var entry = payment.Transactions.ShouldHaveSingleItem();
        (entry.Kind, entry.Amount, entry.Status).ShouldBe(("authorization", 12_345L, ledgerStatus));

        var byOrder = await Factory.Service().GetFromJsonAsync<PaymentDto>($"/internal/payments/by-order/{orderId}");
        byOrder!.Id.ShouldBe(payment.Id);
        byOrder.Status.ShouldBe(status);
    }

    [Fact]
    public async Task Twenty_parallel_authorizations_for_one_order_charge_once()
    {
        var token = await Factory.TokenAsync();
        var orderId = Guid.NewGuid();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Factory.PostAuthorizeAsync(orderId, 4200, token)));
        var payments = await Task.WhenAll(responses.Select(r => r.ShouldBeOkAsync<PaymentDto>()));

        payments.Select(p => p.Id).Distinct().ShouldHaveSingleItem();
        (await Factory.NumberAsync("select count(*) from payments where order_id = @orderId", new { orderId })).ShouldBe(1);
        (await Factory.NumberAsync("select count(*) from payment_transactions where kind = 'authorization'")).ShouldBe(1);
        (await Factory.NumberAsync("select count(*) from sandbox_operations where kind = 'authorization'")).ShouldBe(1);
        (await Factory.GetAsync(payments[0].Id)).Status.ShouldBe("authorized");
    }

    [Fact]
    public async Task A_repeat_with_other_terms_is_refused_and_charges_nothing_more()
    {
        var token = await Factory.TokenAsync();
        var orderId = Guid.NewGuid();
        await (await Factory.PostAuthorizeAsync(orderId, 1000, token)).ShouldBeOkAsync<PaymentDto>();
        await (await Factory.PostAuthorizeAsync(orderId, 2000, token)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await Factory.PostAuthorizeAsync(orderId, 1000, token, "USD")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        (await Factory.NumberAsync("select count(*) from sandbox_operations")).ShouldBe(1);
    }

    [Fact]
    public async Task Unknown_tokens_and_currencies_are_unprocessable_and_bad_fields_are_named()
    {
        var token = await Factory.TokenAsync();
        await (await Factory.PostAuthorizeAsync(Guid.NewGuid(), 1000, "tok_doesnotexist")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await Factory.PostAuthorizeAsync(Guid.NewGuid(), 1000, token, "XYZ")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await Factory.PostAuthorizeAsync(Guid.NewGuid(), 0, token)).ShouldNameFieldAsync("amount");
        await (await Factory.PostAuthorizeAsync(Guid.Empty, 1000, token)).ShouldNameFieldAsync("orderId");
        await (await Factory.PostAuthorizeAsync(Guid.NewGuid(), 1000, "")).ShouldNameFieldAsync("token");
        (await Factory.NumberAsync("select count(*) from payments")).ShouldBe(0);
    }

    [Fact]
    public async Task Capture_in_full()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        var captured = await (await Factory.CaptureAsync(payment.Id)).ShouldBeOkAsync<PaymentDto>();
        (captured.Status, captured.CapturedAmount).ShouldBe(("captured", 5000L));
        captured.Transactions.Single(t => t.Kind == "capture").ShouldSatisfyAllConditions(t => t.Amount.ShouldBe(5000), t => t.Status.ShouldBe("succeeded"));

        await (await Factory.CaptureAsync(payment.Id)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await Factory.CaptureAsync(payment.Id, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await Factory.GetAsync(payment.Id)).CapturedAmount.ShouldBe(5000);
    }

    [Fact]
    public async Task Partial_captures_up_to_the_authorized_amount()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        var first = await (await Factory.CaptureAsync(payment.Id, 2000)).ShouldBeOkAsync<PaymentDto>();
        (first.Status, first.CapturedAmount).ShouldBe(("partially_captured", 2000L));
        await (await Factory.CaptureAsync(payment.Id, 3001)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var second = await (await Factory.CaptureAsync(payment.Id, 3000)).ShouldBeOkAsync<PaymentDto>();
        (second.Status, second.CapturedAmount).ShouldBe(("captured", 5000L));
        second.Transactions.Where(t => t.Kind == "capture").Select(t => t.Amount).Order().ShouldBe([2000L, 3000L]);
    }

    [Fact]
    public async Task A_second_capture_of_a_payment_whose_provider_this_replica_lacks_is_refused_as_for_a_one_capture_provider()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        await (await Factory.CaptureAsync(payment.Id, 2000)).ShouldBeOkAsync<PaymentDto>();
        // As a payment made with Stripe reads on a replica without Stripe's settings.
        await Factory.NumberAsync("update payments set provider = 'stripe' where id = @id returning 1", new { id = payment.Id });

        var refused = await (await Factory.CaptureAsync(payment.Id, 1000)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        refused.GetProperty("detail").GetString()!.ShouldContain("one capture per authorization");
        (await Factory.NumberAsync("select count(*) from payment_transactions where payment_id = @id and kind = 'capture'", new { id = payment.Id })).ShouldBe(1);
    }

    [Fact]
    public async Task Capturing_more_than_authorized_is_a_conflict()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        await (await Factory.CaptureAsync(payment.Id, 6000)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await Factory.CaptureAsync(payment.Id, 0)).ShouldNameFieldAsync("amount");
        await (await Factory.CaptureAsync(Guid.NewGuid())).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await Factory.GetAsync(payment.Id)).ShouldSatisfyAllConditions(p => p.Status.ShouldBe("authorized"), p => p.CapturedAmount.ShouldBe(0));
    }

    [Fact]
    public async Task A_capture_without_an_idempotency_key_is_refused()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/internal/payments/{payment.Id}/capture") { Content = JsonContent.Create(new { amount = 1000 }) };
        await (await Factory.Service().SendAsync(request)).ShouldNameFieldAsync("Idempotency-Key");
        (await Factory.GetAsync(payment.Id)).CapturedAmount.ShouldBe(0);
    }

    [Fact]
    public async Task Parallel_captures_never_exceed_the_authorization()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Factory.CaptureAsync(payment.Id, 1000)));
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(5);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
        var after = await Factory.GetAsync(payment.Id);
        (after.Status, after.CapturedAmount).ShouldBe(("captured", 5000L));
    }

    [Fact]
    public async Task A_capture_repeated_with_its_idempotency_key_captures_once()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Factory.CaptureAsync(payment.Id, null, key)));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var after = await Factory.GetAsync(payment.Id);
        (after.Status, after.CapturedAmount).ShouldBe(("captured", 5000L));
        after.Transactions.Count(t => t.Kind == "capture").ShouldBe(1);
    }

    [Fact]
    public async Task A_declined_payment_cannot_be_captured_or_voided()
    {
        var payment = await Factory.AuthorizeAsync(5000, SandboxCards.InsufficientFundsCard);
        await (await Factory.CaptureAsync(payment.Id)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await Factory.VoidAsync(payment.Id)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await Factory.RefundAsync(payment.Id, 100, "r-1")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Void_then_capture_is_a_conflict_and_void_twice_is_fine()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        var voided = await (await Factory.VoidAsync(payment.Id)).ShouldBeOkAsync<PaymentDto>();
        voided.Status.ShouldBe("voided");
        (await (await Factory.VoidAsync(payment.Id)).ShouldBeOkAsync<PaymentDto>()).Status.ShouldBe("voided");
        await (await Factory.CaptureAsync(payment.Id)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        var after = await Factory.GetAsync(payment.Id);
        (after.Status, after.CapturedAmount).ShouldBe(("voided", 0L));
        after.Transactions.Count(t => t.Kind == "void").ShouldBe(1);
        await (await Factory.VoidAsync(Guid.NewGuid())).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_captured_payment_cannot_be_voided()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        await (await Factory.CaptureAsync(payment.Id, 100)).ShouldBeOkAsync<PaymentDto>();
        await (await Factory.VoidAsync(payment.Id)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Partial_refunds_then_an_over_refund_is_a_conflict()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        await (await Factory.CaptureAsync(payment.Id)).ShouldBeOkAsync<PaymentDto>();

        var first = await (await Factory.RefundAsync(payment.Id, 2000, "refund-1")).ShouldBeOkAsync<PaymentDto>();
        (first.Status, first.RefundedAmount).ShouldBe(("partially_refunded", 2000L));
        var second = await (await Factory.RefundAsync(payment.Id, 2000, "refund-2")).ShouldBeOkAsync<PaymentDto>();
        (second.Status, second.RefundedAmount).ShouldBe(("partially_refunded", 4000L));
        await (await Factory.RefundAsync(payment.Id, 2000, "refund-3")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var last = await (await Factory.RefundAsync(payment.Id, 1000, "refund-4")).ShouldBeOkAsync<PaymentDto>();
        (last.Status, last.RefundedAmount).ShouldBe(("refunded", 5000L));
        await (await Factory.RefundAsync(payment.Id, 1, "refund-5")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        // The largest amount there is, after a refund: refused as over what was captured, not overflowed into a 500.
        await (await Factory.RefundAsync(payment.Id, long.MaxValue, "refund-6")).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        last.Transactions.Where(t => t.Kind == "refund").Select(t => t.Amount).Order().ShouldBe([1000L, 2000L, 2000L]);
        last.Transactions.Where(t => t.Kind == "refund").ShouldAllBe(t => t.Status == "succeeded");
    }

    [Fact]
    public async Task Nothing_is_refunded_before_it_is_captured()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        await (await Factory.RefundAsync(payment.Id, 100, "early")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await Factory.CaptureAsync(payment.Id, 1000)).ShouldBeOkAsync<PaymentDto>();
        await (await Factory.RefundAsync(payment.Id, 1001, "too-much")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await Factory.RefundAsync(Guid.NewGuid(), 100, "ghost")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_same_refund_key_twice_refunds_once()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        await (await Factory.CaptureAsync(payment.Id)).ShouldBeOkAsync<PaymentDto>();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Factory.RefundAsync(payment.Id, 1500, "same-key")));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var again = await (await Factory.RefundAsync(payment.Id, 1500, "same-key")).ShouldBeOkAsync<PaymentDto>();
        again.RefundedAmount.ShouldBe(1500);
        again.Transactions.Count(t => t.Kind == "refund").ShouldBe(1);
        (await Factory.NumberAsync("select count(*) from sandbox_operations where kind = 'refund'")).ShouldBe(1);

        // The same key for another amount is a client bug, not a second refund.
        await (await Factory.RefundAsync(payment.Id, 700, "same-key")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_refund_needs_an_idempotency_key_and_a_positive_amount()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        await (await Factory.RefundAsync(payment.Id, 100, null)).ShouldNameFieldAsync("Idempotency-Key");
        await (await Factory.RefundAsync(payment.Id, 0, "k")).ShouldNameFieldAsync("amount");
    }

    [Fact]
    public async Task Concurrent_refunds_never_exceed_what_was_captured()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        await (await Factory.CaptureAsync(payment.Id, 4000)).ShouldBeOkAsync<PaymentDto>();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Factory.RefundAsync(payment.Id, 1000, $"parallel-{i}")));
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(4);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(6);

        var after = await Factory.GetAsync(payment.Id);
        (after.Status, after.CapturedAmount, after.RefundedAmount).ShouldBe(("refunded", 4000L, 4000L));
        await LedgerNeverShowsMoreRefundedThanCapturedAsync();
    }

    [Fact]
    public async Task Support_reads_payments_with_their_ledger()
    {
        var payment = await Factory.AuthorizeAsync(5000);
        await (await Factory.CaptureAsync(payment.Id, 5000)).ShouldBeOkAsync<PaymentDto>();
        await (await Factory.RefundAsync(payment.Id, 500, "r")).ShouldBeOkAsync<PaymentDto>();

        var support = Factory.Support();
        var byId = await support.GetFromJsonAsync<PaymentDto>($"/api/v1/payments/{payment.Id}");
        byId!.Transactions.Select(t => t.Kind).Order().ShouldBe(["authorization", "capture", "refund"]);
        var byOrder = await support.GetFromJsonAsync<PaymentDto>($"/api/v1/payments?orderId={payment.OrderId}");
        byOrder!.Id.ShouldBe(payment.Id);
        await (await support.GetAsync($"/api/v1/payments/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await support.GetAsync($"/api/v1/payments?orderId={Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await support.GetAsync("/api/v1/payments")).ShouldNameFieldAsync("orderId");
    }

    /// <summary>Across every payment: the refunds that went through never add up to more than the captures that did.</summary>
    async Task LedgerNeverShowsMoreRefundedThanCapturedAsync()
    {
        (await Factory.NumberAsync("""
            select count(*) from (
                select payment_id,
                       sum(amount) filter (where kind = 'capture' and status = 'succeeded') as captured,
                       sum(amount) filter (where kind = 'refund' and status = 'succeeded') as refunded
                from payment_transactions group by payment_id) l
            where coalesce(l.refunded, 0) > coalesce(l.captured, 0)
            """)).ShouldBe(0);
        (await Factory.NumberAsync("select count(*) from payments where refunded_amount > captured_amount or captured_amount > amount")).ShouldBe(0);
    }
}
