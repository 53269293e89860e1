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
