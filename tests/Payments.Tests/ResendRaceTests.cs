using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bazaar.Payments.Tests;

/// <summary>
/// The sandbox, behind a wrapper that can make an authorization fail on its way (it never reaches the sandbox) or hold
/// an authorization or a look-up at a gate until the test lets it through: the interleavings of a resend and the
/// resolver, which timing alone would only produce by chance.
/// </summary>
public sealed class GatedProvider(SandboxProvider sandbox) : IPaymentProvider
{
    public bool LoseNextAuthorization { get; set; }
    public bool LoseNextVoid { get; set; }
    public bool FailLookups { get; set; }
    public Gate? AuthorizationGate { get; set; }
    public Gate? VoidGate { get; set; }
    public Gate? LookupGate { get; set; }

    /// <summary>The idempotency keys looked up, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Lookups { get; } = new();

    public string Name => sandbox.Name;

    public async Task<ProviderResult> AuthorizeAsync(ProviderAuthorization authorization, CancellationToken ct)
    {
        if (LoseNextAuthorization)
        {
            LoseNextAuthorization = false;
            throw Lost();
        }
        if (AuthorizationGate is { } gate)
            await gate.PassAsync(ct);
        return await sandbox.AuthorizeAsync(authorization, ct);
    }

    public async Task<ProviderResult> LookupAsync(ProviderLookup call, CancellationToken ct)
    {
        if (LookupGate is { } gate)
            await gate.PassAsync(ct);
        if (FailLookups)
            throw new HttpRequestException("The provider did not answer.");
        Lookups.Enqueue(call.IdempotencyKey);
        return await sandbox.LookupAsync(call, ct);
    }

    public Task<ProviderResult> CaptureAsync(string reference, long amount, string currency, string idempotencyKey, CancellationToken ct) =>
        sandbox.CaptureAsync(reference, amount, currency, idempotencyKey, ct);

    public async Task<ProviderResult> VoidAsync(string reference, string idempotencyKey, CancellationToken ct)
    {
        if (LoseNextVoid)
        {
            LoseNextVoid = false;
            throw Lost();
        }
        if (VoidGate is { } gate)
            await gate.PassAsync(ct);
        return await sandbox.VoidAsync(reference, idempotencyKey, ct);
    }

    static HttpRequestException Lost() => new("The connection was reset before the request was sent.");

    public Task<ProviderResult> RefundAsync(string reference, long amount, string currency, string idempotencyKey, CancellationToken ct) =>
        sandbox.RefundAsync(reference, amount, currency, idempotencyKey, ct);

    public Task<CardDetails?> DescribeCardAsync(string token, CancellationToken ct) => sandbox.DescribeCardAsync(token, ct);
}

/// <summary>A call waits here until <see cref="Open"/>; <see cref="Reached"/> completes once one has arrived.</summary>
public sealed class Gate
{
    readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => reached.Task;

    public void Open() => open.TrySetResult();

    public async Task PassAsync(CancellationToken ct)
    {
        reached.TrySetResult();
        await open.Task.WaitAsync(ct);
    }
}

public sealed class GatedProviderFactory : PaymentsFactory
{
    public GatedProvider Provider => Services.GetRequiredService<GatedProvider>();

    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Payments:ProviderTimeout"] = "00:00:30"; // the longest allowed: a call held at a gate is not cut short
    }

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.RemoveAll<IPaymentProvider>();
        services.AddSingleton<GatedProvider>();
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<GatedProvider>());
    }
}

