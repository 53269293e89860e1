using Bazaar.Identity.Keys;
using Bazaar.Identity.Passwords;
using Bazaar.Identity.Tokens;
using Bazaar.Identity.Users;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Email;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Identity;

/// <summary>Identity's database; the schema itself comes from the SQL files in Migrations/.</summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<PasswordResetToken> PasswordResetTokens => Set<PasswordResetToken>();
    public DbSet<SigningKeyRecord> SigningKeys => Set<SigningKeyRecord>();
    public DbSet<OutboxEmail> Outbox => Set<OutboxEmail>();

    /// <summary>
    /// Locks the user's row until the caller's transaction ends. Whatever starts or ends a user's sessions (sign-in,
    /// refresh rotation, logout, password reset or change, admin lock) takes it first, so those run one after the other
    /// and a revocation never misses a session being started. <c>for no key update</c> does not block the foreign-key
    /// checks of new tokens.
    /// </summary>
    public Task LockUserAsync(Guid userId, CancellationToken ct) =>
        Database.ExecuteSqlAsync($"select 1 from users where id = {userId} for no key update", ct);

    /// <summary>Locks the user's row (<see cref="LockUserAsync"/>) and reloads <paramref name="user"/> as it is now that it is locked.</summary>
    public async Task LockUserAsync(User user, CancellationToken ct)
    {
        await LockUserAsync(user.Id, ct);
        await Entry(user).ReloadAsync(ct);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.MapEmailOutbox();
        model.Entity<User>().ToTable("users").HasKey(x => x.Id);
        model.Entity<RefreshToken>().ToTable("refresh_tokens").HasKey(x => x.Id);
        model.Entity<PasswordResetToken>().ToTable("password_reset_tokens").HasKey(x => x.Id);
        model.Entity<SigningKeyRecord>().ToTable("signing_keys").HasKey(x => x.Kid);
        model.UseSnakeCaseColumns();
    }
}
