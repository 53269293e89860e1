using System.Text;

namespace Bazaar.Payments.Tests;

/// <summary>Payments with Stripe configured next to the sandbox (which still takes new payments); Stripe's API is a <see cref="FakeStripe"/>.</summary>
public sealed class StripeConfiguredFactory : PaymentsFactory
{
    public const string WebhookSecret = "whsec_test_routing";

    public FakeStripe Stripe { get; } = new();

    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Payments:Stripe:SecretKey"] = "sk_test_routing";
        settings["Payments:Stripe:WebhookSecret"] = WebhookSecret;
    }

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddHttpClient<StripeProvider>().ConfigurePrimaryHttpMessageHandler(() => Stripe);
}

/// <summary>
/// A payment's later calls go to the provider it was made with, whatever <c>Payments:Provider</c> says now; Stripe's
/// webhook is verified with the endpoint's secret and settles the unknown calls its event names, once.
/// </summary>
public sealed class ProviderRoutingTests(StripeConfiguredFactory factory) : IClassFixture<StripeConfiguredFactory>, IAsyncLifetime
{
    const string StripeWebhookUrl = "/api/v1/payments/webhooks/stripe";

    public Task InitializeAsync()
    {
        factory.Stripe.Calls.Clear();
        factory.Stripe.Answer = _ => (HttpStatusCode.ServiceUnavailable, """{"error":{"type":"api_error","message":"not expected"}}""");
        return factory.ResetAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>An authorized payment, recorded as made with <paramref name="provider"/> under <paramref name="reference"/>.</summary>
    async Task<PaymentDto> PaymentOfAsync(string provider, string reference)
    {
        var payment = await factory.AuthorizeAsync(5000);
        await factory.NumberAsync("update payments set provider = @provider, provider_reference = @reference where id = @id",
            new { provider, reference, id = payment.Id });
        return payment;
    }

    [Fact]
    public async Task A_capture_goes_to_the_provider_the_payment_was_made_with()
    {
        var sandboxPayment = await factory.AuthorizeAsync(5000);
        (await (await factory.CaptureAsync(sandboxPayment.Id)).ShouldBeOkAsync<PaymentDto>()).Status.ShouldBe("captured");
        (await factory.NumberAsync("select count(*) from sandbox_operations where kind = 'capture'")).ShouldBe(1);
        factory.Stripe.Calls.ShouldBeEmpty();

        var stripePayment = await PaymentOfAsync("stripe", "pi_routed");
        factory.Stripe.Answer = request => request.RequestUri!.AbsolutePath == "/v1/payment_intents/pi_routed/capture"
            ? (HttpStatusCode.OK, FakeStripe.Intent("pi_routed", "succeeded"))
            : (HttpStatusCode.NotFound, "{}");

        (await (await factory.CaptureAsync(stripePayment.Id)).ShouldBeOkAsync<PaymentDto>()).Status.ShouldBe("captured");
        factory.Stripe.Calls.ShouldHaveSingleItem().PathAndQuery.ShouldBe("/v1/payment_intents/pi_routed/capture");
        (await factory.NumberAsync("select count(*) from sandbox_operations where kind = 'capture'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_stripe_payment_is_captured_once_while_the_sandbox_takes_several_partial_captures()
    {
        var stripePayment = await PaymentOfAsync("stripe", "pi_once");
        factory.Stripe.Answer = request => request.RequestUri!.AbsolutePath == "/v1/payment_intents/pi_once/capture"
            ? (HttpStatusCode.OK, FakeStripe.Intent("pi_once", "succeeded"))
            : (HttpStatusCode.NotFound, "{}");

        (await (await factory.CaptureAsync(stripePayment.Id, 2000)).ShouldBeOkAsync<PaymentDto>()).CapturedAmount.ShouldBe(2000);
        // Stripe released the rest with the first capture: a second one is refused here, not sent.
        var refused = await (await factory.CaptureAsync(stripePayment.Id, 1000)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        refused.GetProperty("detail").GetString()!.ShouldContain("one capture per authorization");
        factory.Stripe.Calls.Count.ShouldBe(1);

        var sandboxPayment = await factory.AuthorizeAsync(5000);
        await (await factory.CaptureAsync(sandboxPayment.Id, 2000)).ShouldBeOkAsync<PaymentDto>();
        (await (await factory.CaptureAsync(sandboxPayment.Id, 1000)).ShouldBeOkAsync<PaymentDto>()).CapturedAmount.ShouldBe(3000);
    }

    [Fact]
    public async Task A_payment_of_a_provider_not_configured_here_keeps_its_call_unknown_and_sends_nothing()
    {
        var payment = await PaymentOfAsync("acme", "acme_1");

        var captured = await (await factory.CaptureAsync(payment.Id)).ShouldBeOkAsync<PaymentDto>();

        captured.Transactions.Single(t => t.Kind == "capture").Status.ShouldBe("unknown");
        captured.CapturedAmount.ShouldBe(0);
        factory.Stripe.Calls.ShouldBeEmpty();
        (await factory.NumberAsync("select count(*) from sandbox_operations where kind = 'capture'")).ShouldBe(0);
    }

    static string StripeEvent(string eventId, string type, object subject) =>
        JsonSerializer.Serialize(new { id = eventId, @object = "event", type, data = new { @object = subject } });

    Task<HttpResponseMessage> PostStripeAsync(string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, StripeWebhookUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
            request.Headers.Add(StripeProvider.SignatureHeader, signature);
        return factory.CreateClient().SendAsync(request);
    }

    static object Intent(string id, string status, Guid orderId) =>
        new { id, @object = "payment_intent", status, metadata = new Dictionary<string, string> { [StripeProvider.KeyField] = PaymentService.AuthorizationKey(orderId) } };

    string SignStripe(string body) => WebhookSignature.Sign(StripeConfiguredFactory.WebhookSecret, body, factory.Clock.GetUtcNow());

    /// <summary>A capture Stripe did not answer (503): unknown, and older than the provider timeout, as the resolver would take it up.</summary>
    async Task<PaymentDto> UnknownCaptureAsync(string reference)
    {
        var payment = await PaymentOfAsync("stripe", reference);
        var unknown = await (await factory.CaptureAsync(payment.Id)).ShouldBeOkAsync<PaymentDto>();
        unknown.Transactions.Single(t => t.Kind == "capture").Status.ShouldBe("unknown");
        factory.Clock.Advance(TimeSpan.FromSeconds(3)); // past the provider timeout
        return payment;
    }

    [Fact]
    public async Task A_signed_stripe_event_settles_the_unknown_calls_of_its_payment_intent_once()
    {
        var payment = await UnknownCaptureAsync("pi_hook");
        factory.Stripe.Answer = request => request.RequestUri!.AbsolutePath switch
        {
            "/v1/payment_intents/pi_hook" => (HttpStatusCode.OK, FakeStripe.Intent("pi_hook", "succeeded")),
            "/v1/refunds" => (HttpStatusCode.ServiceUnavailable, "{}"),
            _ => (HttpStatusCode.NotFound, "{}"),
        };
        var body = StripeEvent("evt_" + Guid.NewGuid().ToString("N"), "payment_intent.succeeded", Intent("pi_hook", "succeeded", payment.OrderId));
        var signature = SignStripe(body);

        (await PostStripeAsync(body, signature)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var settled = await factory.GetAsync(payment.Id);
        (settled.Status, settled.CapturedAmount).ShouldBe(("captured", 5000));
        factory.Stripe.Calls.Count(c => c.Method == HttpMethod.Get).ShouldBe(1);

        // A refund Stripe does not answer is unknown too; the same event delivered again must not look it up.
        var refund = await (await factory.RefundAsync(payment.Id, 1000, "refund-1")).ShouldBeOkAsync<PaymentDto>();
        refund.Transactions.Single(t => t.Kind == "refund").Status.ShouldBe("unknown");
        factory.Clock.Advance(TimeSpan.FromSeconds(3));
        (await PostStripeAsync(body, signature)).StatusCode.ShouldBe(HttpStatusCode.OK);
        factory.Stripe.Calls.Count(c => c.Method == HttpMethod.Get).ShouldBe(1);
        (await factory.NumberAsync("select count(*) from webhook_events")).ShouldBe(1);
    }

    [Fact]
    public async Task A_stripe_event_is_a_nudge_and_what_stripe_answers_decides()
    {
        var payment = await UnknownCaptureAsync("pi_liar");
        factory.Stripe.Answer = request => request.RequestUri!.AbsolutePath == "/v1/payment_intents/pi_liar"
            ? (HttpStatusCode.OK, FakeStripe.Intent("pi_liar", "requires_capture"))
            : (HttpStatusCode.NotFound, "{}");
        var body = StripeEvent("evt_" + Guid.NewGuid().ToString("N"), "payment_intent.succeeded", Intent("pi_liar", "succeeded", payment.OrderId));

        // Stripe says nothing was captured yet: the capture stays unknown (until it is old enough to count as never
        // sent), and Stripe is asked to deliver the event, which is about the payment intent and so its capture, again later.
        await (await PostStripeAsync(body, SignStripe(body))).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        (await factory.NumberAsync("select count(*) from webhook_events where processed_at is not null or claimed_until is not null")).ShouldBe(0); // given up: the redelivery is processed
        var after = await factory.GetAsync(payment.Id);
        after.CapturedAmount.ShouldBe(0);
        after.Transactions.Single(t => t.Kind == "capture").Status.ShouldBe("unknown");
        factory.Stripe.Calls.ShouldContain(c => c.PathAndQuery == "/v1/payment_intents/pi_liar");
    }

    [Fact]
    public async Task An_event_whose_own_call_is_not_final_yet_is_redelivered_but_a_slow_refund_holds_up_no_other_event()
    {
        var payment = await PaymentOfAsync("stripe", "pi_slow_refund");
        await factory.NumberAsync("update payments set status = 'captured', captured_amount = amount where id = @id", new { id = payment.Id });
        (await (await factory.RefundAsync(payment.Id, 1500, "slow-refund")).ShouldBeOkAsync<PaymentDto>()) // Stripe answers 503
            .Transactions.Single(t => t.Kind == "refund").Status.ShouldBe("unknown");
        factory.Clock.Advance(TimeSpan.FromSeconds(3));
        var key = PaymentService.RefundKey(payment.Id, "slow-refund");
        object PendingRefund() => new { id = "re_slow", @object = "refund", status = "pending", amount = 1500, payment_intent = "pi_slow_refund",
            metadata = new Dictionary<string, string> { [StripeProvider.KeyField] = key } };
        factory.Stripe.Answer = request => request.RequestUri!.AbsolutePath == "/v1/refunds" && request.Method == HttpMethod.Get
            ? (HttpStatusCode.OK, JsonSerializer.Serialize(new { @object = "list", has_more = false, data = new[] { PendingRefund() } }))
            : (HttpStatusCode.NotFound, "{}");

        // The refund's own event, while Stripe still has it pending: deliver it again later.
        var refundEvent = StripeEvent("evt_" + Guid.NewGuid().ToString("N"), "refund.created", PendingRefund());
        await (await PostStripeAsync(refundEvent, SignStripe(refundEvent))).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        (await factory.NumberAsync("select count(*) from webhook_events where processed_at is not null or claimed_until is not null")).ShouldBe(0); // given up: the redelivery is processed

        // An event about the payment intent itself is taken, though the refund is still pending: refusing every event of
        // the payment until a slow refund settles would have Stripe retry them for days and switch the endpoint off.
        var intentEvent = StripeEvent("evt_" + Guid.NewGuid().ToString("N"), "payment_intent.succeeded", Intent("pi_slow_refund", "succeeded", payment.OrderId));
        (await PostStripeAsync(intentEvent, SignStripe(intentEvent))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await factory.GetAsync(payment.Id)).Transactions.Single(t => t.Kind == "refund").Status.ShouldBe("unknown");
    }

    [Fact]
    public async Task A_refund_event_settles_the_unknown_refunds_of_its_payment_intent()
    {
        var payment = await PaymentOfAsync("stripe", "pi_refunded");
        await factory.NumberAsync("update payments set status = 'captured', captured_amount = amount where id = @id", new { id = payment.Id });
        var unknown = await (await factory.RefundAsync(payment.Id, 1500, "refund-by-event")).ShouldBeOkAsync<PaymentDto>(); // Stripe answers 503
        unknown.Transactions.Single(t => t.Kind == "refund").Status.ShouldBe("unknown");
        factory.Clock.Advance(TimeSpan.FromSeconds(3));
        var key = PaymentService.RefundKey(payment.Id, "refund-by-event");
        factory.Stripe.Answer = request => request.RequestUri!.AbsolutePath == "/v1/refunds" && request.Method == HttpMethod.Get
            ? (HttpStatusCode.OK, JsonSerializer.Serialize(new { @object = "list", has_more = false, data = new[] { new { id = "re_1", @object = "refund", status = "succeeded",
                amount = 1500, payment_intent = "pi_refunded", metadata = new Dictionary<string, string> { [StripeProvider.KeyField] = key } } } }))
            : (HttpStatusCode.NotFound, "{}");
        // A refund made in Stripe's dashboard carries no key of ours: the event is found by its payment intent.
        var body = StripeEvent("evt_" + Guid.NewGuid().ToString("N"), "refund.updated",
            new { id = "re_1", @object = "refund", status = "succeeded", payment_intent = "pi_refunded", metadata = new Dictionary<string, string>() });

        (await PostStripeAsync(body, SignStripe(body))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var settled = await factory.GetAsync(payment.Id);
        (settled.Status, settled.RefundedAmount).ShouldBe(("partially_refunded", 1500));
    }

    [Fact]
    public async Task A_lost_authorization_is_found_by_the_key_in_its_event()
    {
        var payment = await PaymentOfAsync("stripe", "pi_lost");
        // As if Stripe's answer to the authorization had been lost: unknown, no reference yet.
        await factory.NumberAsync("update payments set status = 'unknown', provider_reference = null where id = @id", new { id = payment.Id });
        await factory.NumberAsync("update payment_transactions set status = 'unknown' where payment_id = @id", new { id = payment.Id });
        factory.Clock.Advance(TimeSpan.FromSeconds(3));
        var intent = Intent("pi_lost", "requires_capture", payment.OrderId);
        factory.Stripe.Answer = request => request.RequestUri!.AbsolutePath == "/v1/payment_intents" && request.Method == HttpMethod.Get
            ? (HttpStatusCode.OK, JsonSerializer.Serialize(new { @object = "list", has_more = false, data = new[] { intent } }))
            : (HttpStatusCode.NotFound, "{}");
        var body = StripeEvent("evt_" + Guid.NewGuid().ToString("N"), "payment_intent.amount_capturable_updated", intent);

        (await PostStripeAsync(body, SignStripe(body))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await factory.GetAsync(payment.Id)).Status.ShouldBe("authorized");
        (await factory.NumberAsync("select count(*) from payments where provider_reference = 'pi_lost'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_payment_of_a_provider_not_configured_here_is_left_out_of_the_resolvers_rounds()
    {
        const string lookups = "bazaar_payments_provider_errors_total{operation=\"lookup\",reason=\"not_configured\"}";
        var payment = await PaymentOfAsync("acme", "acme_2");
        await (await factory.CaptureAsync(payment.Id)).ShouldBeOkAsync<PaymentDto>(); // unknown: acme is not configured
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        var before = await factory.MetricAsync(lookups);

        (await factory.ResolveUnknownAsync()).ShouldBe(0);

        (await factory.MetricAsync(lookups)).ShouldBe(before); // not even tried
    }

    [Fact]
    public async Task A_stripe_event_about_nothing_of_ours_is_acknowledged_and_not_kept()
    {
        var body = StripeEvent("evt_" + Guid.NewGuid().ToString("N"), "customer.created", new { id = "cus_1", @object = "customer", email = "someone@example.com" });
        (await PostStripeAsync(body, SignStripe(body))).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Another integration's payment on the same Stripe account.
        var other = StripeEvent("evt_" + Guid.NewGuid().ToString("N"), "payment_intent.succeeded", Intent("pi_not_ours", "succeeded", Guid.NewGuid()));
        (await PostStripeAsync(other, SignStripe(other))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await factory.NumberAsync("select count(*) from webhook_events")).ShouldBe(0);
        factory.Stripe.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_stripe_event_without_a_valid_fresh_signature_of_the_endpoint_secret_is_refused()
    {
        var now = factory.Clock.GetUtcNow();
        var body = StripeEvent("evt_" + Guid.NewGuid().ToString("N"), "payment_intent.succeeded", new { id = "pi_x", @object = "payment_intent" });

        await (await PostStripeAsync(body, null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await PostStripeAsync(body, WebhookSignature.Sign("whsec_another_endpoint", body, now))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await PostStripeAsync(body, factory.SignSandbox(body, now))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await PostStripeAsync(body, WebhookSignature.Sign(StripeConfiguredFactory.WebhookSecret, body, now - TimeSpan.FromMinutes(6))))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        const string notAnEvent = """{"type":"payment_intent.succeeded"}""";
        await (await PostStripeAsync(notAnEvent, WebhookSignature.Sign(StripeConfiguredFactory.WebhookSecret, notAnEvent, now))).ShouldNameFieldAsync("id");

        (await factory.NumberAsync("select count(*) from webhook_events")).ShouldBe(0);
        factory.Stripe.Calls.ShouldBeEmpty();
    }
}