/// <summary>
/// An unknown call sent again while the resolver asks about it: the provider's "no such operation" (the resend has not
/// reached it yet) must not settle the call as never made, or the resend's success is lost while the money is held.
/// </summary>
public sealed class ResendRaceTests(GatedProviderFactory factory) : IClassFixture<GatedProviderFactory>, IAsyncLifetime
{
    public Task InitializeAsync()
    {
        factory.Provider.LoseNextAuthorization = factory.Provider.LoseNextVoid = factory.Provider.FailLookups = false;
        factory.Provider.AuthorizationGate = factory.Provider.VoidGate = factory.Provider.LookupGate = null;
        factory.Provider.Lookups.Clear();
        return factory.ResetAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>An authorization recorded and then lost on its way: unknown, and the sandbox has never heard of it; two minutes ago.</summary>
    async Task<(Guid OrderId, string Token, PaymentDto Payment)> LostAuthorizationAsync()
    {
        var token = await factory.TokenAsync();
        var orderId = Guid.NewGuid();
        factory.Provider.LoseNextAuthorization = true;
        var payment = await (await factory.PostAuthorizeAsync(orderId, 4200, token)).ShouldBeOkAsync<PaymentDto>();
        payment.Status.ShouldBe("unknown");
        (await factory.NumberAsync("select count(*) from sandbox_operations")).ShouldBe(0);
        factory.Clock.Advance(TimeSpan.FromMinutes(2)); // long past the minute after which "no such operation" is believed
        return (orderId, token, payment);
    }

    /// <summary>Waits for the call to reach the gate; fails (instead of waiting for ever) when it answers without reaching it.</summary>
    static async Task ReachedAsync(Gate gate, Task answer)
    {
        var first = await Task.WhenAny(gate.Reached, answer).WaitAsync(TimeSpan.FromSeconds(30));
        first.ShouldBe(gate.Reached, "the call answered without reaching the provider");
    }

    /// <summary>The shopper's retry sends the authorization again; it is held on its way, short of the sandbox.</summary>
    async Task<(Gate Gate, Task<HttpResponseMessage> Answer)> ResendHeldAsync(Guid orderId, string token)
    {
        var gate = factory.Provider.AuthorizationGate = new Gate();
        var answer = factory.PostAuthorizeAsync(orderId, 4200, token);
        await ReachedAsync(gate, answer);
        return (gate, answer);
    }

    /// <summary>Lets the held resend through: it authorizes the payment, once.</summary>
    async Task ShouldAuthorizeOnceAsync((Gate Gate, Task<HttpResponseMessage> Answer) resend, Guid paymentId)
    {
        resend.Gate.Open();
        (await (await resend.Answer).ShouldBeOkAsync<PaymentDto>()).Status.ShouldBe("authorized");
        var payment = await factory.GetAsync(paymentId);
        payment.Status.ShouldBe("authorized");
        payment.Transactions.ShouldHaveSingleItem().Status.ShouldBe("succeeded");
        (await factory.NumberAsync("select count(*) from sandbox_operations where kind = 'authorization'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_call_lost_on_its_way_is_settled_as_never_made_after_a_minute()
    {
        var (_, _, payment) = await LostAuthorizationAsync();

        (await factory.ResolveUnknownAsync()).ShouldBe(1);

        var settled = await factory.GetAsync(payment.Id);
        settled.Status.ShouldBe("declined");
        settled.DeclineCode.ShouldBe("not_submitted");
    }

    [Fact]
    public async Task The_resolver_does_not_settle_a_call_sent_again_a_moment_ago()
    {
        var (orderId, token, payment) = await LostAuthorizationAsync();

        var resend = await ResendHeldAsync(orderId, token);

        // The sandbox has no such operation yet; the call was sent again just now, so that proves nothing.
        (await factory.ResolveUnknownAsync()).ShouldBe(0);
        (await factory.GetAsync(payment.Id)).Status.ShouldBe("unknown");

        await ShouldAuthorizeOnceAsync(resend, payment.Id);
    }

    [Fact]
    public async Task A_resend_that_starts_while_the_resolver_asks_keeps_the_call_open()
    {
        var (orderId, token, payment) = await LostAuthorizationAsync();

        // The resolver reads the row (sent two minutes ago) and asks the sandbox ...
        var lookup = factory.Provider.LookupGate = new Gate();
        var resolver = factory.ResolveUnknownAsync();
        await ReachedAsync(lookup, resolver);

        // ... while the shopper's retry sends the authorization again, still on its way ...
        var resend = await ResendHeldAsync(orderId, token);

        // ... so the sandbox's "no such operation" no longer describes the call: the resolver settles nothing.
        lookup.Open();
        (await resolver).ShouldBe(0);
        (await factory.GetAsync(payment.Id)).Status.ShouldBe("unknown");

        await ShouldAuthorizeOnceAsync(resend, payment.Id);
    }

    [Fact]
    public async Task A_webhook_about_a_call_settled_while_it_asks_is_not_sent_back()
    {
        var (orderId, token, payment) = await LostAuthorizationAsync();

        // The provider's event about the call arrives; its look-up is held on the way ...
        var lookup = factory.Provider.LookupGate = new Gate();
        var webhook = Task.Run(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PaymentService>()
                .ResolveAsync(factory.Provider.Name, PaymentService.AuthorizationKey(orderId), null, namesIntentCalls: false, default);
        });
        await ReachedAsync(lookup, webhook);

        // ... while the shopper's retry settles the call.
        (await (await factory.PostAuthorizeAsync(orderId, 4200, token)).ShouldBeOkAsync<PaymentDto>()).Status.ShouldBe("authorized");

        // The event's call is settled, if not by the event: nothing is left to deliver it again for.
        lookup.Open();
        (await webhook).ShouldBeFalse();
        (await factory.GetAsync(payment.Id)).Status.ShouldBe("authorized");
    }

    [Fact]
    public async Task A_delivery_that_arrives_while_its_event_is_processed_is_sent_back_and_takes_over_once_that_fails()
    {
        var (orderId, _, payment) = await LostAuthorizationAsync();
        var body = PaymentsFactory.SandboxEvent("evt_" + Guid.NewGuid().ToString("N"), PaymentService.AuthorizationKey(orderId));

        // The first delivery asks the provider, held on the way; a redelivery meanwhile is not acknowledged, as the first
        // may still fail.
        var gate = factory.Provider.LookupGate = new Gate();
        var first = factory.PostSandboxWebhookAsync(body, factory.SignSandbox(body));
        await ReachedAsync(gate, first);
        (await (await factory.PostSandboxWebhookAsync(body, factory.SignSandbox(body))).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable)).GetProperty("title").GetString().ShouldBe("Being processed");

        // The first one's look-up fails: it is answered 503 and gives the event up; the next delivery processes it.
        factory.Provider.FailLookups = true;
        gate.Open();
        (await (await first).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable)).GetProperty("title").GetString().ShouldBe("Not settled yet");
        factory.Provider.FailLookups = false;
        (await factory.PostSandboxWebhookAsync(body, factory.SignSandbox(body))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await factory.GetAsync(payment.Id)).Status.ShouldBe("declined"); // never reached the network: not_submitted
        (await factory.NumberAsync("select count(*) from webhook_events where processed_at is not null and claimed_until is null")).ShouldBe(1);
        (await factory.PostSandboxWebhookAsync(body, factory.SignSandbox(body))).StatusCode.ShouldBe(HttpStatusCode.OK); // and from then on is acknowledged as done
    }

    [Fact]
    public async Task A_delivery_whose_process_stopped_is_taken_over_once_its_claim_lapses()
    {
        var (orderId, _, payment) = await LostAuthorizationAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
            (await scope.ServiceProvider.GetRequiredService<PaymentService>().ClaimWebhookAsync("sandbox:evt_stopped", PaymentsApi.AuthorizationCompleted,
                JsonSerializer.Serialize(new { id = "evt_stopped" }), default)).ShouldBe(WebhookClaim.Claimed);
        var body = PaymentsFactory.SandboxEvent("evt_stopped", PaymentService.AuthorizationKey(orderId));

        await (await factory.PostSandboxWebhookAsync(body, factory.SignSandbox(body))).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable); // the claim may still be at work
        factory.Clock.Advance(PaymentService.WebhookClaimTime);
        (await factory.PostSandboxWebhookAsync(body, factory.SignSandbox(body))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await factory.GetAsync(payment.Id)).Status.ShouldBe("declined");
    }

