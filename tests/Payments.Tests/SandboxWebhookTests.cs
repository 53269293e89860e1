namespace Bazaar.Payments.Tests;

/// <summary>Payments whose sandbox network sends its webhooks to payments' own endpoint (through the test server).</summary>
public sealed class SandboxWebhooksFactory : PaymentsFactory
{
    /// <summary>While set, the receiving end answers 503 (an edge or a deploy in the way).</summary>
    public bool ReceiverDown { get; set; }

    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Payments:Sandbox:WebhookUrl"] = "http://payments.test/api/v1/payments/webhooks/sandbox";
    }

    /// <summary>The event id of every delivery the sender made, answered or not.</summary>
    public List<string> Deliveries { get; } = [];

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddHttpClient(SandboxWebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => new Receiver(this));

    sealed class Receiver(SandboxWebhooksFactory factory) : DelegatingHandler(factory.Server.CreateHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            using (var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(ct)))
                lock (factory.Deliveries)
                    factory.Deliveries.Add(body.RootElement.GetProperty("id").GetString()!);
            return factory.ReceiverDown ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : await base.SendAsync(request, ct);
        }
    }

    public Task<int> DeliverDueAsync() => Services.GetRequiredService<SandboxWebhookSender>().DeliverDueAsync(default);
}

/// <summary>The sandbox network announces a late authorization with a signed webhook, as a provider does.</summary>
public sealed class SandboxWebhookTests(SandboxWebhooksFactory factory) : IClassFixture<SandboxWebhooksFactory>, IAsyncLifetime
{
    public Task InitializeAsync()
    {
        factory.ReceiverDown = false;
        factory.Deliveries.Clear();
        return factory.ResetAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<PaymentDto> LateAuthorizationAsync()
    {
        var payment = await factory.AuthorizeAsync(4200, SandboxCards.SlowCard);
        payment.Status.ShouldBe("unknown"); // the sandbox held the call past the provider timeout
        return payment;
    }

    [Fact]
    public async Task A_late_authorization_is_announced_when_it_completes_and_the_webhook_settles_it()
    {
        var payment = await LateAuthorizationAsync();
        (await factory.DeliverDueAsync()).ShouldBe(0); // still in progress at the network

        factory.Clock.Advance(SandboxProvider.SlowCompletion + SandboxProvider.NotifyAfterCompletion);
        (await factory.DeliverDueAsync()).ShouldBe(1);

        (await factory.GetAsync(payment.Id)).Status.ShouldBe("authorized");
        var eventId = "sandbox:" + SandboxWebhookSender.EventId(PaymentService.AuthorizationKey(payment.OrderId));
        (await factory.NumberAsync("select count(*) from webhook_events where event_id = @eventId", new { eventId })).ShouldBe(1);
        factory.Clock.Advance(TimeSpan.FromHours(2));
        (await factory.DeliverDueAsync()).ShouldBe(0); // delivered once: nothing is due again
        factory.Deliveries.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_delivery_that_fails_is_tried_again_later_with_the_same_event()
    {
        var payment = await LateAuthorizationAsync();
        factory.Clock.Advance(SandboxProvider.SlowCompletion + SandboxProvider.NotifyAfterCompletion);
        factory.ReceiverDown = true;

        (await factory.DeliverDueAsync()).ShouldBe(0);
        (await factory.GetAsync(payment.Id)).Status.ShouldBe("unknown");
        (await factory.DeliverDueAsync()).ShouldBe(0); // not due again yet

        factory.ReceiverDown = false;
        factory.Clock.Advance(TimeSpan.FromSeconds(2));
        (await factory.DeliverDueAsync()).ShouldBe(1);
        (await factory.GetAsync(payment.Id)).Status.ShouldBe("authorized");
        (await factory.NumberAsync("select notify_attempts from sandbox_operations where kind = 'authorization'")).ShouldBe(2);
        factory.Deliveries.Count.ShouldBe(2);
        factory.Deliveries.Distinct().ShouldHaveSingleItem(); // the same event both times
    }

    [Fact]
    public async Task A_delivery_nobody_accepts_is_given_up_after_three_days()
    {
        await LateAuthorizationAsync();
        factory.ReceiverDown = true;
        factory.Clock.Advance(SandboxProvider.SlowCompletion + SandboxProvider.NotifyAfterCompletion);
        (await factory.DeliverDueAsync()).ShouldBe(0);

        factory.Clock.Advance(SandboxWebhookSender.GiveUpAfter);
        (await factory.DeliverDueAsync()).ShouldBe(0);

        (await factory.NumberAsync("select count(*) from sandbox_operations where notify_at is not null")).ShouldBe(0);
        factory.Deliveries.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Only_late_authorizations_are_announced()
    {
        var payment = await factory.AuthorizeAsync(4200);
        payment.Status.ShouldBe("authorized");
        factory.Clock.Advance(TimeSpan.FromMinutes(1));

        (await factory.DeliverDueAsync()).ShouldBe(0);
        (await factory.NumberAsync("select count(*) from webhook_events")).ShouldBe(0);
    }
}
