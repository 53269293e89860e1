using System.Text;

namespace Bazaar.Payments.Tests;

/// <summary>
/// The slow test card: the sandbox holds the authorization longer than the provider timeout and completes it
/// <see cref="SandboxProvider.SlowCompletion"/> later (on the service's clock, which the test moves).
/// </summary>
public sealed class UnknownOutcomeTests(PaymentsFactory factory) : PaymentsTest(factory)
{
    async Task<PaymentDto> SlowPaymentAsync()
    {
        var payment = await Factory.AuthorizeAsync(7500, SandboxCards.SlowCard);
        payment.Status.ShouldBe("unknown");
        payment.Transactions.ShouldHaveSingleItem().Status.ShouldBe("unknown");
        return payment;
    }

    [Fact]
    public async Task A_timed_out_authorization_is_unknown_until_the_provider_says_what_happened()
    {
        var payment = await SlowPaymentAsync();

        // Still in progress at the provider: the resolver asks, hears "pending", and does not guess.
        Factory.Clock.Advance(TimeSpan.FromSeconds(3)); // past the provider timeout, before the sandbox completes
        await Factory.ResolveUnknownAsync();
        (await Factory.GetAsync(payment.Id)).Status.ShouldBe("unknown");
        await (await Factory.CaptureAsync(payment.Id)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        Factory.Clock.Advance(SandboxProvider.SlowCompletion);
        await Factory.ResolveUnknownAsync();
        var settled = await Factory.GetAsync(payment.Id);
        settled.Status.ShouldBe("authorized");
        settled.Transactions.ShouldHaveSingleItem().Status.ShouldBe("succeeded");
        (await Factory.NumberAsync("select count(*) from sandbox_operations where kind = 'authorization'")).ShouldBe(1);

        // Now it behaves like any authorized payment.
        (await (await Factory.CaptureAsync(payment.Id)).ShouldBeOkAsync<PaymentDto>()).Status.ShouldBe("captured");
    }

    [Fact]
    public async Task Repeating_an_unknown_authorization_asks_again_and_never_charges_twice()
    {
        var payment = await SlowPaymentAsync();
        Factory.Clock.Advance(SandboxProvider.SlowCompletion + TimeSpan.FromSeconds(1));

        var repeat = await (await Factory.PostAuthorizeAsync(payment.OrderId, 7500, await StoredTokenAsync(payment.Id))).ShouldBeOkAsync<PaymentDto>();
        repeat.Id.ShouldBe(payment.Id);
        repeat.Status.ShouldBe("authorized");
        (await Factory.NumberAsync("select count(*) from sandbox_operations")).ShouldBe(1);
        (await Factory.NumberAsync("select count(*) from payment_transactions")).ShouldBe(1);
    }

    [Fact]
    public async Task A_signed_webhook_settles_the_payment_once()
    {
        var payment = await SlowPaymentAsync();
        Factory.Clock.Advance(SandboxProvider.SlowCompletion + TimeSpan.FromSeconds(1));

        var body = PaymentsFactory.SandboxEvent("evt_" + Guid.NewGuid().ToString("N"), PaymentService.AuthorizationKey(payment.OrderId));
        (await Factory.PostSandboxWebhookAsync(body, Factory.SignSandbox(body))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Factory.GetAsync(payment.Id)).Status.ShouldBe("authorized");

        // A redelivery is acknowledged and changes nothing: it is known as one, not processed again.
        const string duplicates = "bazaar_payments_webhooks_total{result=\"duplicate\"}";
        var before = await Factory.MetricAsync(duplicates);
        (await Factory.PostSandboxWebhookAsync(body, Factory.SignSandbox(body))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Factory.MetricAsync(duplicates) - before).ShouldBe(1);
        (await Factory.NumberAsync("select count(*) from webhook_events")).ShouldBe(1);
        (await Factory.GetAsync(payment.Id)).Transactions.ShouldHaveSingleItem().Status.ShouldBe("succeeded");
    }

    [Fact]
    public async Task Webhooks_without_a_valid_fresh_signature_are_refused()
    {
        var payment = await SlowPaymentAsync();
        Factory.Clock.Advance(SandboxProvider.SlowCompletion + TimeSpan.FromSeconds(1));
        var now = Factory.Clock.GetUtcNow();
        var body = PaymentsFactory.SandboxEvent("evt_" + Guid.NewGuid().ToString("N"), PaymentService.AuthorizationKey(payment.OrderId));

        await (await Factory.PostSandboxWebhookAsync(body, null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await Factory.PostSandboxWebhookAsync(body, "t=123,v1=abc")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await Factory.PostSandboxWebhookAsync(body.Replace("evt_", "evt_x", StringComparison.Ordinal), Factory.SignSandbox(body, now))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await Factory.PostSandboxWebhookAsync(body, Factory.SignSandbox(body, now - TimeSpan.FromMinutes(6)))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var otherSecret = new SandboxWebhookSigner(Microsoft.Extensions.Options.Options.Create(new PaymentsOptions { Sandbox = { WebhookSecret = "not-the-secret" } }));
        await (await Factory.PostSandboxWebhookAsync(body, otherSecret.Sign(body, now))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        (await Factory.NumberAsync("select count(*) from webhook_events")).ShouldBe(0);
        (await Factory.GetAsync(payment.Id)).Status.ShouldBe("unknown");
    }

    [Fact]
    public async Task A_webhook_for_nothing_we_know_is_acknowledged()
    {
        var body = PaymentsFactory.SandboxEvent("evt_" + Guid.NewGuid().ToString("N"), "auth:" + Guid.NewGuid());
        (await Factory.PostSandboxWebhookAsync(body, Factory.SignSandbox(body))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Factory.NumberAsync("select count(*) from webhook_events")).ShouldBe(0); // nothing of ours: not kept
        const string notAnEvent = """{"type":"payment.authorization_completed"}""";
        await (await Factory.PostSandboxWebhookAsync(notAnEvent, Factory.SignSandbox(notAnEvent))).ShouldNameFieldAsync("id");
    }

    async Task<string> StoredTokenAsync(Guid paymentId)
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(Factory.DatabaseConnectionString);
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand("select card_token from payments where id = @id", connection);
        command.Parameters.AddWithValue("id", paymentId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
