using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Tests;

/// <summary>Payments' registration and routes under given settings, built but not started (no database is reached).</summary>
public static class PaymentsApp
{
    public static WebApplication Build(string environment, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration["ConnectionStrings:Database"] = "Host=127.0.0.1;Database=unused";
        foreach (var (key, value) in settings)
            builder.Configuration[key] = value;
        builder.Services.AddSingleton(TimeProvider.System); // AddServiceDefaults' part, not under test here
        builder.AddPayments();
        return builder.Build();
    }

    /// <summary>What ValidateOnStart checks when the service starts.</summary>
    public static void Validate(this WebApplication app) => app.Services.GetRequiredService<IStartupValidator>().Validate();

    /// <summary>The public card-form and webhook routes payments maps under these settings.</summary>
    public static string[] PublicPaymentRoutes(this WebApplication app)
    {
        app.MapPaymentsApi();
        return [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!).Where(r => r.Contains("/sandbox") || r.Contains("/webhooks/")).Order()];
    }
}
