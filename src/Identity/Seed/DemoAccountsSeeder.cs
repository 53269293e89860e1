using Bazaar.Identity.Keys;
using Bazaar.Identity.Users;
using Bazaar.ServiceDefaults;
using Bazaar.ServiceDefaults.Auth;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Identity.Seed;

/// <summary>The demo admin and customer (configuration section <c>Seed</c>) and the first signing key. Safe to run again.</summary>
public sealed class DemoAccountsSeeder(IdentityDb db, PasswordHashing passwords, SigningKeyRing keys, IConfiguration configuration,
    TimeProvider clock, ILogger<DemoAccountsSeeder> logger) : ISeeder
{
    public async Task SeedAsync(CancellationToken ct)
    {
        await keys.GetSigningKeyAsync(ct);
        await EnsureAsync("Admin", "Demo Admin", [Policies.Roles.Admin, Policies.Roles.Customer], ct);
        await EnsureAsync("Support", "Demo Support", [Policies.Roles.Support, Policies.Roles.Customer], ct);
        await EnsureAsync("Customer", "Demo Customer", [Policies.Roles.Customer], ct);
    }

    async Task EnsureAsync(string kind, string displayName, string[] roles, CancellationToken ct)
    {
        var address = configuration[$"Seed:{kind}Email"];
        var password = configuration[$"Seed:{kind}Password"];
        if (string.IsNullOrEmpty(address) || string.IsNullOrEmpty(password) || !EmailAddress.TryParse(address, out var email))
            return;
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == email.Normalized, ct))
            return;
        var now = clock.GetUtcNow();
        var user = User.Register(email, displayName, now, roles);
        user.SetPasswordHash(passwords.Hash(user, password), now);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Created demo account {Kind}", kind);
    }
}