    [Fact]
    public async Task A_call_settled_as_never_made_is_not_sent_again()
    {
        var (orderId, token, payment) = await LostAuthorizationAsync();
        (await factory.ResolveUnknownAsync()).ShouldBe(1);

        var repeat = await (await factory.PostAuthorizeAsync(orderId, 4200, token)).ShouldBeOkAsync<PaymentDto>();
        repeat.Id.ShouldBe(payment.Id);
        repeat.Status.ShouldBe("declined");
        (await factory.NumberAsync("select count(*) from sandbox_operations")).ShouldBe(0);
    }

    [Fact]
    public async Task A_void_sent_again_is_not_settled_while_on_its_way()
    {
        var payment = await factory.AuthorizeAsync(5000);
        factory.Provider.LoseNextVoid = true;
        await factory.VoidAsync(payment.Id);
        (await factory.GetAsync(payment.Id)).Transactions.Single(t => t.Kind == "void").Status.ShouldBe("unknown");
        factory.Clock.Advance(TimeSpan.FromMinutes(2));

        var gate = factory.Provider.VoidGate = new Gate();
        var resend = factory.VoidAsync(payment.Id);
        await ReachedAsync(gate, resend);
        (await factory.ResolveUnknownAsync()).ShouldBe(0);

        gate.Open();
        (await (await resend).ShouldBeOkAsync<PaymentDto>()).Status.ShouldBe("voided");
        (await factory.GetAsync(payment.Id)).Transactions.Single(t => t.Kind == "void").Status.ShouldBe("succeeded");
    }

