using Bazaar.Identity.Auth;
using Bazaar.Identity.Keys;
using Bazaar.Identity.Passwords;
using Bazaar.Identity.Seed;
using Bazaar.Identity.Tokens;
using Bazaar.Identity.Users;
using Bazaar.ServiceDefaults;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Email;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Identity;

public static class IdentityModule
{
    public static WebApplicationBuilder AddIdentityService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<IdentityDb>("identity");
        var services = builder.Services;
        // DataAnnotations on request types: the source generator only sees this call in the service's own assembly.
        services.AddValidation();
        services.Configure<IdentityServiceOptions>(builder.Configuration.GetSection("Identity"));
        services.AddEmailOutbox(builder.Configuration);

        services.AddSingleton<KeyEncryption>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<IJsonWebKeySource>(sp => sp.GetRequiredService<SigningKeyRing>()); // validate locally, no HTTP to itself
        services.AddHostedService<KeyRotationService>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddScoped<RefreshTokenStore>();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<ResetLinkQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<ResetLinkQueue>());
        services.AddSingleton<IdentityMetrics>();
        services.AddScoped<ISeeder, DemoAccountsSeeder>();
        // Expired refresh tokens are kept 30 days for reuse detection (a stolen token presented again ends its family);
        // one presented later is refused as unknown instead. Reset links are of no use a day after they expire.
        services.AddRowPurge(new PurgeRule("refresh_tokens", "expires_at", TimeSpan.FromDays(30)));
        services.AddRowPurge(new PurgeRule("password_reset_tokens", "expires_at", TimeSpan.FromDays(1)));
        return builder;
    }

    public static WebApplication MapIdentityApi(this WebApplication app)
    {
        app.MapDiscoveryApi();
        app.MapAuthApi();
        app.MapPasswordsApi();
        app.MapUsersApi();
        return app;
    }
}
