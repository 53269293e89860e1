using Bazaar.Ordering.Checkout;
using Bazaar.Ordering.Clients;
using Bazaar.Ordering.Orders;
using Bazaar.Ordering.Pricing;
using Bazaar.ServiceDefaults;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Email;
using Bazaar.ServiceDefaults.Http;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Ordering;

public static class OrderingModule
{
    public static WebApplicationBuilder AddOrdering(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<OrderingDb>("ordering");
        var services = builder.Services;
        // DataAnnotations on request types: the source generator only sees this call in the service's own assembly.
        services.AddValidation();
        services.AddEmailOutbox(builder.Configuration);
        services.Configure<PricingOptions>(builder.Configuration.GetSection("Ordering:Pricing"));
        services.AddOptions<SagaOptions>().Bind(builder.Configuration.GetSection("Ordering:Saga"))
            .Validate(o => o.StuckAfter > TimeSpan.Zero && o.SweepEvery > TimeSpan.Zero && o.RefundStuckAfter > TimeSpan.Zero,
                "Ordering:Saga:StuckAfter, SweepEvery and RefundStuckAfter must be more than zero.")
            .Validate(o => o.SweepBatch >= 1, "Ordering:Saga:SweepBatch must be at least 1.")
            .Validate(o => o.SweepBudget >= TimeSpan.Zero, "Ordering:Saga:SweepBudget must not be negative.")
            .Validate(o => o.SweepBackoffLimit >= o.StuckAfter && o.SweepBackoffLimit < o.ReservationTtl,
                "Ordering:Saga:SweepBackoffLimit must be at least StuckAfter and below ReservationTtl (orders waiting after an outage are tried again while their stock is held).")
            .ValidateOnStart();
        services.AddServiceClient<CartClient>("cart");
        services.AddServiceClient<CatalogClient>("catalog");
        services.AddServiceClient<PaymentsClient>("payments");
        services.AddServiceClient<RiskClient>("risk");
        services.AddSingleton<SagaFaults>();
        services.AddSingleton<OrderSaga>();
        services.AddSingleton<OrderActions>();
        services.AddSingleton<DueOrders>();
        services.AddSingleton<SagaSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<SagaSweeper>());
        // A checkout retried with its Idempotency-Key comes within minutes; a month on, the key has served its purpose.
        services.AddRowPurge(new PurgeRule("idempotency_keys", "created_at", TimeSpan.FromDays(30)));
        return builder;
    }

    public static WebApplication MapOrderingApi(this WebApplication app)
    {
        app.MapCheckoutApi();
        app.MapOrdersApi();
        return app;
    }
}