    [Fact]
    public async Task The_resolver_asks_first_about_calls_it_has_not_asked_about()
    {
        var (_, _, first) = await LostAuthorizationAsync();
        factory.Provider.FailLookups = true;
        (await factory.ResolveUnknownAsync()).ShouldBe(0); // asked, no answer: it goes to the back of the queue
        factory.Provider.FailLookups = false;
        var (_, _, second) = await LostAuthorizationAsync();

        (await factory.ResolveUnknownAsync()).ShouldBe(2);
        factory.Provider.Lookups.ShouldBe([PaymentService.AuthorizationKey(second.OrderId), PaymentService.AuthorizationKey(first.OrderId)]);
    }

    [Fact]
    public async Task A_call_unknown_for_too_long_shows_on_the_metrics_until_it_settles()
    {
        const string Stuck = "bazaar_payments_unknown_outcomes{kind=\"authorization\"}";
        await LostAuthorizationAsync();
        factory.Provider.FailLookups = true;
        await factory.ResolveUnknownAsync();
        (await factory.GaugeAsync(Stuck)).ShouldBe(0); // unknown for two minutes: the resolver is still at it

        factory.Clock.Advance(TimeSpan.FromMinutes(30));
        await factory.ResolveUnknownAsync();
        (await factory.GaugeAsync(Stuck)).ShouldBe(1);
        (await factory.GaugeAsync("bazaar_payments_unknown_outcomes{kind=\"refund\"}")).ShouldBe(0);

        factory.Provider.FailLookups = false;
        (await factory.ResolveUnknownAsync()).ShouldBe(1);
        await factory.ResolveUnknownAsync(); // each pass counts before it asks
        (await factory.GaugeAsync(Stuck)).ShouldBe(0);
    }

    [Fact]
    public async Task The_resolver_asks_first_about_the_calls_it_asked_about_least_recently()
    {
        var (_, _, first) = await LostAuthorizationAsync();
        var (_, _, second) = await LostAuthorizationAsync();
        // Both were asked about and stayed open (the look-ups failed); the older call was asked about last, so the newer
        // one comes first (oldest first would ask in the other order).
        await factory.NumberAsync("update payment_transactions set checked_at = now() where payment_id = @id", new { id = first.Id });
        await factory.NumberAsync("update payment_transactions set checked_at = now() - interval '1 minute' where payment_id = @id", new { id = second.Id });

        (await factory.ResolveUnknownAsync()).ShouldBe(2);
        factory.Provider.Lookups.ShouldBe([PaymentService.AuthorizationKey(second.OrderId), PaymentService.AuthorizationKey(first.OrderId)]);
    }
}
