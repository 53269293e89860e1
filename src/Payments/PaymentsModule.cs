using Bazaar.Payments.Payments;
using Bazaar.Payments.Providers;
using Bazaar.ServiceDefaults;
using Bazaar.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Payments;

public static class PaymentsModule
{
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PaymentsDb>("payments");
        var services = builder.Services;
        // DataAnnotations on request types: the source generator only sees this call in the service's own assembly.
        services.AddValidation();
        services.AddOptions<PaymentsOptions>().Bind(builder.Configuration.GetSection("Payments"))
            // At most half the time after which a call the provider never heard of is taken as never made: a send cut off
            // by the timeout is long over by then, with room for the clocks of two pods to differ.
            .Validate(o => o.ProviderTimeout > TimeSpan.Zero && o.ProviderTimeout <= PaymentService.NotSubmittedAfter / 2,
                $"Payments:ProviderTimeout must be more than zero and at most {(PaymentService.NotSubmittedAfter / 2).TotalSeconds} seconds.")
            .Validate(o => o.ResolveInterval > TimeSpan.Zero, "Payments:ResolveInterval must be more than zero.")
            .Validate(o => o.UnknownStuckAfter > o.ProviderTimeout, "Payments:UnknownStuckAfter must be longer than Payments:ProviderTimeout.")
            .Validate(o => o.Provider is SandboxProvider.ProviderName or StripeProvider.ProviderName, "Payments:Provider must be sandbox or stripe.")
            // The sandbox's keys matter only while its card form and webhook are served, that is while it is the provider.
            .Validate(o => !o.UsesSandbox || (!string.IsNullOrEmpty(o.Sandbox.FingerprintKey) && !string.IsNullOrEmpty(o.Sandbox.WebhookSecret)),
                "Payments:Sandbox:FingerprintKey and Payments:Sandbox:WebhookSecret must not be empty.")
            .Validate(o => !o.UsesSandbox || builder.Environment.IsDevelopment() || !o.Sandbox.UsesDevelopmentKeys,
                "Payments:Sandbox:FingerprintKey and Payments:Sandbox:WebhookSecret are the published development keys; outside Development set them from the secret store.")
            .Validate(o => o.Stripe.SecretKey.Length == 0 ? o.Provider != StripeProvider.ProviderName
                    : o.Stripe.SecretKey.StartsWith("sk_", StringComparison.Ordinal) || o.Stripe.SecretKey.StartsWith("rk_", StringComparison.Ordinal),
                "Payments:Stripe:SecretKey must be a Stripe secret or restricted key (sk_… or rk_…), and is needed when Payments:Provider is stripe.")
            .Validate(o => o.Sandbox.WebhookUrl is null || (o.Sandbox.WebhookUrl.IsAbsoluteUri && o.Sandbox.WebhookUrl.Scheme is "http" or "https"),
                "Payments:Sandbox:WebhookUrl must be an absolute http(s) address.")
            .Validate(o => o.Sandbox.WebhookInterval > TimeSpan.Zero, "Payments:Sandbox:WebhookInterval must be more than zero.")
            .Validate(o => o.Stripe.WebhookSecret.Length == 0 || (o.Stripe.WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal) && o.Stripe.SecretKey.Length > 0),
                "Payments:Stripe:WebhookSecret must be the webhook endpoint's signing secret (whsec_…), and comes with Payments:Stripe:SecretKey (an event is looked up at Stripe).")
            .ValidateOnStart();
        services.AddSingleton<PaymentsMetrics>();

        // The sandbox is the embedded default provider and always there for the payments made with it; Stripe is there
        // when its key is set, and takes new payments when Payments:Provider says so (PaymentProviders).
        services.AddMemoryCache(o => o.SizeLimit = 100_000); // sandbox card details by token
        services.AddSingleton<SandboxProvider>();
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SandboxProvider>());
        if (!string.IsNullOrEmpty(builder.Configuration["Payments:Stripe:SecretKey"]))
        {
            services.AddHttpClient<StripeProvider>((sp, client) =>
                client.BaseAddress = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PaymentsOptions>>().Value.Stripe.BaseUrl);
            services.AddTransient<IPaymentProvider>(sp => sp.GetRequiredService<StripeProvider>());
        }
        services.AddScoped<PaymentProviders>();
        services.AddSingleton<SandboxTokenizer>();
        services.AddSingleton<SandboxWebhookSigner>();
        services.AddHttpClient(SandboxWebhookSender.ClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<SandboxWebhookSender>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxWebhookSender>());
        services.AddRowPurge(new PurgeRule("sandbox_cards", "created_at", TimeSpan.FromDays(30)));
        services.AddRowPurge(new PurgeRule("webhook_events", "received_at", TimeSpan.FromDays(30)));

        services.AddScoped<PaymentService>();
        services.AddHostedService<UnknownOutcomeResolver>();
        return builder;
    }

    public static WebApplication MapPaymentsApi(this WebApplication app)
    {
        app.MapPaymentRoutes();
        return app;
    }
}
