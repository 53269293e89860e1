namespace Bazaar.Payments.Tests;

/// <summary>Payments with one database connection in its pool, waiting at most two seconds for it.</summary>
public sealed class OneConnectionFactory : PaymentsFactory
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["ConnectionStrings:Database"] = DatabaseConnectionString + ";Maximum Pool Size=1;Timeout=2";
    }
}

/// <summary>
/// A call repeated (with its idempotency key, or a void of a voided payment) is answered after the connection that found the earlier call is back in
/// the pool: a repeat that held it while asking for another would wait on itself (under load, on every other request).
/// </summary>
public sealed class OneConnectionTests(OneConnectionFactory factory) : IClassFixture<OneConnectionFactory>, IAsyncLifetime
{
    OneConnectionFactory Factory { get; } = factory;

    public Task InitializeAsync() => Factory.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_repeated_capture_refund_or_void_needs_one_connection_at_a_time()
    {
        var toVoid = await Factory.AuthorizeAsync(2000);
        (await (await Factory.VoidAsync(toVoid.Id)).ShouldBeOkAsync<PaymentDto>()).Status.ShouldBe("voided");
        (await (await Factory.VoidAsync(toVoid.Id)).ShouldBeOkAsync<PaymentDto>()).Status.ShouldBe("voided");

        var payment = await Factory.AuthorizeAsync(5000);

        var captured = await (await Factory.CaptureAsync(payment.Id, 5000, "cap-1")).ShouldBeOkAsync<PaymentDto>();
        (await (await Factory.CaptureAsync(payment.Id, 5000, "cap-1")).ShouldBeOkAsync<PaymentDto>()).CapturedAmount.ShouldBe(captured.CapturedAmount);

        await (await Factory.RefundAsync(payment.Id, 1000, "ref-1")).ShouldBeOkAsync<PaymentDto>();
        (await (await Factory.RefundAsync(payment.Id, 1000, "ref-1")).ShouldBeOkAsync<PaymentDto>()).RefundedAmount.ShouldBe(1000);
    }
}
